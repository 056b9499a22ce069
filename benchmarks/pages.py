"""In-process measurements: one size, one throwaway database (run by ``run.py`` in a subprocess).

Builds the data (the plan fixture and the demo figures, grown to the size with ``tests.sizing.grow_plan``;
at the "province" size the high-tech zone is one of 100 zones under a parent, ``grow_province``),
then times each page with Django's test client and counts its SQL queries.  Every page is measured
"cold", as a reporting season sees it: a reporter saves a figure through the workflow (untimed) before
each timed request.  The pages are timed in turn, one request each per round, so that a slow spell on a
shared machine falls on all of them alike; the files, the imports and the roll-over one after the other.
"""

from __future__ import annotations

import io
import random
import re
import statistics
import time
from decimal import Decimal

import django
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

SIZES = {"1x": 1, "10x": 10, "100x": 100, "province": 1}
PROVINCE_ZONES = 100  # organisations under the parent at the "province" size, the high-tech zone one of them
FEW_ZONES = 10  # the parent's overview is counted at this many too: its queries must not grow with the zones
COMPARED_ROWS = range(1, 30, 3)  # comparison codes of the zone's rows 1, 4, … 28, should the demo data give none
TOTAL_DEPARTMENTS = 130  # 10× and 100× run with 130 departments
YEAR = 2025
IMPORT_ROWS = 300
WARMUP = 3


def build(size: str):
    """The plan grown to ``size``; at "province" also the parent's overview, ``{"url", "queries_few"}`` (its
    queries with ``FEW_ZONES`` zones below the parent), else None."""
    from django.contrib.auth.models import Group

    from indicators import roles
    from indicators.models import Actual, ActualStatus, Department, Plan, User
    from tests.sizing import grow_plan

    call_command("migrate", verbosity=0)
    call_command("loaddata", "plan_2022_2025", verbosity=0)
    call_command("demo_data", "--force", verbosity=0)
    plan = Plan.objects.get(organisation__code="gxq")  # the high-tech zone's (the demo data adds a second zone)
    factor = SIZES[size]
    if factor > 1:
        grow_plan(plan, factor, extra_departments=TOTAL_DEPARTMENTS - Department.objects.count())
    parent_overview = None
    if size == "province":  # copies of the zone as the demo left it, before the import department below
        url = reverse("organisation_overview", args=[grow_province(plan, FEW_ZONES).code])
        parent_leader = _client("bench-parent-leader")
        for _ in range(WARMUP):
            _check(parent_leader.get(url))
        parent_overview = {"url": url, "queries_few": _queries(lambda: parent_leader.get(url))}
        grow_province(plan, PROVINCE_ZONES)
    # The import is a 300-row template (all rows at 1×): one department leads that many rows, the plan's
    # own 29 first, so that the demo's notes, files and contributions are among them at every size.
    importer_department = Department.objects.create(organisation=plan.organisation, code="bench-import", name="基准测试导入部门",
                                                    order=9999)
    rows = list(plan.indicators.order_by("order").values_list("pk", flat=True)[:IMPORT_ROWS])
    plan.indicators.filter(pk__in=rows).update(lead_department=importer_department)
    Actual.objects.filter(indicator__in=rows).update(status=ActualStatus.DRAFT)
    reporter = User.objects.create_user("bench-import", password="x", is_staff=True, organisation=plan.organisation,
                                        department=importer_department)
    reporter.groups.add(Group.objects.get(name=roles.REPORTER))
    if connection.vendor == "postgresql":
        # What autovacuum does in production minutes after a bulk load: without statistics the planner
        # guesses (a 100× review desk took 265–520 ms instead of ~100 ms; benchmarks/README.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return plan, importer_department, parent_overview


def _scaled(value, rng, *, rate):
    """A zone's figure near the high-tech zone's: 50–150 % of it, whole numbers kept whole, rates ≤ 100."""
    if value is None:
        return None
    scaled = (value * rng.randint(50, 150) / 100).quantize(Decimal(1) if value == value.to_integral_value() else Decimal("0.01"))
    return min(scaled, Decimal(100)) if rate else scaled


def grow_province(plan, zones: int):
    """``zones`` organisations below the parent of ``plan``'s (the demo data's city, else 基准测试省), in all.

    Each new zone is a copy of the high-tech zone as the demo data leaves it (``zone_copy.copy_zone``): its 13
    departments (same codes and names), its accounts (``zone-007-leader``, ``zone-007-staff-kjj`` …), a plan of
    the 29 indicators with their targets and comparison codes (shared by every copy and the demo's zones), and
    the four years' figures (values 50–150 % of the zone's, statuses as the demo's: mostly approved).
    The parent's leader is ``bench-parent-leader``.  Returns the parent.
    """
    from django.contrib.auth.models import Group
    from django.db import transaction

    from benchmarks.zone_copy import copy_zone
    from indicators import roles
    from indicators.models import Indicator, Measure, Organisation, User

    zone = plan.organisation
    indicators = list(plan.indicators.all())
    parent = zone.parent
    if parent is None:
        parent = Organisation.objects.create(code="bench-province", name="基准测试省")
        Organisation.objects.filter(pk=zone.pk).update(parent=parent)
    if not User.objects.filter(username="bench-parent-leader").exists():
        leader = User.objects.create(username="bench-parent-leader", organisation=parent, password="!")
        leader.groups.add(Group.objects.get(name=roles.LEADER))
    if not any(indicator.code for indicator in indicators):
        for indicator in indicators:
            indicator.code = f"cmp-{indicator.order}" if indicator.order in COMPARED_ROWS else ""
        Indicator.objects.bulk_update(indicators, ["code"])
    rates = {i.pk for i in indicators if i.measure == Measure.RATE}
    with transaction.atomic():
        for number in range(parent.children.count() + 1, zones + 1):
            rng = random.Random(number)
            org = Organisation.objects.create(code=f"zone-{number:03d}", name=f"基准测试园区{number:03d}", parent=parent)
            copy_zone(plan, org, code=f"基准〔2022〕{number}号", title=f"{org.name}知识产权试点园区建设工作方案", accounts=True,
                      value=lambda a, rng=rng: (_scaled(a.value, rng, rate=a.indicator_id in rates), _scaled(a.second_value, rng, rate=False)))
    return parent


def review_season(plan):
    """Every fifth figure of the year before ``YEAR`` is waiting for review (at 1× the demo has one;
    ``build`` turns every figure of ``YEAR`` at 1× and 10× into the import's drafts)."""
    from django.utils import timezone

    from indicators.models import Actual, ActualStatus

    figures = Actual.objects.filter(indicator__plan=plan, year=YEAR - 1).order_by("pk").values_list("pk", flat=True)
    Actual.objects.filter(pk__in=list(figures)[::5]).update(status=ActualStatus.SUBMITTED, submitted_at=timezone.now())


def _client(username):
    from indicators.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def measure(request, requests: int, prepare=None) -> dict:
    """``request(arg)`` performs one request; ``prepare()`` makes its argument, untimed, before each one."""
    prepare = prepare or (lambda: None)
    for _ in range(WARMUP):
        _check(request(prepare()))
    argument = prepare()
    reset_queries()  # the log is a bounded deque, full after building the data: counting needs it empty
    with CaptureQueriesContext(connection) as captured:
        _check(request(argument))
    queries = len(captured.captured_queries)  # read now: later requests reset the log
    times = []
    for _ in range(requests):
        argument = prepare()
        start = time.perf_counter()
        _check(request(argument))
        times.append((time.perf_counter() - start) * 1000)
    return _summary(times, queries)


def measure_in_turn(pages: dict, requests: int, before) -> dict:
    """Each of ``pages`` (name -> request()) after a warm-up, its queries, then ``requests`` rounds of one
    request each, ``before()`` (untimed) before every timed request."""
    queries = {}
    for name, request in pages.items():
        for _ in range(WARMUP):
            _check(request())
        before()
        queries[name] = _queries(request)
    times = {name: [] for name in pages}
    for _ in range(requests):
        for name, request in pages.items():
            before()
            start = time.perf_counter()
            _check(request())
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: _summary(times[name], queries[name]) for name in pages}


def _queries(request) -> int:
    """The SQL queries of one ``request()``."""
    reset_queries()  # the log is a bounded deque, full after building the data: counting needs it empty
    with CaptureQueriesContext(connection) as captured:
        _check(request())
    return len(captured.captured_queries)


def _summary(times: list[float], queries: int) -> dict:
    times = sorted(times)
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)], 2),
        "queries": queries,
        "requests": len(times),
    }


class FigureWrite:
    """A reporter saves a figure through the workflow, as the year page does: what makes the next page "cold".

    Run untimed before each request of the ``*_uncached`` rows.  Each call stores a value the
    figure did not have (a save that changes nothing writes nothing), on a draft figure of the
    import department, which at every size is one of the rows the overview counts.
    """

    def __init__(self, plan, department):
        from indicators.models import Indicator, Measure, User

        self.user = User.objects.get(username="bench-import")
        self.indicator = (
            Indicator.objects.select_related("plan")
            .filter(plan=plan, lead_department=department, second_unit="", measure__in=[Measure.FLOW, Measure.STOCK])
            .order_by("order")
            .first()
        )
        self.round = 0

    def __call__(self):
        from indicators import workflow
        from indicators.models import Actual

        self.round += 1
        current = Actual.objects.filter(indicator=self.indicator, year=YEAR).values_list("version", flat=True).first()
        entry = workflow.Entry(indicator=self.indicator, year=YEAR, value=str(5000 + self.round), expected_version=current or 0)
        if not workflow.save_entries(self.user, [entry]):
            raise RuntimeError("the benchmark's write saved nothing")


def _check(response):
    if response.status_code not in (200, 302):
        raise RuntimeError(f"benchmark request failed: {response.status_code} {getattr(response, 'url', '')}")
    if response.status_code == 302 and "/accounts/login" in response.get("Location", ""):
        raise RuntimeError("benchmark request was sent to the login page")
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response


class ImportRequest:
    """Each upload carries new figures (an unchanged file would save nothing), built untimed."""

    def __init__(self, plan, department):
        from indicators.excel.template import ImportTemplate

        self.plan, self.department, self.template_class = plan, department, ImportTemplate
        self.client = _client("bench-import")
        self.round = 0
        self.rows = 0

    def prepare(self) -> bytes:
        from openpyxl import load_workbook

        from indicators.excel import template as T

        workbook = load_workbook(io.BytesIO(self.template_class(self.plan, YEAR, self.department).render()))
        sheet = workbook[T.TEMPLATE_SHEET]
        headers = {sheet.cell(T.HEADER_ROW, c).value: c for c in range(1, sheet.max_column + 1)}
        self.round += 1
        self.rows = 0
        for r in range(T.FIRST_ROW, sheet.max_row + 1):
            if sheet.cell(r, headers[T.ID]).value is None:
                continue
            self.rows += 1
            # Kept within 1–97 so rate rows (0–100 %) stay valid however many rounds run;
            # consecutive rounds differ by 10 (mod 97), so every upload changes every row.
            sheet.cell(r, headers[T.VALUE]).value = 1 + (self.round * 10 + r % 7) % 97
            sheet.cell(r, headers[T.NOT_CARRIED_OUT]).value = None
            if sheet.cell(r, headers[T.COUNT]).protection.locked is False:
                sheet.cell(r, headers[T.COUNT]).value = self.round % 5 + 1
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def bench(self, requests: int) -> dict:
        def upload(data):
            from django.core.files.uploadedfile import SimpleUploadedFile

            response = self.client.post(
                f"/import/{YEAR}/?plan={self.plan.pk}", {"file": SimpleUploadedFile("填报.xlsx", data)}
            )
            if response.status_code != 302:
                raise RuntimeError("import refused: " + " ".join(re.findall(r"<li[^>]*>(.*?)</li>", response.content.decode()))[-1500:])
            return response

        result = measure(upload, requests, prepare=self.prepare)
        result["rows"] = self.rows
        return result


class PlanImportRequest:
    """An administrator creates a plan from its table: the upload with its preview, then “create”.

    The file is the benchmark's plan exported (2,900 rows at 100×), built once, untimed; each
    round imports it under a new document number.
    """

    def __init__(self, plan):
        from indicators.excel.plan_table import PlanTableExport

        self.data = PlanTableExport(plan).render()
        self.organisation = plan.organisation_id
        self.rows = plan.indicators.count()
        self.client = _client("admin")
        self.round = 0

    def prepare(self) -> str:
        self.round += 1
        return f"基准测试〔{self.round}〕号"

    def bench(self, requests: int) -> dict:
        def upload(code):
            from django.core.files.uploadedfile import SimpleUploadedFile

            url = "/admin/indicators/plan/import-table/"
            preview = self.client.post(url, {
                "stage": "preview", "file": SimpleUploadedFile("量化指标.xlsx", self.data), "code": code, "title": "基准测试方案",
                "issuer": "基准测试", "issue_date": "2026-03-01", "first_year": "2026", "last_year": "2030",
                "organisation": self.organisation,
            })
            payload = preview.context_data.get("payload") if preview.status_code == 200 else None
            if not payload:
                raise RuntimeError("plan import refused: " + " ".join(re.findall(r"<li[^>]*>(.*?)</li>", preview.content.decode()))[-1500:])
            response = self.client.post(url, {"stage": "create", "payload": payload})
            if response.status_code != 302:
                raise RuntimeError("plan import not created: " + response.content.decode()[-1500:])
            return response

        result = measure(upload, requests, prepare=self.prepare)
        result["rows"] = self.rows
        return result


class RolloverRequest:
    """An administrator rolls the plan over into the next one (the plan's admin page, POST): every
    indicator copied with its departments and carried baseline.  Each round makes a new plan being
    set up, under a new document number."""

    def __init__(self, plan):
        self.plan = plan
        self.rows = plan.indicators.count()
        self.client = _client("admin")
        self.round = 0

    def prepare(self) -> str:
        self.round += 1
        return f"基准测试转段〔{self.round}〕号"

    def bench(self, requests: int) -> dict:
        url = f"/admin/indicators/plan/{self.plan.pk}/rollover/"
        last = self.plan.last_year

        def roll(code):
            response = self.client.post(url, {"code": code, "title": "基准测试下一期方案", "issuer": "基准测试",
                                              "first_year": str(last + 1), "last_year": str(last + 5)})  # fmt: skip
            if response.status_code != 302:
                raise RuntimeError("rollover refused: " + response.content.decode()[-1500:])
            return response

        result = measure(roll, requests, prepare=self.prepare)
        result["rows"] = self.rows
        return result


def run(size: str, requests: int, only: set[str] | None = None) -> dict:
    """Every page, or the names in ``only`` (``run.py --pages brief``): the data is built whole either way."""
    django.setup()
    from indicators import plans
    from indicators.models import Actual, Department, Indicator, Organisation, User

    plan, importer_department, parent_overview = build(size)
    review_season(plan)
    # The same shape at every size: the reporter, the department page and the indicator page are the import
    # department's, which leads 29, 290 and 300 rows with the year's figures as drafts (``build``).
    leader, admin, reporter, reviewer = _client("leader"), _client("admin"), _client("bench-import"), _client("reviewer")
    anonymous = Client()
    row_19 = Indicator.objects.get(plan=plan, order=19)  # a pair (金额/项目数), with co-operating departments
    indicator = plan.indicators.filter(lead_department=importer_department, name__startswith=row_19.name).order_by("-order").first()
    q = f"?plan={plan.pk}&year={YEAR}"
    pages = {
        "healthz": lambda: anonymous.get("/healthz"),
        "overview": lambda: leader.get(f"/{q}"),
        "department": lambda: leader.get(f"/departments/{importer_department.code}/{q}"),
        "indicator": lambda: leader.get(f"/indicators/{indicator.pk}/{q}"),
        "final_assessment": lambda: leader.get(f"/plans/{plan.pk}/final/"),
        "year_entry": lambda: reporter.get(f"/admin/indicators/actual/year/{YEAR}/?plan={plan.pk}"),
        "admin_changelist": lambda: admin.get("/admin/indicators/actual/"),
        "my": lambda: reporter.get("/my/"),
        "my_reviewer": lambda: reviewer.get("/my/"),
        "review_desk": lambda: reviewer.get(f"/review/{YEAR - 1}/?plan={plan.pk}"),
    }
    if parent_overview:  # the parent's leader reads every zone below it
        parent_leader = _client("bench-parent-leader")
        pages["organisation_overview"] = lambda: parent_leader.get(parent_overview["url"])
    results = {"_data": {
        "indicators": plan.indicators.count(), "actuals": Actual.objects.count(), "departments": Department.objects.count(),
        "organisations": Organisation.objects.count(),
    }}  # fmt: skip

    def wanted(name):
        return only is None or name in only

    write = FigureWrite(plan, importer_department)
    in_turn = {name: request for name, request in pages.items() if wanted(name)}
    if in_turn:
        results.update(measure_in_turn(in_turn, requests, before=write))
    if parent_overview and "organisation_overview" in results:
        results["organisation_overview"]["queries_few"] = parent_overview["queries_few"]  # at FEW_ZONES zones
    if wanted("export"):
        results["export"] = measure(lambda _arg: leader.get(f"/export/{YEAR}.xlsx?plan={plan.pk}"), requests, prepare=write)
    if wanted("brief"):
        results["brief"] = measure(lambda _arg: leader.get(f"/export/{YEAR}-brief.docx?plan={plan.pk}"), requests, prepare=write)
    if wanted("import"):
        results["import"] = ImportRequest(plan, importer_department).bench(requests)
    # Last: each of these adds a plan of the benchmark's size (being set up, so no page above shows it).
    if wanted("target_proposals"):
        new = plans.rollover(User.objects.get(username="admin"), plan, code="基准测试目标", title="基准测试下一期",
                             first_year=plan.last_year + 1, last_year=plan.last_year + 5)  # fmt: skip
        results["target_proposals"] = measure(lambda _arg: admin.get(f"/admin/indicators/plan/{new.pk}/targets/"), requests, prepare=write)
    if wanted("rollover"):
        results["rollover"] = RolloverRequest(plan).bench(requests)
    if wanted("plan_import"):
        results["plan_import"] = PlanImportRequest(plan).bench(requests)
    return results
