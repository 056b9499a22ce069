"""Load test of the reporting period.

Reporters save figures through the one-page year entry while leaders read the
dashboards, against gunicorn (2 workers, as on the server) and PostgreSQL:

    make loadtest          # 20 reporters × 50 saves, 10 leaders, at most 60 s
    make loadtest-short    # 5 × 10, 2 leaders, 20 s (CI)

Before the load it migrates the database in DATABASE_URL, loads the plan and
the demo data, adds reporter accounts ``load-<n>`` and sets every figure of
``--year`` back to a blank draft — so point it at a database you can throw away, never
at the real one.  Only 127.0.0.1 is contacted; the run stops by itself at the
time limit or the request cap.  Afterwards it checks in the database that every
acknowledged save is stored and in the history, and exits non-zero on any
server error, unexpected answer or lost save.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:  # `python loadtest/run.py` puts loadtest/, not the project, on the path
    sys.path.insert(0, str(BASE_DIR))

from loadtest import client  # noqa: E402

HOST = "127.0.0.1"
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
KINDS = ("login", "entry page", "save", "overview", "department", "indicator")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Load test: reporters save figures while leaders read dashboards.")
    parser.add_argument("--reporters", type=int, default=20, help="simulated reporters (0–99; default 20)")
    parser.add_argument("--saves", type=int, default=50, help="acknowledged saves each reporter aims for (default 50)")
    parser.add_argument("--leaders", type=int, default=10, help="simulated leaders reading dashboards (default 10)")
    parser.add_argument("--seconds", type=float, default=60, help="time limit of the load, log-in excluded (default 60)")
    parser.add_argument("--max-requests", type=int, default=20000, help="hard cap on requests (default 20000)")
    parser.add_argument("--year", type=int, default=2022, help="the year whose figures are reset to draft and saved")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before one request counts as failed")
    args = parser.parse_args(argv)
    # Reporter numbers become the whole part of the saved values (≤ 99.9999 fits a rate).
    if not 0 <= args.reporters <= 99 or args.leaders < 0 or args.reporters + args.leaders == 0:
        parser.error("use 0–99 reporters, 0 or more leaders, and at least one of them")
    if args.saves < 1 or not 0 < args.seconds <= 3600 or args.max_requests < 1 or args.timeout <= 0:
        parser.error("--saves, --max-requests and --timeout must be positive, --seconds at most 3600")
    return args


def prepare(args):
    """Schema, plan, demo accounts, extra reporters and editable figures for ``args.year``."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipzone.settings")
    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count

    from indicators import roles
    from indicators.management.commands.demo_data import PASSWORD, PLAN_CODE
    from indicators.models import Actual, ActualStatus, Department, Plan, User

    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddata", "plan_2022_2025", verbosity=0)
    call_command("demo_data", force=True, verbosity=0)
    # A lockout left by an interrupted earlier run must not fail this one (axes_reset prints regardless).
    call_command("axes_reset", stdout=io.StringIO())
    plan = Plan.objects.get(code=PLAN_CODE)
    if not plan.contains_year(args.year):
        raise SystemExit(f"--year must be between {plan.first_year} and {plan.last_year}.")
    # Only departments that lead indicators have rows to enter; reporters are spread over them.
    leading = list(
        Department.objects.filter(lead_indicators__plan=plan).annotate(rows=Count("lead_indicators")).order_by("-rows", "code")
    )
    group = Group.objects.get(name=roles.REPORTER)
    accounts = []
    with transaction.atomic():
        known = {}
        for name in [f"staff-{d.code}" for d in leading] + ["leader"]:
            user = User.objects.get(username=name)
            if not user.check_password(PASSWORD):  # someone changed it on this throwaway database
                user.set_password(PASSWORD)
                user.save()
            known[name] = user
        for i in range(args.reporters):
            department = leading[i % len(leading)]
            staff = known[f"staff-{department.code}"]
            if i < len(leading):
                accounts.append(staff.username)
                continue
            username = f"load-{i - len(leading) + 1}"
            user = User.objects.filter(username=username).first() or User(username=username)
            user.department, user.is_staff, user.is_active = department, True, True
            user.password = staff.password  # same password; copying the hash saves a PBKDF2 run per account
            user.save()
            user.groups.set([group])
            accounts.append(user.username)
        indicators = list(plan.indicators.order_by("order"))
        have = set(Actual.objects.filter(indicator__plan=plan, year=args.year).values_list("indicator_id", flat=True))
        Actual.objects.bulk_create([Actual(indicator=i, year=args.year) for i in indicators if i.pk not in have])
        # Blank drafts: saves are allowed, and no value typed in this run can equal what an earlier run
        # left (an unchanged row is not saved, and the check would miss its history record).
        # Setup, not anyone's change: .update() writes no history, so the history check sees only the load's saves.
        Actual.objects.filter(indicator__plan=plan, year=args.year).update(
            status=ActualStatus.DRAFT, value=None, second_value=None, not_carried_out=False, note="", return_reason=""
        )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    connection.close()  # the parent stays idle during the load; it reconnects for the checks
    return {
        "password": PASSWORD,
        "reporters": accounts,
        "departments": list(Department.objects.values_list("code", flat=True)),
        "indicators": [i.pk for i in indicators],
        "whole": {i.pk: i.whole_number()[0] for i in indicators},  # rows whose unit counts whole things
        "spread": Counter(leading[i % len(leading)].code for i in range(args.reporters)),
        "postgres": server_version,
        "plan": plan,
    }


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(work: Path, port: int):
    """collectstatic into a scratch folder, then gunicorn as in production (DEBUG off, 2 workers)."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback: no TLS proxy in front here
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(work / "static"),  # the manifest storage needs collected files when DEBUG is off
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"], cwd=BASE_DIR, env=env, check=True
    )
    log = open(work / "gunicorn.log", "wb")  # noqa: SIM115 — closed by stop_server()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ipzone.wsgi", "-b", f"{HOST}:{port}", "-w", "2", "--timeout", "120"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches only us; we stop gunicorn ourselves in `finally`
    )
    process.log = log
    return process


def wait_until_ready(process, base_url, seconds=60):
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass  # not listening yet, or 503 while the database connection comes up
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /healthz within {seconds} s")


def stop_server(process):
    if process is None:
        return
    try:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)  # our own session: the master and its workers
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
    finally:
        process.log.close()


def run_load(args, base_url, setup):
    run = client.Run(base_url=base_url, max_requests=args.max_requests, seconds=args.seconds, timeout=args.timeout)
    # The clock starts when everyone has logged in: 30 PBKDF2 log-ins on two cores are not the load.
    barrier = threading.Barrier(args.reporters + args.leaders, action=run.start_clock)
    threads = [
        threading.Thread(
            target=client.reporter,
            args=(run, barrier, n + 1, username, setup["password"], args.saves, args.year, setup["whole"]),
            name=f"reporter-{n + 1}",
            daemon=True,
        )
        for n, username in enumerate(setup["reporters"])
    ] + [
        threading.Thread(
            target=client.leader,
            args=(run, barrier, n + 1, "leader", setup["password"], setup["departments"], setup["indicators"]),
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
    """Print the figures; returns the number of failed requests (errors, unexpected, rejected)."""
    outcomes = Counter(outcome for _k, _s, outcome in run.samples)
    by_kind = defaultdict(list)
    for kind, seconds, _outcome in run.samples:
        by_kind[kind].append(seconds)
    load = [s for kind, s, _o in run.samples if kind != "login"]
    duration = (run.finished - run.started) if run.started else 0.0
    print()
    print(
        f"Load test: {args.reporters} reporters × {args.saves} saves, {args.leaders} leaders, limit {args.seconds:g} s; "
        f"gunicorn 2 workers; PostgreSQL {setup['postgres']}; {os.cpu_count()} CPUs"
    )
    print(f"Reporters per department: {', '.join(f'{c} {n}' for c, n in setup['spread'].most_common())}")
    print(
        f"Load phase: {duration:.1f} s (log-in excluded); {len(load) / duration if duration else 0:.1f} requests/s; "
        f"client CPU {run.client_cpu:.1f} s"
    )
    print(
        f"Requests: {run.requests}   errors: {outcomes['error']}   conflicts: {outcomes['conflict']}   "
        f"rejected: {outcomes['rejected']}   unexpected: {outcomes['unexpected']}"
    )
    print(f"Saves acknowledged: {len(run.acks)} of {args.reporters * args.saves} wanted")
    print(f"{'kind':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    rows = [("all but login", load)] + [(kind, by_kind[kind]) for kind in KINDS if by_kind[kind]]
    for name, values in rows:
        print(
            f"{name:<12}{len(values):>7}{percentile(values, 50) * 1000:>9.0f}"
            f"{percentile(values, 95) * 1000:>9.0f}{max(values, default=float('nan')) * 1000:>9.0f}"
        )
    for problem in run.problems:
        print(f"  ! {problem}")
    return outcomes["error"] + outcomes["unexpected"] + outcomes["rejected"]


def verify(run, year, plan, since):
    """Every acknowledged save is in the database and in the history; returns the problems found."""
    from indicators.models import Actual

    actuals = {a.indicator_id: a for a in Actual.objects.filter(indicator__plan=plan, year=year)}
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
    print("Preparing the database (migrate, plan, demo data, accounts) …", flush=True)
    setup = prepare(args)
    from django.utils import timezone

    with tempfile.TemporaryDirectory(prefix="ipzone-loadtest-") as work:
        server = None
        try:
            port = free_port()
            base_url = f"http://{HOST}:{port}"
            print(f"Starting gunicorn on {base_url} …", flush=True)
            server = start_server(Path(work), port)
            wait_until_ready(server, base_url)
            since = timezone.now()
            print(f"Logging in {args.reporters + args.leaders} people, then {args.seconds:g} s of load …", flush=True)
            run = run_load(args, base_url, setup)
        except KeyboardInterrupt:
            print("Interrupted; gunicorn stopped.", file=sys.stderr)
            return 130
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            print(f"Could not run the load test: {exc}", file=sys.stderr)
            if server is not None:
                print((Path(work) / "gunicorn.log").read_text(errors="replace")[-4000:], file=sys.stderr)
            return 1
        finally:
            stop_server(server)
        failed = report(run, args, setup)
        problems = verify(run, args.year, setup["plan"], since)
        if failed or problems:
            tail = (Path(work) / "gunicorn.log").read_text(errors="replace").splitlines()[-40:]
            print("gunicorn log (last lines):", *tail, sep="\n  ")
    if run.requests and not run.acks and args.reporters:
        print("No save was acknowledged: the load test itself is broken.")
        return 1
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
