"""Every URL of the site for every kind of visitor.

The owning department is 财政局 (czj), which leads 专利质押融资金额 and three other
rows; ``draft`` is its 2025 draft of 商标质押融资金额 with one evidence file, ``published`` its
submitted 2025 figure of 专利质押融资金额 with another; ``contribution_evidence`` a file of the contribution
柳州市市场监督管理局柳东新区分局 (a co-operating department) made to that figure.  Leaders and reviewers read drafts only with
含草稿 switched on (docs/design.md); another department's reporter never opens a figure's evidence.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import workflow
from indicators.models import Actual, Evidence, Indicator, User


@pytest.fixture
def demo(mid_season):
    """These tests work in the middle of the season, with the departments' 2025 drafts (conftest.mid_season)."""
    return mid_season

ROLES = ["anonymous", "owner", "other_reporter", "reviewer", "leader", "administrator"]
ACCOUNTS = {"owner": "staff-czj", "other_reporter": "staff-gxj", "reviewer": "reviewer", "leader": "leader", "administrator": "admin"}

LOGIN = "login"  # 302 to the login page
GONE = "gone"  # 302 away from an object the user cannot see (the admin's "does not exist" redirect) or 404

# url template -> expected answer per role, in ROLES order.
MATRIX = [
    ("/healthz", [200, 200, 200, 200, 200, 200]),
    ("/", [LOGIN, 200, 200, 200, 200, 200]),
    ("/departments/czj/", [LOGIN, 200, 200, 200, 200, 200]),
    ("/indicators/{indicator}/", [LOGIN, 200, 200, 200, 200, 200]),
    ("/evidence/{evidence}/", [LOGIN, 200, 404, 404, 404, 200]),
    ("/evidence/{published_evidence}/", [LOGIN, 200, 404, 200, 200, 200]),
    ("/export/2025.xlsx", [LOGIN, 200, 200, 200, 200, 200]),
    ("/import/", [LOGIN, 302, 302, 403, 403, 302]),
    ("/import/2025/", [LOGIN, 200, 200, 403, 403, 200]),
    ("/import/template/2025.xlsx", [LOGIN, 200, 200, 403, 403, 200]),
    ("/my/", [LOGIN, 200, 200, 200, 200, 200]),
    ("/review/", [LOGIN, 403, 403, 302, 403, 302]),
    ("/review/2025/", [LOGIN, 403, 403, 200, 403, 200]),
    ("/review/2025/?department=czj", [LOGIN, 403, 403, 200, 403, 200]),
    ("/contributions/2025/", [LOGIN, 200, 200, 403, 403, 403]),  # co-operating clerks' page: reporters only
    ("/contributions/2025/ask/", [LOGIN, 405, 405, 405, 405, 405]),  # the lead's request: a POST
    ("/evidence/{contribution_evidence}/", [LOGIN, 200, 404, 200, 200, 200]),
    ("/admin/", [LOGIN, 200, 200, 200, 200, 200]),
    ("/admin/indicators/actual/", [LOGIN, 200, 200, 200, 200, 200]),
    ("/admin/indicators/actual/add/", [LOGIN, 200, 200, 403, 403, 200]),
    ("/admin/indicators/actual/{draft}/change/", [LOGIN, 200, GONE, GONE, GONE, 200]),
    ("/admin/indicators/actual/{draft}/history/", [LOGIN, 200, GONE, GONE, GONE, 200]),
    ("/admin/indicators/actual/{draft}/history/{history}/", [LOGIN, 200, GONE, GONE, GONE, 200]),
    ("/admin/indicators/actual/{published}/change/", [LOGIN, 200, GONE, 200, 200, 200]),
    ("/admin/indicators/actual/{draft}/delete/", [LOGIN, 403, 403, 403, 403, 200]),
    ("/admin/indicators/actual/year/2025/", [LOGIN, 200, 200, 403, 403, 200]),
    ("/admin/indicators/indicator/", [LOGIN, 200, 200, 200, 200, 200]),  # the plan in force
    ("/admin/indicators/indicator/?plan={plan}", [LOGIN, 200, 200, 200, 200, 200]),
    ("/admin/indicators/indicator/{indicator}/change/", [LOGIN, 200, GONE, 200, 200, 200]),
    ("/admin/indicators/indicator/{indicator}/history/", [LOGIN, 200, GONE, 200, 200, 200]),
    ("/admin/indicators/indicator/{indicator}/delete/", [LOGIN, 403, 403, 403, 403, 200]),
    ("/admin/indicators/indicator/add/", [LOGIN, 403, 403, 403, 403, 200]),
    ("/admin/indicators/plan/", [LOGIN, 200, 200, 200, 200, 200]),
    ("/admin/indicators/plan/add/", [LOGIN, 403, 403, 403, 403, 200]),
    ("/admin/indicators/plan/{plan}/targets/", [LOGIN, 403, 403, 403, 403, 200]),
    ("/plans/{plan}/targets.xlsx", [LOGIN, 403, 403, 403, 403, 200]),
    ("/admin/indicators/department/", [LOGIN, 200, 200, 200, 200, 200]),
    ("/admin/indicators/department/add/", [LOGIN, 403, 403, 403, 403, 200]),
    ("/admin/indicators/user/", [LOGIN, 403, 403, 403, 403, 200]),
    ("/admin/indicators/user/add/", [LOGIN, 403, 403, 403, 403, 200]),
    ("/admin/auth/group/", [LOGIN, 403, 403, 403, 403, 200]),
]


@pytest.fixture
def objects(demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    draft = Actual.objects.get(indicator__order=20, year=2025)
    assert draft.status == "draft"
    Actual.objects.filter(pk=draft.pk).update(note="财政局内部草稿说明")
    evidence = Evidence.objects.create(
        actual=draft, file=SimpleUploadedFile("合同.pdf", b"%PDF-1.4"), original_name="合同.pdf",
        content_type="application/pdf", size=8,
    )
    published = Actual.objects.get(indicator__order=19, year=2025)
    assert published.status == "submitted"
    published_evidence = Evidence.objects.create(
        actual=published, file=SimpleUploadedFile("合同2.pdf", b"%PDF-1.4"), original_name="合同2.pdf",
        content_type="application/pdf", size=8,
    )
    [contribution] = workflow.save_contributions(User.objects.get(username="staff-scjg"), [
        workflow.Share(indicator=published.indicator, year=2025, share="100", second_share="1",
                       evidence=[SimpleUploadedFile("协办.pdf", b"%PDF-1.4", content_type="application/pdf")]),
    ])
    return {
        "contribution_evidence": contribution.evidence.get().pk,
        "draft": draft.pk,
        "history": draft.history.latest().history_id,
        "evidence": evidence.pk,
        "published": published.pk,
        "published_evidence": published_evidence.pk,
        "indicator": Indicator.objects.get(order=20).pk,
        "plan": demo.pk,
    }


def answer(response):
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        if location.rstrip("/").endswith("/admin") or location == "/admin/":
            return GONE  # the admin sends users away from objects outside their queryset
        return 302
    if response.status_code == 404:
        return 404
    return response.status_code


@pytest.mark.parametrize("url, expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_every_url_answers_each_role_as_expected(client, objects, url, expected):
    for role, want in zip(ROLES, expected, strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(User.objects.get(username=ACCOUNTS[role]))
        got = answer(client.get(url.format(**objects)))
        if want == GONE:
            assert got in (GONE, 404), f"{role} {url}: {got}"
        else:
            assert got == want, f"{role} {url}: {got}"


@pytest.mark.parametrize(
    "role, action, order, status_after",
    [
        ("owner", "submit_selected", 22, "submitted"),  # own draft
        ("other_reporter", "submit_selected", 22, "draft"),  # not in their queryset
        ("owner", "approve_selected", 19, "submitted"),  # reporters cannot approve
        ("leader", "approve_selected", 19, "submitted"),
        ("reviewer", "approve_selected", 19, "approved"),
        ("reviewer", "submit_selected", 22, "draft"),  # reviewers do not submit for departments
        ("administrator", "approve_selected", 19, "approved"),
    ],
)
def test_admin_actions_are_allowed_only_to_their_roles(client, objects, role, action, order, status_after):
    client.force_login(User.objects.get(username=ACCOUNTS[role]))
    actual = Actual.objects.get(indicator__order=order, year=2025)
    client.post("/admin/indicators/actual/", {"action": action, "_selected_action": [actual.pk]})
    actual.refresh_from_db()
    assert actual.status == status_after


@pytest.mark.parametrize(
    "role, status_after",
    [("owner", "submitted"), ("other_reporter", "submitted"), ("leader", "submitted"), ("reviewer", "approved"), ("administrator", "approved")],
)
def test_only_reviewers_and_administrators_act_on_the_review_desk(client, objects, role, status_after):
    client.force_login(User.objects.get(username=ACCOUNTS[role]))
    actual = Actual.objects.get(indicator__order=19, year=2025)
    response = client.post("/review/2025/", {"action": "approve_all", "figure": [f"{actual.pk}:{actual.version}"]})
    assert response.status_code == (302 if status_after == "approved" else 403)
    actual.refresh_from_db()
    assert actual.status == status_after


@pytest.mark.parametrize("role", ["reviewer", "leader"])
def test_with_drafts_switched_on_leaders_and_reviewers_open_a_draft_its_evidence_and_its_admin_page(client, objects, role):
    client.force_login(User.objects.get(username=ACCOUNTS[role]))
    assert client.post("/drafts/", {"drafts": "1", "next": "/"}).status_code == 302
    assert client.get(f"/evidence/{objects['evidence']}/").status_code == 200
    assert client.get(f"/admin/indicators/actual/{objects['draft']}/change/").status_code == 200
    assert client.get(f"/admin/indicators/actual/{objects['draft']}/history/").status_code == 200


def test_a_reporter_cannot_choose_another_department_through_the_query_string(client, objects):
    client.force_login(User.objects.get(username="staff-gxj"))
    page = client.get("/admin/indicators/actual/year/2025/?department=czj").content.decode()
    assert "专利质押融资金额" not in page and "专利（PCT）国际申请量（件）" in page
    template = client.get("/import/template/2025.xlsx?department=czj")
    assert "%E8%B4%A2%E6%94%BF%E5%B1%80" not in template["Content-Disposition"]  # 财政局 not in the file name


def test_a_reporter_cannot_write_another_departments_row_through_the_year_page_post_body(client, objects):
    client.force_login(User.objects.get(username="staff-gxj"))
    draft = Actual.objects.get(pk=objects["draft"])
    indicator = draft.indicator
    client.post("/admin/indicators/actual/year/2025/", {
        f"i{indicator.pk}-value": "1", f"i{indicator.pk}-second_value": "1", f"i{indicator.pk}-version": draft.version,
    })
    draft.refresh_from_db()
    assert draft.value == 800


def test_a_reporter_cannot_read_another_departments_draft_on_the_indicator_page(client, objects):
    client.force_login(User.objects.get(username="staff-gxj"))
    page = client.get(f"/indicators/{objects['indicator']}/").content.decode()
    draft = Actual.objects.get(pk=objects["draft"])
    assert "800/3" not in page and "合同.pdf" not in page and "财政局内部草稿说明" not in page
    client.force_login(User.objects.get(username="staff-czj"))
    page = client.get(f"/indicators/{objects['indicator']}/").content.decode()
    assert "800/3" in page and "合同.pdf" in page


def test_a_reporter_cannot_read_another_departments_draft_in_the_workbook(client, objects):
    import io

    from openpyxl import load_workbook

    client.force_login(User.objects.get(username="staff-gxj"))
    data = b"".join(client.get("/export/2025.xlsx").streaming_content) if hasattr(
        client.get("/export/2025.xlsx"), "streaming_content") else client.get("/export/2025.xlsx").content
    cells = " ".join(str(c.value) for ws in load_workbook(io.BytesIO(data)) for row in ws.iter_rows() for c in row)
    assert "800/3" not in cells
