"""One guard for every write (docs/design.md, "One truth per fact"): a figure of a closed plan, or of a
plan being set up (for anyone but administrators), changes by no path — the year page, the figure form,
the Excel import, the review desk (approve, return, approve a department), the admin actions, reopening,
evidence, a co-operating department's contribution and the lead's request for one — and nobody approves a
figure they submitted or last changed.

Each path is walked as its users walk it, through HTTP, and the database is compared before and after.
"""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import permissions, workflow
from indicators.models import Actual, ActualStatus, Contribution, Evidence, Plan, PlanStatus, User
from tests.conftest import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"


def snapshot(plan):
    """Everything a write could change: every figure's value, state and version, and the evidence rows."""
    figures = sorted(Actual.objects.filter(indicator__plan=plan).values_list("pk", "value", "second_value", "status", "version", "note"))
    shares = sorted(Contribution.objects.values_list("pk", "share", "second_share", "note", "version", "requested_at"))
    return figures, shares, sorted(Evidence.objects.values_list("pk", "actual_id", "contribution_id"))


def figure(order, year=2025):
    return Actual.objects.select_related("indicator__plan").get(indicator__order=order, year=year)


def user(name):
    return User.objects.get(username=name)


# Each path: (who walks it, what they do).  ``do(client)`` posts as that person would.
def year_page(client):
    draft = figure(20)  # 财政局's draft
    prefix = f"i{draft.indicator_id}"
    client.post(f"/admin/indicators/actual/year/2025/?plan={draft.indicator.plan_id}&department=czj", {
        f"{prefix}-value": "900", f"{prefix}-second_value": "4", f"{prefix}-note": "改", f"{prefix}-version": draft.version,
        f"{prefix}-evidence": SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf"),
    })


def figure_form(client):
    draft = figure(20)
    client.post(f"/admin/indicators/actual/{draft.pk}/change/", {
        "value": "900", "second_value": "4", "note": "改", "version": draft.version,
        "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0",
    })


def evidence_inline(client):
    draft = figure(20)
    client.post(f"/admin/indicators/actual/{draft.pk}/change/", {
        "value": "800", "second_value": "3", "note": draft.note, "version": draft.version,
        "evidence-TOTAL_FORMS": "1", "evidence-INITIAL_FORMS": "0",
        "evidence-0-file": SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf"),
    })


def excel_import(client):
    draft = figure(20)
    response = client.get(f"/import/template/2025.xlsx?plan={draft.indicator.plan_id}")
    if response.status_code != 200:
        return
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=4):
        if row[0].value == draft.indicator_id:
            row[9].value, row[10].value = 900, 4
    buffer = io.BytesIO()
    book.save(buffer)
    client.post(f"/import/2025/?plan={draft.indicator.plan_id}", {"file": SimpleUploadedFile("填报.xlsx", buffer.getvalue(), content_type=XLSX)})


def desk(action):
    def do(client):
        submitted = figure(19)  # 财政局's submitted pledge figure
        data = {"action": action, "figure": f"{submitted.pk}:{submitted.version}", "reason": "请补充佐证材料"}
        client.post(f"/review/2025/?plan={submitted.indicator.plan_id}", data)
    do.__name__ = f"desk_{action}"
    return do


def admin_action(action, order):
    def do(client):
        data = {"action": action, "_selected_action": [figure(order).pk], "reason": "请补充", "apply": "1"}
        client.post("/admin/indicators/actual/", data)
    do.__name__ = f"admin_{action}"
    return do


def contribute(client):
    """柳州市市场监督管理局柳东新区分局 co-operates on 财政局's 专利质押融资金额: its share, a note and a file."""
    indicator = figure(19).indicator
    prefix = f"c{indicator.pk}"
    client.post(f"/contributions/2025/?plan={indicator.plan_id}", {
        f"{prefix}-share": "100", f"{prefix}-second_share": "1", f"{prefix}-note": "协办", f"{prefix}-version": 0,
        f"{prefix}-evidence": SimpleUploadedFile("协办.pdf", PDF, content_type="application/pdf"),
    })


def ask_contributions(client):
    """财政局 asks the co-operating departments of 专利质押融资金额 for their contributions."""
    client.post("/contributions/2025/ask/", {"indicator": figure(19).indicator_id})


# Who walks each contribution path when nothing forbids it: the co-operating clerk, the lead's clerk.
CONTRIBUTION_PATHS = {contribute: "staff-scjg", ask_contributions: "staff-czj"}

REPORTER_PATHS = [year_page, figure_form, evidence_inline, excel_import, admin_action("submit_selected", 20)]
REVIEWER_PATHS = [
    desk("approve"), desk("approve_all"), desk("return"),
    admin_action("approve_selected", 19), admin_action("return_selected", 19), admin_action("reopen_selected", 1),
]


@pytest.fixture
def closed(demo):
    Plan.objects.filter(pk=demo.pk).update(status=PlanStatus.CLOSED)  # as an administrator closing it would leave it
    return Plan.objects.get(pk=demo.pk)


@pytest.fixture
def being_set_up(demo):
    Plan.objects.filter(pk=demo.pk).update(status=PlanStatus.DRAFT)
    return Plan.objects.get(pk=demo.pk)


@pytest.mark.parametrize("path", REPORTER_PATHS + REVIEWER_PATHS, ids=lambda path: path.__name__)
def test_no_path_changes_a_figure_of_a_closed_plan_for_anyone(client, closed, settings, tmp_path, path):
    settings.MEDIA_ROOT = tmp_path
    before = snapshot(closed)
    for who in ("staff-czj", "reviewer", "admin"):
        path(login(client, user(who)))
        assert snapshot(closed) == before, who


@pytest.mark.parametrize("path", REPORTER_PATHS + REVIEWER_PATHS, ids=lambda path: path.__name__)
def test_no_path_changes_a_figure_of_a_plan_being_set_up_but_for_administrators(client, being_set_up, settings, tmp_path, path):
    settings.MEDIA_ROOT = tmp_path
    before = snapshot(being_set_up)
    for who in ("staff-czj", "reviewer"):
        path(login(client, user(who)))
        assert snapshot(being_set_up) == before, who


@pytest.mark.parametrize("path", [year_page, figure_form, desk("approve"), admin_action("reopen_selected", 1)], ids=lambda path: path.__name__)
def test_an_administrator_still_works_on_a_plan_being_set_up(client, being_set_up, settings, tmp_path, path):
    """The guard refuses by plan state, not by accident: the same posts change figures of a plan an administrator sets up."""
    settings.MEDIA_ROOT = tmp_path
    before = snapshot(being_set_up)
    path(login(client, user("admin")))
    assert snapshot(being_set_up) != before


@pytest.mark.parametrize("path", REPORTER_PATHS + REVIEWER_PATHS, ids=lambda path: path.__name__)
def test_the_same_paths_do_change_a_plan_in_force(client, demo, settings, tmp_path, path):
    """Each path of the two tests above really writes when nothing forbids it, so their silence is the guard's."""
    settings.MEDIA_ROOT = tmp_path
    who = "staff-czj" if path in REPORTER_PATHS else "admin"
    before = snapshot(demo)
    path(login(client, user(who)))
    assert snapshot(demo) != before


@pytest.mark.parametrize("path", CONTRIBUTION_PATHS, ids=lambda path: path.__name__)
@pytest.mark.parametrize("who", ["walker", "admin"])
def test_no_contribution_path_changes_a_closed_plan_for_anyone(client, closed, settings, tmp_path, path, who):
    settings.MEDIA_ROOT = tmp_path
    before = snapshot(closed)
    path(login(client, user(CONTRIBUTION_PATHS[path] if who == "walker" else who)))
    assert snapshot(closed) == before


@pytest.mark.parametrize("path", CONTRIBUTION_PATHS, ids=lambda path: path.__name__)
def test_no_contribution_path_changes_a_plan_being_set_up_but_for_administrators(client, being_set_up, settings, tmp_path, path):
    settings.MEDIA_ROOT = tmp_path
    before = snapshot(being_set_up)
    path(login(client, user(CONTRIBUTION_PATHS[path])))
    assert snapshot(being_set_up) == before


@pytest.mark.parametrize("path", CONTRIBUTION_PATHS, ids=lambda path: path.__name__)
def test_the_contribution_paths_do_change_a_plan_in_force(client, demo, settings, tmp_path, path):
    settings.MEDIA_ROOT = tmp_path
    before = snapshot(demo)
    path(login(client, user(CONTRIBUTION_PATHS[path])))
    assert snapshot(demo) != before


def test_the_desk_of_a_closed_plan_draws_no_buttons_and_says_why(client, closed):
    page = login(client, user("reviewer")).get(f"/review/2025/?plan={closed.pk}").content.decode()
    assert 'id="frozen-notice"' in page and 'name="action"' not in page


def test_the_desk_refuses_figures_of_another_plan_or_year_than_the_one_it_shows(client, demo):
    other_year = Actual.objects.get(indicator__order=27, year=2024)
    Actual.objects.filter(pk=other_year.pk).update(status=ActualStatus.SUBMITTED)
    other_year.refresh_from_db()
    assert other_year.status == ActualStatus.SUBMITTED
    login(client, user("reviewer")).post("/review/2025/", {"action": "approve_all", "figure": f"{other_year.pk}:{other_year.version}"})
    other_year.refresh_from_db()
    assert other_year.status == ActualStatus.SUBMITTED


# ---- four eyes -------------------------------------------------------------------------------------


@pytest.fixture
def own_submission(demo):
    """The reviewer also reports for the supervising bureau (one account, two roles) and submitted a figure."""
    from django.contrib.auth.models import Group

    from indicators import roles

    reviewer = user("reviewer")
    reviewer.groups.add(Group.objects.get(name=roles.REPORTER))
    reviewer = user("reviewer")  # the roles read afresh
    Actual.objects.filter(indicator__order=3, year=2025).update(status=ActualStatus.DRAFT)
    draft = figure(3)  # 知识产权纠纷诉前调解, led by 柳州市市场监督管理局柳东新区分局 (the reviewer's department)
    workflow.submit(reviewer, [draft])
    return figure(3)


def test_a_reviewer_cannot_approve_a_figure_they_submitted_by_any_path(client, own_submission):
    reviewer = user("reviewer")
    assert "another reviewer" in permissions.refusal(reviewer, permissions.APPROVE, own_submission)
    with pytest.raises(workflow.WorkflowError, match="another reviewer"):
        workflow.approve(reviewer, [own_submission])
    login(client, reviewer)
    client.post("/review/2025/", {"action": "approve", "figure": f"{own_submission.pk}:{own_submission.version}"})
    client.post("/admin/indicators/actual/", {"action": "approve_selected", "_selected_action": [own_submission.pk]})
    assert figure(3).status == ActualStatus.SUBMITTED


def test_approving_a_department_at_once_skips_and_names_ones_own_figure(client, own_submission):
    other = figure(15)  # submitted by 柳州市市场监督管理局柳东新区分局's reporter
    login(client, user("reviewer"))
    response = client.post("/review/2025/", {
        "action": "approve_all", "figure": [f"{own_submission.pk}:{own_submission.version}", f"{other.pk}:{other.version}"],
    }, follow=True)
    assert figure(15).status == ActualStatus.APPROVED and figure(3).status == ActualStatus.SUBMITTED
    assert "须由其他审核员审核" in response.content.decode()


def test_the_desk_shows_ones_own_figure_without_the_approve_button_and_says_why(client, own_submission):
    page = login(client, user("reviewer")).get("/review/2025/").content.decode()
    row = page[page.index(f'data-actual="{own_submission.pk}"'):]
    row = row[: row.index("</tr>")]
    assert "本人提交或修改，须由其他审核员审核" in row and 'value="approve"' not in row
    assert 'value="return"' in row  # returning it stays possible


def test_an_administrator_who_last_changed_a_figure_cannot_approve_it_but_another_reviewer_can(demo):
    administrator = user("admin")
    submitted = figure(19)
    Actual.objects.filter(pk=submitted.pk).update(entered_by=administrator)
    with pytest.raises(workflow.WorkflowError, match="last changed"):
        workflow.approve(administrator, [figure(19)])
    workflow.approve(user("reviewer"), [figure(19)])
    assert figure(19).status == ActualStatus.APPROVED


def test_the_central_write_itself_refuses_a_plan_being_set_up_to_all_but_administrators(being_set_up):
    """Below the pages (which hide such a plan anyway): the workflow's own guard, for every transition."""
    draft, submitted, approved = figure(20), figure(19), figure(1)
    entry = workflow.Entry(indicator=draft.indicator, year=2025, value="900", second_value="4", expected_version=draft.version)
    before = snapshot(being_set_up)
    for call in (
        lambda: workflow.save_entries(user("staff-czj"), [entry]),
        lambda: workflow.submit(user("staff-czj"), [draft]),
        lambda: workflow.approve(user("reviewer"), [submitted]),
        lambda: workflow.return_actuals(user("reviewer"), [submitted], "请补充"),
        lambda: workflow.reopen(user("reviewer"), [approved], "请补充"),
        lambda: workflow.save_contributions(user("staff-scjg"), [workflow.Share(indicator=submitted.indicator, year=2025, share="1", second_share="1")]),
        lambda: workflow.request_contributions(user("staff-czj"), submitted.indicator, 2025),
    ):
        with pytest.raises(workflow.WorkflowError, match="being set up"):
            call()
    assert workflow.approve_unchanged(user("reviewer"), {submitted.pk: submitted.version}, plan=being_set_up, year=2025)[0] == []
    assert snapshot(being_set_up) == before
    workflow.save_entries(user("admin"), [entry])  # administrators set a plan up
    assert figure(20).value == 900
