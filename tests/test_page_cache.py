"""Dashboard fragments cached under the data version: never stale, never someone else's.

These tests commit (``transaction=True``): the cache is used only outside a transaction, because
inside one a connection sees its own uncommitted writes, which the version counts at commit.
"""

import re
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from indicators import data_version, page_cache, workflow
from indicators.models import (
    Actual,
    ActualStatus,
    CooperatingDepartment,
    Department,
    Indicator,
    Plan,
    ReportingDeadline,
    YearlyTarget,
)
from benchmarks.sizing import grow_plan
from tests.dashboard_helpers import report, report_sample

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = re.compile(r'<span class="count" data-status="(\w+)">(\d+)</span>')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# A hit reads the session, the user, the user's roles, the plans the user may choose and the data
# version; the department page
# also its department.  A miss adds the plans, the rows (six) and the departments menu.
OVERVIEW_HIT_QUERIES = 5
DEPARTMENT_HIT_QUERIES = 6


@pytest.fixture(autouse=True)
def empty_cache():
    caches[page_cache.CACHE_ALIAS].clear()
    yield
    caches[page_cache.CACHE_ALIAS].clear()


def get(client, user, url):
    client.force_login(user)
    with translation.override("zh-hans"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def counts(body):
    return {status: int(count) for status, count in COUNT.findall(body)}


def version():
    found = data_version.read(connection)
    assert found is not None
    return found


# --- the data version --------------------------------------------------------------------


def test_every_watched_table_has_its_trigger():
    assert data_version.installed_triggers(connection) == set(data_version.WATCHED_TABLES)


def test_every_kind_of_write_to_what_the_dashboards_show_changes_the_version(plan):
    pledge = Indicator.objects.get(plan=plan, order=19)
    writes = [
        lambda: report(plan, 19, 2022, 3500, 4),  # the ORM: delete + insert
        lambda: Actual.objects.filter(indicator=pledge).update(status=ActualStatus.SUBMITTED),  # bulk, no signals
        lambda: YearlyTarget.objects.create(indicator=pledge, year=2023, value=Decimal(4000), second_value=Decimal(5)),
        lambda: ReportingDeadline.objects.create(plan=plan, year=2022, deadline=date(2023, 3, 1)),
        lambda: Department.objects.filter(code="czj").update(name="财政局（改名）"),
        lambda: CooperatingDepartment.objects.filter(indicator=pledge).delete(),
        lambda: Indicator.objects.filter(pk=pledge.pk).update(target_printed="7000/12"),
        lambda: Plan.objects.filter(pk=plan.pk).update(title="新标题"),
    ]
    seen = {version()}
    for write in writes:
        write()
        seen.add(version())
    with connection.cursor() as cursor:  # SQL typed by hand bypasses everything but triggers
        cursor.execute("UPDATE indicators_actual SET note = 'by hand'")
    seen.add(version())
    assert len(seen) == len(writes) + 2


def test_a_write_elsewhere_leaves_the_version_alone(plan, leader):
    before = version()
    leader.first_name = "领导"
    leader.save()
    assert version() == before


def test_a_restore_gives_the_version_a_new_epoch(plan):
    before = version()
    data_version.new_epoch(connection)  # what `restore` does last
    after = version()
    assert after != before and after.split(".")[1] == before.split(".")[1]


def test_inside_a_transaction_there_is_no_version_so_nothing_is_cached(plan):
    with transaction.atomic():
        assert data_version.read(connection) is None


# --- the pages ------------------------------------------------------------------------------


def test_a_repeated_overview_is_served_from_the_cache_with_fewer_queries(client, leader, plan):
    report_sample(plan)
    first, miss = get(client, leader, "/?year=2023")
    second, hit = get(client, leader, "/?year=2023")
    assert hit == OVERVIEW_HIT_QUERIES < miss
    assert CSRF.sub("", first) == CSRF.sub("", second)


def test_a_figure_saved_by_someone_else_is_on_the_very_next_overview(client, leader, reporter, plan):
    report_sample(plan)
    before, _ = get(client, leader, "/?year=2022")
    get(client, leader, "/?year=2022")  # cached now
    # The reporter's save: another request, as another process would make it; the cache is not told.
    workflow.save_entries(reporter, [workflow.Entry(indicator=Indicator.objects.get(plan=plan, order=20), year=2022, value="3", second_value="1")])
    after, queries = get(client, leader, "/?year=2022")
    assert queries > OVERVIEW_HIT_QUERIES  # a miss: the version moved
    assert counts(after) != counts(before)
    assert "/indicators/{}/".format(Indicator.objects.get(plan=plan, order=20).pk) in after


def test_the_department_page_follows_a_change_and_keeps_its_sort_and_page_apart(client, leader, plan):
    report_sample(plan)
    by_status, _ = get(client, leader, "/departments/scjg/?year=2023&sort=status")
    by_name, _ = get(client, leader, "/departments/scjg/?year=2023&sort=name")
    assert by_status != by_name  # different query strings are different fragments
    again, hit = get(client, leader, "/departments/scjg/?year=2023&sort=status")
    assert hit == DEPARTMENT_HIT_QUERIES and CSRF.sub("", again) == CSRF.sub("", by_status)
    Department.objects.filter(code="shswj").update(name="社会事务局（新）")  # a co-operating department renamed
    renamed, queries = get(client, leader, "/departments/scjg/?year=2023&sort=status")
    assert queries > DEPARTMENT_HIT_QUERIES and "社会事务局（新）" in renamed


def test_a_reporter_never_gets_the_fragment_made_for_a_leader(client, leader, reporter, other_reporter, plan):
    report(plan, 9, 2022, 19, status=ActualStatus.DRAFT)  # 工业和信息化局's draft
    ninth = Indicator.objects.get(plan=plan, order=9).pk
    leaders, _ = get(client, leader, "/?year=2022")
    theirs, _ = get(client, reporter, "/?year=2022")  # 财政局: may not see gxj's draft
    mine, _ = get(client, other_reporter, "/?year=2022")  # 工业和信息化局: its own draft
    item = re.compile(rf'data-status="(\w+)">\s*<div class="progress-head">\s*<a href="/indicators/{ninth}/')
    assert item.search(leaders).group(1) != "missing"
    assert item.search(theirs).group(1) == "missing"
    assert item.search(mine).group(1) != "missing"


def test_the_cached_fragment_carries_no_token_or_name_and_each_page_its_own_token(client, leader, reviewer, plan):
    report_sample(plan)
    first, _ = get(client, leader, "/?year=2023")
    other_client = client.__class__()
    second, hit = get(other_client, reviewer, "/?year=2023")  # reviewers see everything too: the same fragment
    assert hit == OVERVIEW_HIT_QUERIES + 1  # + the reviewer's 我的待办 count, worked out once per data version
    assert get(other_client, reviewer, "/?year=2023")[1] == OVERVIEW_HIT_QUERIES  # then remembered like the fragment
    assert CSRF.findall(first) and CSRF.findall(second)
    assert set(CSRF.findall(first)).isdisjoint(CSRF.findall(second))
    for html in caches[page_cache.CACHE_ALIAS]._cache.values():  # LocMem keeps pickled values
        assert b"csrfmiddlewaretoken" not in html and b"leader" not in html and b"reviewer" not in html


def test_the_language_is_part_of_the_key(client, leader, plan):
    chinese, _ = get(client, leader, "/?year=2022")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/?year=2022").content.decode()
    assert "填报进度" in chinese and "Reporting completeness" in english and "填报进度" not in english


@pytest.mark.parametrize("factor", [1, 10])
def test_a_cached_page_costs_the_same_queries_at_one_and_ten_times_the_seed(client, leader, plan, factor):
    grow_plan(plan, factor, extra_departments=0 if factor == 1 else 5)
    get(client, leader, "/")
    _, overview = get(client, leader, "/")
    get(client, leader, "/departments/scjg/")
    _, department = get(client, leader, "/departments/scjg/")
    assert (overview, department) == (OVERVIEW_HIT_QUERIES, DEPARTMENT_HIT_QUERIES)


def test_a_cache_that_fails_is_a_miss_not_an_error(client, leader, plan):
    backend = caches[page_cache.CACHE_ALIAS]
    with mock.patch.object(backend, "get", side_effect=OSError("cache down")), mock.patch.object(
        backend, "set", side_effect=OSError("cache down")
    ):
        body, _ = get(client, leader, "/?year=2022")
    assert sum(counts(body).values()) == 29


def test_the_database_cache_is_shared_and_keyed_the_same_way(client, leader, plan, settings):
    settings.CACHES = {
        **settings.CACHES,
        page_cache.CACHE_ALIAS: {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ipzone_cache"},
    }
    call_command("createcachetable", verbosity=0)
    report_sample(plan)
    first, miss = get(client, leader, "/?year=2023")
    second, hit = get(client, leader, "/?year=2023")
    assert hit == OVERVIEW_HIT_QUERIES + 2 < miss  # + a cache-table SELECT each: fragment, menu
    assert CSRF.sub("", first) == CSRF.sub("", second)
