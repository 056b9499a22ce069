"""Chinese is the default and every interface string has a Chinese translation.

The checks read the catalogue the way Django does (the compiled .mo through Python's
gettext), extract the strings of the dashboard templates and modules with Django's own
template-to-gettext conversion, and render the pages to look for English left behind.
"""

import ast
import gettext
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils.translation import override
from django.utils.translation.template import templatize

from tests.dashboard_helpers import report, report_sample

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
TEMPLATES = [
    "base.html",
    "registration/login.html",
    "registration/locked_out.html",
    "dashboards/overview.html",
    "dashboards/department.html",
    "dashboards/indicator.html",
    "dashboards/_selector.html",
    "dashboards/_status_counts.html",
    "dashboards/no_plan.html",
    "season/contributions.html",
    "season/_contributions.html",
    "notices/contribution_requested.txt",
]
MODULES = [
    "indicators/rows.py",
    "indicators/formatting.py",
    "indicators/permissions.py",
    "indicators/final_assessment.py",
    "indicators/selection.py",
    "indicators/workflow/entries.py",
    "indicators/workflow/transitions.py",
    "indicators/workflow/common.py",
    "indicators/workflow/contributions.py",
    "indicators/views/contributions.py",
    "indicators/charts.py",
    "indicators/history.py",
    "indicators/progress.py",
    "indicators/views/dashboards.py",
    "indicators/templatetags/ipzone_tags.py",
    "indicators/models/plan.py",
    "indicators/models/reporting.py",
    "indicators/models/users.py",
]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
# Words that would betray an untranslated dashboard; "English" is the language switch itself.
ENGLISH_WORDS = [
    "Overview", "Departments", "Data entry", "Log out", "Status", "Completion", "Pending review",
    "Not reported", "Not scored", "Achieved", "On track", "Needs acceleration", "Behind", "Deteriorating",
    "Lead", "Co-operating", "Task", "As of year", "Show", "Reporting completeness", "Trend", "Values by year",
    "Change history", "Indicators", "Reported", "Submitted", "Approved", "Draft", "Returned", "Projection",
    "Yearly target", "Final target", "Baseline", "Actual", "Running total", "Deadline", "overdue", "target",
]


def catalogue():
    with open(LOCALE / "django.mo", "rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def po_entries():
    """(msgid, msgid_plural, [msgstr…], flags) for every entry of the .po, header excluded."""
    entries = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        parts = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d+\])?|msgctxt) "(.*)"$', line)
            if match:
                key = match.group(1)
                parts[key] = match.group(2)
            elif line.startswith('"') and key:
                parts[key] += line[1:-1]
        if "msgid" not in parts or parts["msgid"] == "":
            continue
        decode = lambda text: text.encode("latin-1", "backslashreplace").decode("unicode_escape")  # noqa: E731
        strings = [decode(value) for name, value in sorted(parts.items()) if name.startswith("msgstr")]
        entries.append((decode(parts["msgid"]), decode(parts.get("msgid_plural", "")), strings, flags))
    return entries


def template_msgids(name):
    source = (ROOT / "templates" / name).read_text(encoding="utf-8")
    code = templatize(source)
    # templatize() writes gettext(u'…') and ngettext(u'…', u'…', count), as xgettext reads them.
    found = set(re.findall(r"""\bgettext\(u?(['"])(.*?)(?<!\\)\1\)""", code))
    found |= {(q, m) for q, m, _q2, _plural in re.findall(r"""\bngettext\(u?(['"])(.*?)(?<!\\)\1,\s*u?(['"])(.*?)\3""", code)}
    return {ast.literal_eval(f"{quote}{text}{quote}") for quote, text in found}


def module_msgids(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT_NAMES and node.args:
            first = node.args[1] if getattr(node.func, "id", "").startswith("pgettext") else node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def test_every_catalogue_entry_has_a_chinese_translation_and_none_is_fuzzy():
    entries = po_entries()
    assert len(entries) > 200
    untranslated = [msgid for msgid, _plural, strings, _flags in entries if not all(s.strip() for s in strings)]
    fuzzy = [msgid for msgid, _plural, _strings, flags in entries if "fuzzy" in flags]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_po_file():
    compiled = catalogue()
    for msgid, plural, strings, _flags in po_entries():
        if plural:
            assert compiled.get((msgid, 0)) == strings[0], msgid
        else:
            assert compiled.get(msgid) == strings[0], msgid


def test_placeholders_survive_translation():
    for msgid, plural, strings, _flags in po_entries():
        wanted = sorted(re.findall(r"%\(\w+\)[sd]", msgid + plural))
        for translated in strings:
            assert sorted(set(re.findall(r"%\(\w+\)[sd]", translated))) == sorted(set(wanted)), msgid


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_string_of_the_dashboard_templates_is_translated(name):
    compiled = catalogue()
    msgids = template_msgids(name)
    assert msgids, f"{name} should have interface text"
    missing = [m for m in msgids if not (compiled.get(m) or compiled.get((m, 0)))]
    assert missing == []


@pytest.mark.parametrize("path", MODULES)
def test_every_string_of_the_dashboard_modules_is_translated(path):
    compiled = catalogue()
    missing = [m for m in module_msgids(path) if not (compiled.get(m) or compiled.get((m, 0)))]
    assert missing == []


def visible_text(html):
    """What a reader sees (scripts with chart JSON included: their labels are shown too)."""
    html = re.sub(r"<(style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<script\b[^>]*\bsrc="[^"]*"[^>]*></script>', " ", html)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    # Chart JSON escapes non-ASCII; decode it so Chinese labels are compared as text.
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def english_left(text):
    return [word for word in ENGLISH_WORDS if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text)]


@pytest.fixture
def filled_plan(plan, reporter):
    report_sample(plan)
    report(plan, 19, 2024, 5000, 7, status="returned", note="请补充")
    report(plan, 9, 2024, 5, status="submitted")
    return plan


def dashboard_paths(plan):
    pledge = plan.indicators.get(order=19).pk
    navigation = plan.indicators.get(order=23).pk
    return ["/", "/?year=2022", "/departments/czj/", "/departments/scjg/?year=2024", f"/indicators/{pledge}/", f"/indicators/{navigation}/?year=2024",
            f"/plans/{plan.pk}/final/"]


def test_the_pages_in_chinese_contain_no_english_interface_words(client, leader, filled_plan):
    client.force_login(leader)
    for path in dashboard_paths(filled_plan):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        body = response.content.decode()
        assert '<html lang="zh-hans">' in body
        assert english_left(visible_text(body)) == [], path


def test_chinese_is_the_default_even_for_a_browser_asking_for_english_only_after_switching(client, leader, filled_plan):
    client.force_login(leader)
    assert "总览" in client.get("/").content.decode()  # no Accept-Language: Chinese
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english and "Overview" in english and "Reporting completeness" in english
    assert 'value="zh-hans"' in english  # the switch back
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "填报进度" in client.get("/").content.decode()


def test_the_login_and_lockout_pages_are_in_chinese(client, db):
    login = client.get("/accounts/login/").content.decode()
    assert "登录" in login and "用户名" in login and english_left(visible_text(login)) == []
    with override("zh-hans"):
        request = RequestFactory().get("/accounts/login/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        locked = render_to_string(
            "registration/locked_out.html", {"cooloff_timedelta": timedelta(minutes=15), "failure_limit": 5}, request=request
        )
    assert "登录失败次数过多，请 15 分钟后再试" in locked


# -- every page, scanned for English left behind --------------------------------------------------------
#
# A list of known words (ENGLISH_WORDS) only finds what someone thought of.  This scan reads every
# Latin-letter word a Chinese reader meets — text, button labels, titles, tooltips, alternative
# texts and screen-reader labels — and accepts only what is not interface English:
#
# * proper nouns and formats written so in Chinese text (the product's name, Excel, WPS, PDF …);
# * acronyms, all capitals (IP, ID, PCT, LDAP);
# * codes: a token with a digit, “_”, “.”, “@”, “*”, “/” or “:” (file names, password hashes, dates);
# * data: what the database holds and the page merely shows (user names, department codes, file names).
#
# Everything else is an English interface word and fails the test, with the page it was on.

PROPER_NOUNS = {"ipzone", "English", "Excel", "WPS", "Word", "Chromium"}
ATTRIBUTES = re.compile(r'\b(?:title|alt|aria-label|placeholder|data-label)="([^"]*)"')
BUTTONS = re.compile(r'<input\b[^>]*\btype="(?:submit|button|reset)"[^>]*>')
CODE = re.compile(r"[0-9_.@*/:\\]")


def reader_text(html):
    """What a reader meets: visible text (scripts and styles aside), button labels and the labelling attributes."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    buttons = " ".join(re.findall(r'\bvalue="([^"]*)"', " ".join(BUTTONS.findall(body))))
    attributes = " ".join(ATTRIBUTES.findall(body))
    text = re.sub(r"<[^>]+>", " ", body)
    return unescape(f"{text} {buttons} {attributes}")


def english_words(text, data=frozenset()):
    found = set()
    for token in re.findall(r"[A-Za-z0-9_.@*/:\\'’+-]*[A-Za-z][A-Za-z0-9_.@*/:\\'’+-]*", text):
        token = token.strip("-'’+")
        if not token or token in data or CODE.search(token):
            continue
        for word in re.split(r"[-'’+]", token):
            if word and word not in PROPER_NOUNS and word not in data and not word.isupper():
                found.add(word)
    return sorted(found)


def test_the_english_detector_tells_interface_words_from_names_and_codes():
    text = "欢迎，staff-czj。IP 地址 专利（PCT） 下载 Excel 模板 pbkdf2_sha256 合同.pdf Select 年度数据 to change 10.0000 None"
    assert english_words(text, data={"staff-czj"}) == ["None", "Select", "change", "to"]


@pytest.fixture
def every_page(plan, reporter, reviewer, leader, administrator, client, settings, tmp_path):
    """The demo-like data every admin page needs: figures in each state, evidence, history, a failed login."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators import workflow
    from indicators.models import Actual, Evidence

    settings.MEDIA_ROOT = tmp_path
    report_sample(plan)
    pledge = plan.indicators.get(order=19)
    pledge.higher_is_better = True
    pledge.save()  # a version in the indicator's history (loaddata writes none)
    [draft] = workflow.save_entries(reporter, [workflow.Entry(indicator=pledge, year=2024, value="5000.5", second_value="7")])
    [draft] = workflow.save_entries(reporter, [workflow.Entry(indicator=pledge, year=2024, value="5100", second_value="7",
                                                              note="补充", expected_version=draft.version)])
    item = Evidence(actual=draft, original_name="质押合同.pdf", content_type="application/pdf", size=8, uploaded_by=reporter)
    item.file.save("a.pdf", SimpleUploadedFile("a.pdf", b"%PDF-1.4"), save=True)
    approved = Actual.objects.filter(status="approved").select_related("indicator").first()
    client.post("/accounts/login/", {"username": reporter.username, "password": "wrong"})
    return {"draft": draft, "approved": approved, "pledge": pledge}


def data_words():
    from indicators.models import Department, Evidence, User

    words = set(User.objects.values_list("username", flat=True)) | set(Department.objects.values_list("code", flat=True))
    return frozenset(words | set(Evidence.objects.values_list("original_name", flat=True)))


def admin_pages(every_page):
    from django.contrib.auth.models import Group

    from indicators.models import Department, User

    draft, approved, pledge = every_page["draft"], every_page["approved"], every_page["pledge"]
    plan = pledge.plan
    version = draft.history.earliest().history_id
    paths = [
        "/admin/", "/admin/indicators/", "/admin/auth/", "/admin/axes/", "/admin/password_change/",
        "/admin/indicators/actual/", "/admin/indicators/actual/?status__exact=submitted", "/admin/indicators/actual/add/",
        f"/admin/indicators/actual/{draft.pk}/change/", f"/admin/indicators/actual/{approved.pk}/change/",
        f"/admin/indicators/actual/{draft.pk}/history/", f"/admin/indicators/actual/{draft.pk}/history/{version}/",
        f"/admin/indicators/actual/{draft.pk}/delete/",
        "/admin/indicators/actual/year/2024/", "/import/2024/",
        f"/admin/indicators/indicator/?plan={plan.pk}", f"/admin/indicators/indicator/{pledge.pk}/change/",
        f"/admin/indicators/indicator/{pledge.pk}/history/", "/admin/indicators/indicator/add/",
        "/admin/indicators/plan/", f"/admin/indicators/plan/{plan.pk}/change/", f"/admin/indicators/plan/{plan.pk}/history/",
        f"/admin/indicators/indicator/{pledge.pk}/history/{pledge.history.earliest().history_id}/",
        "/admin/indicators/department/", f"/admin/indicators/department/{Department.objects.first().pk}/change/",
        f"/admin/indicators/department/{Department.objects.first().pk}/history/",
        "/admin/indicators/user/", "/admin/indicators/user/add/", f"/admin/indicators/user/{User.objects.get(username='staff-czj').pk}/change/",
        f"/admin/indicators/user/{User.objects.get(username='staff-czj').pk}/history/",
        f"/admin/indicators/user/{User.objects.get(username='staff-czj').pk}/password/", "/admin/password_change/done/",
        "/admin/auth/group/", f"/admin/auth/group/{Group.objects.first().pk}/change/", f"/admin/auth/group/{Group.objects.first().pk}/history/",
        "/admin/axes/accessattempt/", "/admin/axes/accesslog/", "/admin/axes/accessfailurelog/",
    ]
    return paths


def scan(client, paths):
    data = data_words()
    left = {}
    for path in paths:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, (path, response.status_code)
        words = english_words(reader_text(response.content.decode()), data)
        if words:
            left[path] = words
    return left


def test_every_admin_page_of_the_administrator_is_chinese(client, administrator, every_page):
    client.force_login(administrator)
    assert scan(client, admin_pages(every_page)) == {}


def test_every_page_a_reporter_opens_is_chinese(client, reporter, every_page):
    client.force_login(reporter)
    draft, approved, pledge = every_page["draft"], every_page["approved"], every_page["pledge"]
    paths = [
        "/", "/departments/czj/", f"/indicators/{pledge.pk}/", "/admin/", "/admin/indicators/actual/",
        f"/admin/indicators/actual/{draft.pk}/change/", f"/admin/indicators/actual/{draft.pk}/history/",
        "/admin/indicators/actual/year/2024/", "/import/2024/", f"/admin/indicators/indicator/?plan={pledge.plan_id}",
        f"/admin/indicators/indicator/{pledge.pk}/change/", "/admin/indicators/plan/",
    ]
    assert scan(client, paths) == {}
    # A warning on the year page, with its box, in Chinese too.
    response = client.post("/admin/indicators/actual/year/2024/", {
        f"i{pledge.pk}-value": "90000", f"i{pledge.pk}-second_value": "7", f"i{pledge.pk}-version": draft.version,
    }, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert "确认无误" in page and english_words(reader_text(page), data_words()) == []


def test_every_page_of_leaders_and_reviewers_is_chinese(client, leader, reviewer, every_page):
    approved = every_page["approved"]
    for user in (leader, reviewer):
        client.force_login(user)
        paths = ["/", "/departments/scjg/", f"/indicators/{approved.indicator_id}/", "/admin/", "/admin/indicators/actual/",
                 f"/admin/indicators/actual/{approved.pk}/change/", f"/admin/indicators/actual/{approved.pk}/history/"]
        assert scan(client, paths) == {}, user.username
    page = client.post("/admin/indicators/actual/", {"action": "return_selected", "_selected_action": [approved.pk]},
                       HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert english_words(reader_text(page), data_words()) == []


def test_the_login_and_error_pages_are_chinese_and_styled_like_the_site(client, leader, every_page):
    from ipzone.middleware import database_unavailable, server_error

    pages = {
        "login": client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans"),
        "admin login": client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-hans"),
        "404": client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans"),
    }
    client.force_login(leader)
    pages["403"] = client.get("/admin/indicators/actual/year/2024/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    csrf = Client(enforce_csrf_checks=True)
    pages["403 csrf"] = csrf.post("/accounts/login/", {"username": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    with override("zh-hans"):
        pages["500"] = server_error(RequestFactory().get("/"))
        pages["503"] = database_unavailable()
    expected = {"404": 404, "403": 403, "403 csrf": 403, "500": 500, "503": 503}
    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == expected.get(name, 200), name
        assert english_words(reader_text(page), data_words()) == [], name
        if name in expected:
            assert 'class="site-header"' in page and 'class="card"' in page, name
            assert "<script" not in page, name  # nothing the CSP would block (it allows no inline script)
    for name in ("404", "403", "403 csrf"):
        assert "css/ipzone.css" in pages[name].content.decode(), name  # the site's stylesheet and header
    assert "页面不存在" in pages["404"].content.decode() and "无权" in pages["403"].content.decode()


def test_the_pages_of_co_operating_departments_are_chinese(client, demo, settings, tmp_path):
    """The co-operating clerk's 我的待办 and contributions page (after a refused save too), and the
    contributions beside the lead's year page and on the review desk."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators import workflow
    from indicators.models import Indicator, User

    settings.MEDIA_ROOT = tmp_path
    pledge = Indicator.objects.get(order=19)
    workflow.save_contributions(User.objects.get(username="staff-scjg"), [workflow.Share(
        indicator=pledge, year=2025, share="100", second_share="1", note="协办",
        evidence=[SimpleUploadedFile("协办.pdf", b"%PDF-1.4", content_type="application/pdf")],
    )])
    client.force_login(User.objects.get(username="staff-dqgzb"))
    assert scan(client, ["/my/", "/contributions/2025/", "/contributions/2024/"]) == {}
    row4 = Indicator.objects.get(order=4)
    page = client.post("/contributions/2025/", {f"c{row4.pk}-share": "1.5", f"c{row4.pk}-version": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english_words(reader_text(page.content.decode()), data_words()) == []
    client.force_login(User.objects.get(username="staff-czj"))
    assert scan(client, ["/admin/indicators/actual/year/2025/"]) == {}
    client.force_login(User.objects.get(username="reviewer"))
    assert scan(client, ["/review/2025/?department=czj"]) == {}
