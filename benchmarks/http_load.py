"""``run.py --http``: the overview served by gunicorn as deployed, under a bounded load, and its page weight.

* A 1× database as ``make run`` makes it (the plan and the demo data: the page leaders see),
  production settings (``run.production_env``: DEBUG off, hashed static files from
  ``workdir/static``, collected by ``run.py``).
* ``gunicorn ipzone.wsgi -w 2`` on a free loopback port; the leader logs in through
  ``/accounts/login/`` (CSRF cookie and token, as a browser does); ``connections`` client
  threads, each with its own keep-alive connection, request the overview for ``seconds``.
  gunicorn's default sync workers answer ``Connection: close`` (a reverse proxy keeps the
  browsers' connections open), so a client thread reconnects when told to.
* With ``DATABASE_URL`` on PostgreSQL, also two independent gunicorn servers on two ports
  sharing the database, the connections split between them; the session made by one is used
  on the other (sessions live in the database).
* Freshness across processes: a figure changed in the database by another process appears on
  the very next overview from every worker of every server (pages are built from the database
  on every request).
* Page weight: what a first visit to the overview transfers — the HTML and every stylesheet and
  script it links, asked for with ``Accept-Encoding: gzip, br`` and counted as served — and a
  repeat visit, where only what the response headers do not let a browser keep is fetched again.

Only the standard library (``http.client`` and threads): no new dependency.
"""

from __future__ import annotations

import gzip
import http.client
import re
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.run import ROOT, production_env, throwaway_database
from loadtest.servers import HOST, free_port, server_logs, start_server, stop_server, wait_until_ready

PASSWORD = "ipzone-demo"  # every demo account's password
OVERVIEW = "/?year=2025"
FIRST_VISIT_BAR = 500_000  # bytes: the overview with plotly's basic bundle
REPEAT_VISIT_BAR = 60_000
YEAR_SECONDS = 365 * 24 * 3600
COUNT = re.compile(rb'<span class="count" data-status="(\w+)">(\d+)</span>')
ASSET = re.compile(r'<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="(/static/[^"]+)"')

BUILD = [["migrate", "--noinput", "-v0"], ["loaddata", "plan_2022_2025", "-v0"], ["demo_data", "--force", "-v0"]]
# Another process changes a figure the leader sees: the value of one reported 2025 actual is cleared.
CHANGE_A_FIGURE = (
    "import django; django.setup(); from indicators.models import Actual; "
    "a = Actual.objects.filter(indicator__plan__organisation__code='gxq', year=2025, value__isnull=False, not_carried_out=False).order_by('pk').first(); "
    "Actual.objects.filter(pk=a.pk).update(value=None, second_value=None)"
)


@contextmanager
def gunicorn(env: dict, workdir: Path):
    """One ``gunicorn ipzone.wsgi -w 2`` on a free port (``loadtest.servers``, as the load test runs it); stopped,
    master and workers, on the way out."""
    port = free_port()
    process = start_server(workdir, port, env)
    try:
        wait_until_ready(process, f"http://{HOST}:{port}")
        yield port
    finally:
        stop_server(process)


class Browser:
    """One keep-alive connection with a cookie jar: enough of a browser for these pages."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "zh-hans", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # reconnects on the next request
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()
        return response.status, response.headers, data

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def log_in(self, username: str, password: str = PASSWORD):
        status, _headers, body = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/"})
        status, headers, _body = self.request(
            "POST", "/accounts/login/", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"log-in as {username} failed: HTTP {status}")
        return self.cookies


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)] if ordered else float("nan")


def load(ports: list[int], cookies: dict, *, seconds: int, connections: int) -> dict:
    """``connections`` threads request the overview for ``seconds``, spread evenly over ``ports``."""
    latencies, errors, lock = [], [], threading.Lock()
    start = time.monotonic()
    deadline = start + seconds

    def client(port):
        browser = Browser(port, cookies)
        mine, failed = [], []
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                status, _headers, _body = browser.get(OVERVIEW, headers={"Accept-Encoding": "gzip"})
            except (OSError, http.client.HTTPException) as exc:
                failed.append(repr(exc))
                continue
            if status == 200:
                mine.append((time.perf_counter() - began) * 1000)
            else:
                failed.append(f"HTTP {status}")
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=client, args=(ports[n % len(ports)],), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.monotonic() - start
    return {
        "servers": len(ports),
        "connections": connections,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def fresh_after_write(ports: list[int], cookies: dict, env: dict) -> dict:
    """Change a figure from another process; every worker of every server must show it at once."""
    browsers = [Browser(port, cookies) for port in ports for _ in range(4)]  # several requests reach each worker

    def counts(browser):
        status, _headers, body = browser.get(OVERVIEW)
        if status != 200:
            raise RuntimeError(f"overview answered HTTP {status}")
        return dict(COUNT.findall(body))

    before = [counts(browser) for browser in browsers]  # every worker has the page cached now
    subprocess.run([sys.executable, "-c", CHANGE_A_FIGURE], cwd=ROOT, env=env, check=True)
    after = [counts(browser) for browser in browsers]
    return {
        "requests": len(browsers),
        "changed_on_every_request": all(a != b for a, b in zip(after, before)),
        "before_equal": all(b == before[0] for b in before),
    }


def page_weight(port: int, cookies: dict) -> dict:
    """Bytes a browser transfers for the overview: first visit, and a repeat visit with a warm cache."""
    browser = Browser(port, cookies)
    accept = {"Accept-Encoding": "gzip, br"}
    status, headers, html = browser.get(OVERVIEW, headers=accept)
    text = (gzip.decompress(html) if headers.get("Content-Encoding") == "gzip" else html).decode()
    items = [{"url": OVERVIEW, "bytes": len(html), "encoding": headers.get("Content-Encoding", "identity"),
              "cache_control": headers.get("Cache-Control", ""), "kept": False}]
    for url in ASSET.findall(text):
        status, headers, body = browser.get(url, headers=accept)
        if status != 200:
            raise RuntimeError(f"{url} answered HTTP {status}")
        cache_control = headers.get("Cache-Control", "")
        max_age = re.search(r"max-age=(\d+)", cache_control)
        # A browser keeps it for the repeat visit only if the headers say so for a long time.
        kept = bool(max_age) and int(max_age.group(1)) >= YEAR_SECONDS and "no-store" not in cache_control
        items.append({"url": url, "bytes": len(body), "encoding": headers.get("Content-Encoding", "identity"),
                      "cache_control": cache_control, "kept": kept})
    first = sum(item["bytes"] for item in items)
    repeat = sum(item["bytes"] for item in items if not item["kept"])
    return {
        "first_visit_bytes": first,
        "repeat_visit_bytes": repeat,
        "first_visit_bar": FIRST_VISIT_BAR,
        "repeat_visit_bar": REPEAT_VISIT_BAR,
        "html_uncompressed_bytes": len(text.encode()),
        "files": items,
    }


def run(workdir: Path, *, seconds: int, connections: int) -> dict:
    url, drop = throwaway_database("http", workdir)
    env = production_env(workdir, url)
    env["ALLOWED_HOSTS"] = f"{env['ALLOWED_HOSTS']},{HOST}"
    postgres = url.startswith("postgres")
    try:
        for command in BUILD:
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        result = {"database": "postgresql" if postgres else "sqlite", "workers_per_server": 2, "page": OVERVIEW}
        print(f"[http] gunicorn -w 2, {connections} connections × {seconds} s on {result['database']}…", flush=True)
        with gunicorn(env, workdir) as port:
            cookies = Browser(port).log_in("leader")
            result["page_weight"] = page_weight(port, cookies)
            result["one_server"] = load([port], cookies, seconds=seconds, connections=connections)
            if not postgres:
                result["fresh_after_write"] = fresh_after_write([port], cookies, env)
        if postgres:
            print("[http] two gunicorn servers sharing the database…", flush=True)
            with ExitStack() as stack:
                ports = [stack.enter_context(gunicorn(env, workdir)) for _ in range(2)]
                cookies = Browser(ports[0]).log_in("leader")  # the session made on one is used on both
                result["two_servers"] = load(ports, cookies, seconds=seconds, connections=connections)
                result["fresh_after_write"] = fresh_after_write(ports, cookies, env)
    except Exception:
        sys.stderr.write(server_logs(workdir, 40))
        raise
    finally:
        drop()
    print_summary(result)
    return result


def print_summary(result: dict) -> None:
    weight = result["page_weight"]
    print(f"\npage weight: first visit {weight['first_visit_bytes'] / 1e3:.1f} kB (bar {FIRST_VISIT_BAR / 1e3:.0f} kB), "
          f"repeat visit {weight['repeat_visit_bytes'] / 1e3:.1f} kB (bar {REPEAT_VISIT_BAR / 1e3:.0f} kB)")
    for item in weight["files"]:
        print(f"  {item['url'][:60]:<60} {item['bytes']:>9} B {item['encoding']:<8} {item['cache_control']}")
    for key in ("one_server", "two_servers"):
        if key in result:
            r = result[key]
            print(f"{key}: {r['requests_per_s']} req/s, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
                  f"{r['errors']} errors ({r['requests']} requests, {r['connections']} connections, {r['seconds']} s)")
    fresh = result.get("fresh_after_write")
    if fresh:
        print(f"a figure changed by another process showed on every one of {fresh['requests']} next requests: "
              f"{fresh['changed_on_every_request']}")
