"""Load test of the reporting period, two zones at once.

Reporters of two organisations save figures through the one-page year entry while
their leaders read the dashboards and export the workbook and the brief, against two
gunicorn servers (2 workers each, as on the server) on one PostgreSQL; every request
goes to either server:

    make loadtest          # 20 reporters × 50 saves, 10 leaders, at most 60 s
    make loadtest-short    # 5 × 10, 2 leaders, 20 s (CI)

Reporters and leaders alternate between the zones: the high-tech zone of the plan
fixture and demo data, and a second one the setup makes (``load-yi``, 负载测试乙园区:
a copy of the plan with its own departments and accounts ``load-yi-…``).  Before the
load it migrates the database in DATABASE_URL, loads the plan and the demo data, adds
reporter accounts ``load-<n>`` and sets every figure of ``--year`` back to a blank draft
— so point it at a database you can throw away, never at the real one.  Only 127.0.0.1
is contacted; the run stops by itself at the time limit or the request cap.

It exits non-zero on any server error, unexpected answer, lost save or leak: every
acknowledged save must be stored and in the history; no page, workbook or brief of one
zone may show the other's plan number, title, name, department names or figures (the
published figures of the years not under load carry values of their own per zone), and
the other zone's indicators, figures and plan asked for by address must not be found (404).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:  # `python loadtest/run.py` puts loadtest/, not the project, on the path
    sys.path.insert(0, str(BASE_DIR))

from loadtest import client  # noqa: E402
from loadtest.servers import HOST, free_port, server_env, server_logs, start_server, stop_server, wait_until_ready  # noqa: E402

PG_SCHEMES = ("postgres://", "postgresql://", "pgsql://")
HOW_TO = """\
The load test needs PostgreSQL: SQLite lets one writer in at a time, so its figures
would say nothing about the server.  Point DATABASE_URL at a database you can throw
away (the load test migrates it, loads demo data and resets a year's figures).
With the local cluster:

  pg_ctlcluster 15 main start
  su postgres -c "psql -c \\"CREATE ROLE ipzone_load LOGIN CREATEDB PASSWORD 'ipzone_load'\\" \\
                       -c \\"CREATE DATABASE ipzone_load OWNER ipzone_load\\""
  DATABASE_URL=postgres://ipzone_load:ipzone_load@127.0.0.1:5432/ipzone_load make loadtest
"""
KINDS = ("login", "entry page", "save", "overview", "department", "indicator", "export", "foreign")
SERVERS = 2  # gunicorn processes on one database
ZONES = 2  # the high-tech zone and SECOND_ZONE
SECOND_ZONE = ("load-yi", "负载测试乙园区", "乙园区〔2022〕7号")  # organisation code, name, plan number
# The published figures of the years not under load get these whole parts, one per zone: a figure of the other
# zone on a page is found by its value (the load's own values stay below 500000).
FIGURE_MARKS = ("713579", "824680")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Load test: reporters of two zones save figures while their leaders read dashboards.")
    parser.add_argument("--reporters", type=int, default=20, help="simulated reporters, alternately of each zone (0–49; default 20)")
    parser.add_argument("--saves", type=int, default=50, help="acknowledged saves each reporter aims for (default 50)")
    parser.add_argument("--leaders", type=int, default=10,
                        help="simulated leaders reading dashboards, alternately of each zone (default 10)")
    parser.add_argument("--seconds", type=float, default=60, help="time limit of the load, log-in excluded (default 60)")
    parser.add_argument("--max-requests", type=int, default=20000, help="hard cap on requests (default 20000)")
    parser.add_argument("--year", type=int, default=2022, help="the year whose figures are reset to draft and saved")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before one request counts as failed")
    args = parser.parse_args(argv)
    # Reporter numbers become the whole part of the saved values (≤ 99.9999 fits a rate; × 10000 stays below FIGURE_MARKS).
    if not 0 <= args.reporters <= 49 or args.leaders < 0 or args.reporters + args.leaders == 0:
        parser.error("use 0–49 reporters, 0 or more leaders, and at least one of them")
    if args.saves < 1 or not 0 < args.seconds <= 3600 or args.max_requests < 1 or args.timeout <= 0:
        parser.error("--saves, --max-requests and --timeout must be positive, --seconds at most 3600")
    return args


def prepare(args):
    """Schema, plan, demo accounts, the second zone, reporters and leaders of both, editable figures for ``args.year``."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipzone.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from indicators.management.commands.demo_data import PASSWORD, PLAN_CODE
    from indicators.models import Plan

    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddata", "plan_2022_2025", verbosity=0)
    call_command("demo_data", force=True, verbosity=0)
    # A lockout left by an interrupted earlier run must not fail this one (axes_reset prints regardless).
    call_command("axes_reset", stdout=io.StringIO())
    first = Plan.objects.get(organisation__code="gxq", code=PLAN_CODE)
    if not first.contains_year(args.year):
        raise SystemExit(f"--year must be between {first.first_year} and {first.last_year}.")
    plans = [first, second_zone(first)]
    password = make_password(PASSWORD)  # one PBKDF2 run; every account gets the same hash
    zones, reporters = [], []
    with transaction.atomic():
        for number, plan in enumerate(plans):
            zone, accounts = zone_setup(args, plan, number, "" if number == 0 else f"{SECOND_ZONE[0]}-", password)
            zones.append(zone)
            reporters += accounts
    for number, zone in enumerate(zones):  # what each zone must never see: the other one
        other = zones[1 - number]
        zone.update(forbidden=marks(other["plan"], FIGURE_MARKS[1 - number]), own=re.compile(rf"{FIGURE_MARKS[number]}\.\d"),
                    foreign_pages=[f"/indicators/{pk}/" for pk in other["indicators"]] + [
                        f"/?plan={other['plan'].pk}", f"/departments/{other['departments'][0]}/?plan={other['plan'].pk}",
                        f"/plans/{other['plan'].pk}/final/", f"/export/{args.year}.xlsx?plan={other['plan'].pk}"],
                    foreign_figures=[f"/admin/indicators/actual/{pk}/{view}/"
                                     for pk in other["figures"] for view in ("change", "history")] + [
                        f"/admin/indicators/actual/year/{args.year}/?plan={other['plan'].pk}"])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    connection.close()  # the parent stays idle during the load; it reconnects for the checks
    return {
        "password": PASSWORD,
        "reporters": sorted(reporters),  # (number, username, zone index), alternately of each zone
        "zones": zones,
        "plans": plans,
        "postgres": server_version,
    }


def second_zone(plan):
    """The second organisation, ``SECOND_ZONE``: a copy of ``plan`` under its own number with its indicators, targets
    and figures, and its own departments (the same codes, other names).  Made once; later runs keep it."""
    from django.db import transaction

    from benchmarks.zone_copy import copy_zone
    from indicators.models import Organisation, Plan

    code, name, number = SECOND_ZONE
    made = Plan.objects.filter(organisation__code=code, code=number).first()
    if made is not None:
        return made
    with transaction.atomic():
        zone = Organisation.objects.create(code=code, name=name)
        return copy_zone(plan, zone, code=number, title=f"{name}知识产权试点园区建设工作方案", issuer=f"{name}管理委员会",
                         department_names=lambda n, _department: f"乙园区第{n}工作部")


def zone_setup(args, plan, number, prefix, password):
    """One zone's leader and reporters (``<prefix>leader``, ``<prefix>staff-<department>``, ``<prefix>load-<n>``),
    its figures of ``args.year`` blank drafts and its published figures of the other years marked.
    Returns what its people need to know, and its reporters as (number, username, zone)."""
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from indicators import roles
    from indicators.models import Actual, ActualStatus, Department, Measure, User
    from indicators.permissions import PUBLISHED_STATUSES

    groups = {g.name: g for g in Group.objects.filter(name__in=[roles.LEADER, roles.REPORTER])}

    def account(username, role, department=None):
        user = User.objects.filter(username=username).first() or User(username=username)
        user.organisation_id, user.department, user.is_active, user.password = plan.organisation_id, department, True, password
        user.save()
        user.groups.set([groups[role]])
        return username

    # Only departments that lead indicators have rows to enter; reporters are spread over them.
    leading = list(
        Department.objects.filter(lead_indicators__plan=plan).annotate(rows=Count("lead_indicators")).order_by("-rows", "code")
    )
    reporters = []
    for n in range(number, args.reporters, ZONES):  # reporter n + 1 is of zone n % 2
        k = n // ZONES  # the zone's k-th reporter: first one of each leading department's staff, then load-<m>
        department = leading[k % len(leading)]
        username = f"{prefix}staff-{department.code}" if k < len(leading) else f"{prefix}load-{k - len(leading) + 1}"
        reporters.append((n + 1, account(username, roles.REPORTER, department), number))
    indicators = list(plan.indicators.order_by("order"))
    have = set(Actual.objects.filter(indicator__plan=plan, year=args.year).values_list("indicator_id", flat=True))
    Actual.objects.bulk_create([Actual(indicator=i, year=args.year) for i in indicators if i.pk not in have])
    # Blank drafts: saves are allowed, and no value typed in this run can equal what an earlier run
    # left (an unchanged row is not saved, and the check would miss its history record).
    # Setup, not anyone's change: .update() writes no history, so the history check sees only the load's saves.
    Actual.objects.filter(indicator__plan=plan, year=args.year).update(
        status=ActualStatus.DRAFT, value=None, second_value=None, not_carried_out=False, note="", return_reason=""
    )
    published = (Actual.objects.filter(indicator__plan=plan, status__in=PUBLISHED_STATUSES, value__isnull=False)
                 .exclude(year=args.year).exclude(indicator__measure=Measure.RATE).order_by("pk"))
    for k, pk in enumerate(published.values_list("pk", flat=True), 1):
        Actual.objects.filter(pk=pk).update(value=f"{FIGURE_MARKS[number]}.{k:03d}7")  # e.g. 713579.0127
    return {
        "plan": plan,
        "leader": account(f"{prefix}leader", roles.LEADER),
        "departments": list(Department.objects.filter(organisation=plan.organisation_id).values_list("code", flat=True)),
        "indicators": [i.pk for i in indicators],
        "whole": {i.pk: i.whole_number()[0] for i in indicators},  # rows whose unit counts whole things
        "figures": list(published.values_list("pk", flat=True)),
        "spread": Counter(leading[(n // ZONES) % len(leading)].code for n in range(number, args.reporters, ZONES)),
    }, reporters


def marks(plan, figure_mark) -> re.Pattern:
    """What only ``plan``'s zone has, as one pattern: its plan's number and title, its name, its departments' names
    (as written, and as JSON writes them for the charts: \\u…) and its marked figures."""
    from indicators.models import Department

    texts = [plan.code, plan.title, plan.organisation.name,
             *Department.objects.filter(organisation=plan.organisation_id).values_list("name", flat=True)]
    written = {form for text in texts for form in (text, json.dumps(text)[1:-1])}
    return re.compile("|".join(map(re.escape, sorted(written, key=len, reverse=True))) + rf"|{figure_mark}\.\d")


def run_load(args, base_urls, setup):
    run = client.Run(base_urls=base_urls, max_requests=args.max_requests, seconds=args.seconds, timeout=args.timeout)
    # The clock starts when everyone has logged in: 30 PBKDF2 log-ins on two cores are not the load.
    barrier = threading.Barrier(args.reporters + args.leaders, action=run.start_clock)
    fields = ("leader", "departments", "indicators", "whole", "forbidden", "own", "foreign_pages", "foreign_figures")
    zones = [client.Zone(code=zone["plan"].organisation.code, **{name: zone[name] for name in fields}) for zone in setup["zones"]]
    last_year = setup["plans"][0].last_year  # the leaders' workbook and brief: every year's figures
    threads = [
        threading.Thread(
            target=client.reporter,
            args=(run, barrier, number, username, setup["password"], args.saves, args.year, zones[zone]),
            name=f"reporter-{number}",
            daemon=True,
        )
        for number, username, zone in setup["reporters"]
    ] + [
        threading.Thread(
            target=client.leader,
            args=(run, barrier, n + 1, setup["password"], last_year, zones[n % ZONES]),
            name=f"leader-{n + 1}",
            daemon=True,
        )
        for n in range(args.leaders)
    ]
    cpu = time.process_time()
    give_up = time.monotonic() + 300 + args.seconds + 2 * args.timeout  # log-in phase + load + a stuck request
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive() and time.monotonic() < give_up:
                thread.join(0.5)  # short joins keep Ctrl-C responsive
    finally:
        run.stop.set()
        barrier.abort()
    run.finished = time.monotonic()
    run.client_cpu = time.process_time() - cpu
    return run


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def report(run, args, setup):
    """Print the figures; returns the number of failed requests (errors, unexpected, rejected, leaks)."""
    outcomes = Counter(outcome for _k, _s, outcome in run.samples)
    by_kind = defaultdict(list)
    for kind, seconds, _outcome in run.samples:
        by_kind[kind].append(seconds)
    load = [s for kind, s, _o in run.samples if kind != "login"]
    duration = (run.finished - run.started) if run.started else 0.0
    print()
    print(
        f"Load test: {args.reporters} reporters × {args.saves} saves, {args.leaders} leaders, limit {args.seconds:g} s; "
        f"{SERVERS} gunicorn servers × 2 workers; PostgreSQL {setup['postgres']}; {os.cpu_count()} CPUs"
    )
    for zone in setup["zones"]:
        print(f"Reporters per department of {zone['plan'].organisation.code}: "
              f"{', '.join(f'{c} {n}' for c, n in zone['spread'].most_common()) or 'none'}")
    print(
        f"Load phase: {duration:.1f} s (log-in excluded); {len(load) / duration if duration else 0:.1f} requests/s; "
        f"client CPU {run.client_cpu:.1f} s"
    )
    print(
        f"Requests: {run.requests}   errors: {outcomes['error']}   conflicts: {outcomes['conflict']}   "
        f"rejected: {outcomes['rejected']}   unexpected: {outcomes['unexpected']}   leaks: {outcomes['leak']}"
    )
    print(f"Requests per server: {', '.join(f'{url} {n}' for url, n in sorted(run.servers.items()))}")
    zone_of = {username: setup["zones"][zone]["plan"].organisation.code for _n, username, zone in setup["reporters"]}
    per_zone = Counter(zone_of[ack.username] for ack in run.acks)
    print(f"Saves acknowledged: {len(run.acks)} of {args.reporters * args.saves} wanted "
          f"({', '.join(f'{code} {n}' for code, n in sorted(per_zone.items()))})")
    print(f"The other zone's indicators, figures and plan asked for by address: {len(by_kind['foreign'])}, "
          f"found {sum(1 for kind, _s, o in run.samples if kind == 'foreign' and o != 'ok')}")
    print(f"{'kind':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    rows = [("all but login", load)] + [(kind, by_kind[kind]) for kind in KINDS if by_kind[kind]]
    for name, values in rows:
        print(
            f"{name:<12}{len(values):>7}{percentile(values, 50) * 1000:>9.0f}"
            f"{percentile(values, 95) * 1000:>9.0f}{max(values, default=float('nan')) * 1000:>9.0f}"
        )
    seen = ", ".join(f"{kind} {run.own_seen[kind]} of {len(by_kind[kind])}" for kind in KINDS if run.own_seen[kind])
    print(f"Pages showing their own zone's marked figures (what a leak of the other's would look like): {seen or 'none'}")
    for problem in run.problems:
        print(f"  ! {problem}")
    return outcomes["error"] + outcomes["unexpected"] + outcomes["rejected"] + outcomes["leak"]


def verify(run, year, plans, since):
    """Every acknowledged save is in the database and in the history; returns the problems found."""
    from indicators.models import Actual

    actuals = {a.indicator_id: a for a in Actual.objects.filter(indicator__plan__in=plans, year=year)}
    history = set(
        Actual.history.filter(id__in=[a.pk for a in actuals.values()], history_date__gte=since).values_list(
            "id", "value", "second_value", "history_user__username"
        )
    )
    problems, by_row = [], defaultdict(list)
    for ack in run.acks:
        by_row[ack.indicator_id].append(ack)
        actual = actuals.get(ack.indicator_id)
        if actual is None:
            problems.append(f"indicator {ack.indicator_id}: the actual is gone")
        elif (actual.pk, ack.value, ack.second_value, ack.username) not in history:
            problems.append(f"indicator {ack.indicator_id}: no history record of {ack.value} by {ack.username}")
    for indicator_id, acks in by_row.items():
        actual = actuals.get(indicator_id)
        if actual is None:
            continue
        last = max(acks, key=lambda a: a.acked)
        # Saves that overlapped the last acknowledged one may have committed after it: any of them may be stored.
        candidates = [a for a in acks if a.acked >= last.sent]
        if not any((actual.value, actual.second_value) == (a.value, a.second_value) for a in candidates):
            problems.append(
                f"indicator {indicator_id}: stored {actual.value}/{actual.second_value}, "
                f"last acknowledged {last.value}/{last.second_value} by {last.username}"
            )
    print(
        f"Check: {len(run.acks)} acknowledged saves on {len(by_row)} figures; "
        f"{len(history)} history records since the start; lost or unrecorded: {len(problems)}"
    )
    for problem in problems[:20]:
        print(f"  ! {problem}")
    return problems


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM (CI cancelling the job) takes the same cleanup path as Ctrl-C


def main(argv=None):
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(PG_SCHEMES):
        print(HOW_TO, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored (`cmd &`)
    print("Preparing the database (migrate, plan, demo data, the second zone, accounts) …", flush=True)
    setup = prepare(args)
    from django.utils import timezone

    with tempfile.TemporaryDirectory(prefix="ipzone-loadtest-") as work:
        servers = []
        try:
            env = server_env(Path(work))
            ports = []
            while len(ports) < SERVERS:
                port = free_port()
                ports += [] if port in ports else [port]
            base_urls = [f"http://{HOST}:{port}" for port in ports]
            print(f"Starting gunicorn on {' and '.join(base_urls)} …", flush=True)
            for port in ports:
                servers.append(start_server(Path(work), port, env))
            for server, base_url in zip(servers, base_urls):
                wait_until_ready(server, base_url)
            since = timezone.now()
            print(f"Logging in {args.reporters + args.leaders} people, then {args.seconds:g} s of load …", flush=True)
            run = run_load(args, base_urls, setup)
        except KeyboardInterrupt:
            print("Interrupted; gunicorn stopped.", file=sys.stderr)
            return 130
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            print(f"Could not run the load test: {exc}", file=sys.stderr)
            print(server_logs(Path(work), 40), file=sys.stderr)
            return 1
        finally:
            for server in servers:
                stop_server(server)
        failed = report(run, args, setup)
        problems = verify(run, args.year, setup["plans"], since)
        if failed or problems:
            print("gunicorn logs (last lines):", server_logs(Path(work), 20), sep="\n")
    if run.requests and not run.acks and args.reporters:
        print("No save was acknowledged: the load test itself is broken.")
        return 1
    if run.requests and args.leaders and not run.own_seen["indicator"]:
        print("No indicator page showed its zone's figures: the leak check cannot see figures; the load test is broken.")
        return 1
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
