"""Shared accounts and data for the whole suite.

Every test gets the plan 柳高新〔2022〕2号 from the shipped fixture; accounts
are made on demand with the same roles ``demo_data`` gives them.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from indicators import roles

# Live-server browser tests run Django's sync ORM next to Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "ipzone-test-pass"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # PBKDF2 is deliberately slow; the suite makes hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the plan loaded once; each test's transaction is rolled back over it."""
    with django_db_blocker.unblock():
        call_command("loaddata", "plan_2022_2025", verbosity=0)


@pytest.fixture
def plan(db):
    from indicators.models import Plan

    # Live-server (transactional) tests empty every table when they end: load it again after one.
    if not Plan.objects.filter(code="柳高新〔2022〕2号").exists():
        call_command("loaddata", "plan_2022_2025", verbosity=0)
    return Plan.objects.get(code="柳高新〔2022〕2号")


@pytest.fixture
def make_user(db):
    from django.contrib.auth.models import Group

    from indicators.models import Department, Organisation, User

    def make(username, role=None, department=None, **extra):
        # No is_staff: a role (and for reporters a department) is all an account needs (docs/design.md).
        # The account belongs to its department's organisation, else to the high-tech zone's (the plan's).
        if isinstance(department, str):
            department = Department.objects.get(code=department, organisation__code=extra.get("organisation_code", "gxq"))
        organisation = department.organisation if department is not None else Organisation.objects.get(
            code=extra.pop("organisation_code", "gxq"))
        extra.pop("organisation_code", None)
        extra.setdefault("organisation", organisation)
        user = User.objects.create_user(username=username, password=PASSWORD, **extra)
        if department is not None:
            user.department = department
            user.save()
        if role:
            roles.sync_groups()
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def reporter(plan, make_user):
    """Staff of 财政局 (czj), the lead of 专利质押融资金额（万元）/笔."""
    return make_user("staff-czj", roles.REPORTER, "czj")


@pytest.fixture
def other_reporter(plan, make_user):
    """Staff of 工业和信息化局 (gxj)."""
    return make_user("staff-gxj", roles.REPORTER, "gxj")


@pytest.fixture
def scjg_reporter(plan, make_user):
    return make_user("staff-scjg", roles.REPORTER, "scjg")


@pytest.fixture
def reviewer(plan, make_user):
    return make_user("reviewer", roles.REVIEWER, "scjg")


@pytest.fixture
def leader(plan, make_user):
    return make_user("leader", roles.LEADER)


@pytest.fixture
def administrator(plan, make_user):
    return make_user("admin", roles.ADMINISTRATOR, is_superuser=True)


@pytest.fixture
def demo(plan):
    """The demo data of the high-tech zone: every status and workflow state, and the demo accounts."""
    call_command("demo_data", "--force", "--one-zone", verbosity=0)
    return plan


@pytest.fixture
def two_zones(plan):
    """The whole demo: the high-tech zone, a second zone (鹿寨经济开发区, ``lz-`` accounts) and the city above both."""
    call_command("demo_data", "--force", verbosity=0)
    return plan


@pytest.fixture
def mid_season(demo):
    """The demo earlier in the season: most 2025 figures still drafts being typed (only rows 1, 5, 7 and 13
    approved), and one 2024 figure still waiting for review.  For tests that work on drafts of many departments."""
    from indicators.models import Actual, ActualStatus

    cleared = {"submitted_by": None, "submitted_at": None, "reviewed_by": None, "reviewed_at": None}
    Actual.objects.filter(indicator__plan=demo, year=2025, status=ActualStatus.APPROVED).exclude(
        indicator__order__in=(1, 5, 7, 13)
    ).update(status=ActualStatus.DRAFT, **cleared)
    Actual.objects.filter(indicator__plan=demo, year=2024, indicator__order=27).update(status=ActualStatus.SUBMITTED)
    return demo


def login(client, user):
    client.force_login(user)
    return client


def include_drafts(client, user):
    """Sign ``user`` (a leader or reviewer) in with the 含草稿 switch on, as the button does."""
    client.force_login(user)
    response = client.post("/drafts/", {"drafts": "1", "next": "/"})
    assert response.status_code == 302


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Playwright drives the system Chromium: it cannot download its own browser here.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code run directly by a test (not through a request) speaks English.

    Chinese is the site's default and locale/zh_Hans translates every message, so without
    this a message built outside a request (workflow, validation, evidence checks) would be
    Chinese, and tests that look for English words in it would fail.  Requests still choose
    their language through LocaleMiddleware (Chinese by default); tests that want Chinese
    outside a request use ``translation.override("zh-hans")``.
    """
    from django.utils import translation

    with translation.override("en"):
        yield
