#!/usr/bin/env python
"""``make bench``: every page and file at 1×, 10× and 100× the real plan and in a province, cold, against the bars.

Each size runs in its own subprocess with its own throwaway database (a temporary SQLite file, or a
temporary PostgreSQL database on the server ``DATABASE_URL`` names).  Results go to
``benchmarks/results.json`` as ``{size: {page: {median_ms, p95_ms, queries}}}`` and are printed as a
table, then each bar of benchmarks/README.md with its result.  ``--http`` adds the gunicorn throughput
and the page weight (``http_load.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipzone.settings")

PAGES = [
    "healthz", "overview", "department", "indicator", "final_assessment", "year_entry", "admin_changelist", "my", "my_reviewer",
    "review_desk", "export", "brief", "import", "target_proposals", "plan_import", "rollover",
]
# Only at the "province" size: the parent organisation's overview, read by its leader (every zone's figures).
PROVINCE_PAGES = ["organisation_overview"]
DASHBOARDS = ("overview", "department", "indicator", "review_desk", "final_assessment")
ZONE_PAGES = ("overview", "department", "indicator", "review_desk")  # the zone's own, as its leader and reviewer read them
AS_FAST = 1.5  # "about as fast": a zone's page in the province at most this many times its 1× median
# The bars (benchmarks/README.md): (size, page, median ms at most); "changelist" means no slower than the admin's list.
BARS = [
    *[("1x", page, "changelist") for page in DASHBOARDS],
    *[("10x", page, 100) for page in DASHBOARDS], ("10x", "target_proposals", 100),
    ("10x", "export", 1000), ("10x", "brief", 1000),
    *[("100x", page, 1000) for page in (*DASHBOARDS, "year_entry", "my", "my_reviewer", "target_proposals")],
    ("100x", "export", 10000), ("100x", "brief", 10000),
    *[("province", page, "1x") for page in ZONE_PAGES], ("province", "organisation_overview", 250),
]


def throwaway_database(size: str, workdir: Path) -> tuple[str, callable]:
    """A DATABASE_URL for one size and a function that removes the database afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        path = workdir / f"bench-{size}.sqlite3"
        return f"sqlite:///{path}", lambda: None
    import psycopg

    parsed = urlparse(base)
    name = f"ipzone_bench_{size}_{os.getpid()}"
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parsed._replace(path=f"/{name}").geturl(), drop


def production_env(workdir: Path, database_url: str) -> dict:
    """Settings as deployed (DEBUG off, hashed static files) on plain HTTP on loopback."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 60,
           "ALLOWED_HOSTS": "testserver,127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
           "SECURE_HSTS_SECONDS": "0", "STATIC_ROOT": str(workdir / "static"),
           "EVIDENCE_ROOT": str(workdir / "evidence"), "LOG_LEVEL": "ERROR",
           # The import uploads invented figures (1–97) next to the demo's: far from many targets and
           # last years.  Thresholds no figure reaches keep the plausibility check running (its two
           # queries are timed) without refusing the upload.
           "PLAUSIBILITY_TARGET_FACTOR": "1000000", "PLAUSIBILITY_YEAR_FACTOR": "1000000"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def collectstatic(workdir: Path) -> None:
    env = production_env(workdir, f"sqlite:///{workdir / 'static.sqlite3'}")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)


def run_size(size: str, requests: int, workdir: Path, pages: str | None = None) -> dict:
    url, drop = throwaway_database(size, workdir)
    env = production_env(workdir, url)
    try:
        result = subprocess.run(
            [sys.executable, __file__, "--worker", size, "--requests", str(requests), *(["--pages", pages] if pages else [])],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600,
        )
    finally:
        drop()
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-5000:])
        raise SystemExit(f"the {size} run failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def print_table(results: dict) -> None:
    sizes = list(results)
    print()
    print(f"{'page':<22}" + "".join(f"{s + ' median':>16}{'p95':>10}{'queries':>9}" for s in sizes))
    for page in PAGES + PROVINCE_PAGES:
        if not any(page in results[size] for size in sizes):
            continue  # not measured in this run (--pages)
        line = f"{page:<22}"
        for size in sizes:
            m = results[size].get(page)
            line += f"{m['median_ms']:>14.1f}ms{m['p95_ms']:>8.1f}ms{m['queries']:>9}" if m else f"{'-':>16}{'-':>10}{'-':>9}"
        print(line)
    for size in sizes:
        data = results[size].get("_data", {})
        imports = [f"{label} of {results[size][page]['rows']} rows"
                   for page, label in (("import", "import"), ("plan_import", "plan import")) if page in results[size]]
        print(f"{size}: {data.get('organisations')} organisations, {data.get('indicators')} indicators in the zone's plan, "
              f"{data.get('departments')} departments, {data.get('actuals')} actuals" + ("; " + ", ".join(imports) if imports else ""))


def print_bars(results: dict) -> list[str]:
    """Each bar with its result; the names of those missed (queries must also be the same at every size,
    and the parent's overview the same with 10 zones as with 100)."""
    missed = []
    print()
    for size, page, bar in BARS:
        if page not in results.get(size, {}):
            continue
        median = results[size][page]["median_ms"]
        if bar == "changelist":
            limit, said = results[size].get("admin_changelist", {}).get("median_ms"), " = the changelist"
        elif bar == "1x":
            limit, said = AS_FAST * results.get("1x", {}).get(page, {}).get("median_ms", float("nan")), f" = {AS_FAST} × 1×"
        else:
            limit, said = bar, ""
        if limit is None or limit != limit:  # what the bar compares with was not measured in this run
            continue
        ok = median <= limit
        missed += [] if ok else [f"{size} {page}"]
        print(f"{'met ' if ok else 'MISSED'} {size:>8} {page:<21} {median:>9.1f} ms  (bar {limit:.0f} ms{said})")
    for size in results:
        parent = results[size].get("organisation_overview")
        if parent and parent["queries"] != parent["queries_few"]:
            missed.append(f"organisation_overview queries {parent['queries_few']} → {parent['queries']}")
            print(f"MISSED queries of organisation_overview grow with the zones: {parent['queries_few']} → {parent['queries']}")
    for page in PAGES:
        counts = {results[size][page]["queries"] for size in results if page in results[size]}
        if page not in ("import", "plan_import", "rollover") and len(counts) > 1:
            missed.append(f"{page} queries {sorted(counts)}")
            print(f"MISSED queries of {page} change with the size: {sorted(counts)}")
    return missed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1x,10x,100x,province",
                        help="of 1x, 10x, 100x (the plan grown) and province (the zone one of 100 under a parent)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (after a warm-up)")
    parser.add_argument("--http", action="store_true", help="also run gunicorn throughput and page weight")
    parser.add_argument("--seconds", type=int, default=15, help="length of the --http load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pages", help=f"comma-separated, only these (e.g. brief); default all: {', '.join(PAGES + PROVINCE_PAGES)}")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.json"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--list", action="store_true", help="print the pages measured at every size, one a line, and stop")
    args = parser.parse_args()
    if args.list:
        print("\n".join(PAGES))
        return

    if args.worker:
        from benchmarks import pages

        only = set(args.pages.split(",")) if args.pages else None
        print(json.dumps(pages.run(args.worker, args.requests, only)))
        return
    if args.pages:
        unknown = set(args.pages.split(",")) - set(PAGES + PROVINCE_PAGES)
        if unknown:
            parser.error(f"unknown page(s): {', '.join(sorted(unknown))}; choose from {', '.join(PAGES + PROVINCE_PAGES)}")

    results = {}
    with tempfile.TemporaryDirectory(prefix="ipzone-bench-") as tmp:
        collectstatic(Path(tmp))
        for size in args.sizes.split(","):
            count = len(args.pages.split(",")) if args.pages else len(PAGES)
            print(f"[{size}] building data and measuring {count} pages × {args.requests} requests…", flush=True)
            results[size] = run_size(size, args.requests, Path(tmp), args.pages)
        print_table(results)
        print_bars(results)
        if args.http:
            from benchmarks import http_load

            results["http"] = http_load.run(Path(tmp), seconds=args.seconds, connections=args.connections)
    results["_machine"] = {
        "python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
        "database": "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite",
    }
    Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
