"""The one permission API (indicators/permissions.py): querysets and ``can`` say the same, for every role."""

import pytest

from indicators.models import Actual, ActualStatus, Indicator, Plan, PlanStatus, User
from indicators.permissions import ENTER, MANAGE, READ_ALL, REVIEW, SEE_DRAFTS, VIEW, VIEW_EVIDENCE, can

ACCOUNTS = ["staff-czj", "staff-gxj", "staff-scjg", "reviewer", "leader", "admin"]


@pytest.fixture
def every_state(demo):
    """The demo's figures, with one of each state for 财政局's indicators (a draft, a returned, a submitted, an approved)."""
    for order, state in ((19, ActualStatus.SUBMITTED), (20, ActualStatus.DRAFT), (21, ActualStatus.RETURNED), (22, ActualStatus.APPROVED)):
        Actual.objects.filter(indicator__order=order, year=2025).update(status=state)
    return demo


@pytest.mark.parametrize("drafts", [False, True])
@pytest.mark.parametrize("username", ACCOUNTS)
def test_the_queryset_and_the_object_test_agree_on_every_figure(every_state, username, drafts):
    user = User.objects.get(username=username)
    visible = set(Actual.objects.visible_to(user, drafts=drafts).values_list("pk", flat=True))
    for actual in Actual.objects.select_related("indicator__plan", "indicator__lead_department"):
        assert (actual.pk in visible) == can(user, VIEW, actual, drafts=drafts), (username, actual.indicator.order, actual.status)


def test_a_returned_figure_is_read_by_its_department_and_administrators_only_like_a_draft(every_state):
    returned = Actual.objects.select_related("indicator__plan").get(indicator__order=21, year=2025)
    assert returned not in Actual.objects.published()
    readers = {name for name in ACCOUNTS if can(User.objects.get(username=name), VIEW, returned)}
    assert readers == {"staff-czj", "admin"}
    with_drafts = {name for name in ACCOUNTS if can(User.objects.get(username=name), VIEW, returned, drafts=True)}
    assert with_drafts == {"staff-czj", "admin", "reviewer", "leader"}  # 含草稿 is for leaders and reviewers


def test_evidence_opens_for_the_lead_department_reviewers_leaders_and_administrators_never_another_departments_reporter(every_state):
    submitted = Actual.objects.select_related("indicator__plan").get(indicator__order=19, year=2025)
    openers = {name for name in ACCOUNTS if can(User.objects.get(username=name), VIEW_EVIDENCE, submitted)}
    assert openers == {"staff-czj", "reviewer", "leader", "admin"}


def test_notes_of_published_figures_are_read_by_every_signed_in_user(every_state, client):
    Actual.objects.filter(indicator__order=19, year=2025).update(note="已取得银行放款凭证")
    pledge = Indicator.objects.get(order=19)
    client.force_login(User.objects.get(username="staff-gxj"))
    assert "已取得银行放款凭证" in client.get(f"/indicators/{pledge.pk}/?year=2025").content.decode()


def test_a_plan_being_set_up_is_the_administrators(demo):
    Plan.objects.filter(pk=demo.pk).update(status=PlanStatus.DRAFT)
    plan = Plan.objects.get(pk=demo.pk)
    for name in ACCOUNTS:
        user = User.objects.get(username=name)
        administrator = name == "admin"
        assert (plan in Plan.objects.visible_to(user)) == administrator == can(user, VIEW, plan)
        assert Indicator.objects.visible_to(user).exists() == administrator
        assert Actual.objects.visible_to(user, drafts=True).exists() == administrator


@pytest.mark.parametrize(
    "username, allowed",
    [
        ("staff-czj", {ENTER}),
        ("reviewer", {READ_ALL, SEE_DRAFTS, REVIEW}),
        ("leader", {READ_ALL, SEE_DRAFTS}),
        ("admin", {READ_ALL, ENTER, REVIEW, MANAGE}),
    ],
)
def test_what_each_role_does_at_all(demo, username, allowed):
    user = User.objects.get(username=username)
    assert {action for action in (READ_ALL, SEE_DRAFTS, ENTER, REVIEW, MANAGE) if can(user, action)} == allowed


def test_nobody_signed_out_may_do_anything(demo):
    from django.contrib.auth.models import AnonymousUser

    figure = Actual.objects.select_related("indicator__plan").first()
    assert not any(can(AnonymousUser(), action, figure) for action in (VIEW, VIEW_EVIDENCE, ENTER, REVIEW))
    assert not Actual.objects.visible_to(AnonymousUser()).filter(status=ActualStatus.DRAFT).exists()
