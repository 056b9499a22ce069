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
from django.test import RequestFactory
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
]
MODULES = [
    "indicators/rows/build.py",
    "indicators/selection.py",
    "indicators/workflow.py",
    "indicators/charts.py",
    "indicators/tables.py",
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
    return ["/", "/?year=2022", "/departments/czj/", "/departments/scjg/?year=2024", f"/indicators/{pledge}/", f"/indicators/{navigation}/?year=2024"]


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
