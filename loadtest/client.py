"""The HTTP side of the load test: a browser-like session and the two kinds of simulated people.

Standard library only (urllib + http.cookiejar + zipfile): the load test must not add a
dependency.  Each simulated person is a thread with its own cookie jar, so its
own Django session and CSRF token; the server does the work, the threads mostly
wait on sockets, so threads are enough on a small machine.  Every request goes to
one of the servers at random, and every page or file a person receives is searched
for what only the other zone has (its plan, its departments, its figures): a "leak".
"""

from __future__ import annotations

import http.client
import http.cookiejar
import io
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

# A conflict is reported on the page, not by a status code; these are the messages of
# workflow._conflict / _conflict_or_gone in English (we ask for English) and, should the
# language negotiation ever change, in Chinese.
CONFLICT_MARKERS = ("Reload the page", "deleted by someone else", "重新加载", "刷新页面")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 302 itself is the acknowledgement of a save: keep it, don't follow it


@dataclass
class Response:
    status: int
    body: str
    location: str
    seconds: float
    raw: bytes = b""


@dataclass
class Zone:
    """One organisation's side of the run: what its people open, and what they must never see."""

    code: str
    leader: str  # the zone's leader account
    departments: list[str]  # codes of the zone's departments (the other zone has the same codes)
    indicators: list[int]
    whole: dict[int, bool]  # rows whose unit counts whole things (件, 个 …)
    forbidden: re.Pattern  # the other zone's plan number, name, department names and figures
    own: re.Pattern  # the zone's own marked figures: seen on its pages, they show that the leak check can see figures
    foreign_pages: list[str]  # the other zone's indicators, plan and files, asked for by address by leaders: not found
    foreign_figures: list[str]  # the other zone's figures (admin page, history) and year page, by reporters: not found


@dataclass
class Ack:
    """A save the server acknowledged: who typed which value into which row, and when."""

    username: str
    indicator_id: int
    value: Decimal
    second_value: Decimal | None
    sent: float
    acked: float


@dataclass
class Run:
    """What the threads share: limits, the clock, the recorded samples."""

    base_urls: list[str]  # the servers; each request goes to one of them at random
    max_requests: int
    seconds: float
    timeout: float
    stop: threading.Event = field(default_factory=threading.Event)
    deadline: float = float("inf")  # set when every thread has logged in
    started: float = 0.0
    finished: float = 0.0
    client_cpu: float = 0.0  # CPU seconds of this process: the clients share the machine with the server
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    samples: list = field(default_factory=list)  # (kind, seconds, outcome)
    problems: list = field(default_factory=list)  # the first few unexpected answers, for the report
    acks: list = field(default_factory=list)
    servers: Counter = field(default_factory=Counter)  # requests answered per server
    own_seen: Counter = field(default_factory=Counter)  # pages (by kind) that showed their zone's own marked figures

    def start_clock(self):
        self.started = time.monotonic()
        self.deadline = self.started + self.seconds

    def reserve(self) -> bool:
        """One more request, unless the run is over (time, the hard cap, or Ctrl-C)."""
        with self.lock:
            if self.stop.is_set() or time.monotonic() >= self.deadline:
                return False
            if self.requests >= self.max_requests:
                self.stop.set()
                return False
            self.requests += 1
            return True

    def record(self, kind, seconds, outcome, detail=None):
        with self.lock:
            self.samples.append((kind, seconds, outcome))
            if detail and len(self.problems) < 20:
                self.problems.append(detail)


class PageParser(HTMLParser):
    """What a browser would take from a page: the fields of each POST form, messages and row errors."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []  # the page also has the language and log-out forms
        self.messages: list[tuple[str, str]] = []  # (level, text)
        self._form = None
        self._textarea = None
        self._capture = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "form":
            self._form = [] if (attrs.get("method") or "get").lower() == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return  # browsers send unticked boxes not at all
            self._form.append((attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and self._form is not None and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
        elif tag == "li" and classes and classes[0] in ("success", "error", "warning", "info"):
            self._capture = [classes[0], ""]
        elif tag == "div" and "errornote" in classes:
            self._capture = ["error", ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._capture is not None:
            self._capture[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            # HTML drops one newline right after <textarea>; Django's widget writes one there.
            self._form.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag in ("li", "div") and self._capture is not None:
            self.messages.append((self._capture[0], self._capture[1].strip()))
            self._capture = None

    def form_with(self, predicate):
        """The fields of the first POST form that has a field whose name satisfies ``predicate``."""
        return next((form for form in self.forms if any(predicate(name) for name, _v in form)), [])


def parse(body):
    parser = PageParser()
    parser.feed(body)
    parser.close()
    return parser


class Session:
    """One person's browser: cookies, CSRF token, no automatic redirects."""

    def __init__(self, run: Run, username: str, zone: Zone | None = None):
        self.run = run
        self.username = username
        self.zone = zone
        self.rng = random.Random(username)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, kind, path, form=None) -> Response | None:
        """Send one request; ``None`` when the run is over or the network failed (recorded as an error)."""
        if not self.run.reserve():
            return None
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        base_url = self.rng.choice(self.run.base_urls)
        headers = {"Accept-Language": "en", "User-Agent": "ipzone-loadtest"}
        if data is not None:
            headers["Referer"] = base_url + path
        request = urllib.request.Request(base_url + path, data=data, headers=headers)
        start = time.monotonic()
        try:
            try:
                with self.opener.open(request, timeout=self.run.timeout) as answer:
                    status, body, location = answer.status, answer.read(), answer.headers.get("Location", "")
            except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx and 5xx arrive here
                with answer:
                    status, body, location = answer.code, answer.read(), answer.headers.get("Location", "")
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            self.run.record(kind, time.monotonic() - start, "error", f"{kind} {path} as {self.username}: {exc!r}")
            return None
        with self.run.lock:
            self.run.servers[base_url] += 1
        return Response(status, body.decode("utf-8", "replace"), location, time.monotonic() - start, body)

    def page(self, kind, path) -> Response | None:
        """GET a page that must answer 200; anything else is recorded as an error or unexpected."""
        answer = self.request(kind, path)
        if answer is None:
            return None
        if answer.status == 200:
            leaked = self.leaked(kind, answer)
            self.run.record(kind, answer.seconds, "leak" if leaked else "ok",
                            f"{kind} {path} as {self.username} shows the other zone's {leaked!r}" if leaked else None)
            return answer
        outcome = "error" if answer.status >= 500 else "unexpected"
        self.run.record(kind, answer.seconds, outcome, f"{kind} {path} as {self.username}: HTTP {answer.status} {answer.location}")
        return None

    def leaked(self, kind, answer: Response) -> str | None:
        """What of the other zone the page (or the XML inside a workbook or brief) shows; None when nothing."""
        if self.zone is None:
            return None
        texts = [answer.body]
        if answer.raw.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(answer.raw)) as archive:
                texts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist() if name.endswith(".xml")]
        if any(self.zone.own.search(text) for text in texts):
            with self.run.lock:
                self.run.own_seen[kind] += 1
        found = next((match for text in texts if (match := self.zone.forbidden.search(text))), None)
        return found.group(0) if found else None

    def foreign(self, path):
        """Ask for something of the other zone by its address: it must not be found — 404, or in the admin its
        own answer for an object that does not exist (a redirect to the admin's index)."""
        answer = self.request("foreign", path)
        if answer is None:
            return
        admin_index = answer.status == 302 and urllib.parse.urlparse(answer.location).path == "/admin/"
        found = answer.status != 404 and not (path.startswith("/admin/") and admin_index)
        outcome = ("error" if answer.status >= 500 else "leak") if found else "ok"
        self.run.record("foreign", answer.seconds, outcome,
                        f"{path} of the other zone as {self.username}: HTTP {answer.status} {answer.location}" if found else None)

    def login(self, password) -> bool:
        form = self.page("login", "/accounts/login/")
        if form is None:
            return False
        fields = dict(parse(form.body).form_with(lambda name: name == "username"))
        fields.update(username=self.username, password=password, next="")
        answer = self.request("login", "/accounts/login/", fields)
        if answer is None:
            return False
        ok = answer.status == 302 and not urllib.parse.urlparse(answer.location).path.startswith("/accounts/login")
        outcome = "ok" if ok else ("error" if answer.status >= 500 else "unexpected")
        self.run.record("login", answer.seconds, outcome, None if ok else f"login {self.username}: HTTP {answer.status}")
        return ok


def _wait_for_everyone(barrier):
    try:
        barrier.wait(timeout=300)
    except threading.BrokenBarrierError:
        pass  # someone gave up or Ctrl-C: the stop flag ends the run


def reporter(run: Run, barrier, number, username, password, saves, year, zone: Zone):
    """Log in, then until ``saves`` values are acknowledged: load the year page, change one row, save;
    after each save ask for one of the other zone's figures by its address."""
    whole = zone.whole
    session = Session(run, username, zone)
    logged_in = session.login(password)
    _wait_for_everyone(barrier)
    if not logged_in:
        return
    rng = random.Random(number)
    path = f"/admin/indicators/actual/year/{year}/"
    done = attempt = 0
    while done < saves and not run.stop.is_set() and attempt < 9999:
        page = session.page("entry page", path)
        if page is None:
            if run.stop.is_set() or time.monotonic() >= run.deadline:
                return
            time.sleep(0.2)  # a failed page load is recorded; don't hammer a struggling server
            continue
        fields = parse(page.body).form_with(lambda name: name.endswith("-version"))
        rows = sorted({int(name[1:-len("-version")]) for name, _v in fields if name.startswith("i") and name.endswith("-version")})
        if not rows:
            run.record("entry page", page.seconds, "unexpected", f"{username}: no editable row on {path}")
            return
        row = rng.choice(rows)
        attempt += 1
        # Unique per person and attempt, so the database check can tell every acknowledged save apart:
        # a whole number for units that count whole things (a fraction of 件 is refused), else
        # at most 99.9999 (rates are 0–100) and never whole.
        value = Decimal(number * 10000 + attempt) if whole.get(row) else Decimal(f"{number}.{attempt:04d}")
        pair = any(name == f"i{row}-second_value" for name, _v in fields)
        second = Decimal(attempt) if pair else None
        changed = {f"i{row}-value": str(value), f"i{row}-second_value": str(second) if pair else ""}
        # Such invented values are far from targets and last years: confirmed (确认无误) for exactly
        # these values, as a reporter does after the warning; without a warning the box changes nothing.
        typed = f"{format(value.normalize(), 'f')}/{second if pair else ''}"
        changed.update({f"i{row}-outlier_confirmed": "on", f"i{row}-confirmed_values": typed})
        form = [(n, changed.pop(n) if n in changed else v) for n, v in fields if n != f"i{row}-not_carried_out"]
        form.extend(changed.items())  # the box is not on the page before a warning
        form.append(("_save", "Save"))
        sent = time.monotonic()
        answer = session.request("save", path, form)
        if answer is None:
            continue
        if answer.status == 302 and urllib.parse.urlparse(answer.location).path == path:
            run.record("save", answer.seconds, "ack")
            with run.lock:
                run.acks.append(Ack(username, row, value, second, sent, time.monotonic()))
            done += 1
            session.foreign(rng.choice(zone.foreign_figures))
        elif answer.status == 200:
            messages = [text for level, text in parse(answer.body).messages if level == "error"]
            if any(marker in text for text in messages for marker in CONFLICT_MARKERS):
                run.record("save", answer.seconds, "conflict")
            else:
                run.record("save", answer.seconds, "rejected", f"save by {username}, row {row}: {messages[:3]}")
        else:
            outcome = "error" if answer.status >= 500 else "unexpected"
            run.record("save", answer.seconds, outcome, f"save by {username}: HTTP {answer.status} {answer.location}")


def leader(run: Run, barrier, number, password, year, zone: Zone):
    """Log in, then read the overview, a department and an indicator page, and every fourth round the
    workbook or the brief, until the time is up; each round also asks for one of the other zone's pages."""
    session = Session(run, zone.leader, zone)
    logged_in = session.login(password)
    _wait_for_everyone(barrier)
    if not logged_in:
        return
    rng = random.Random(1000 + number)
    rounds = 0
    while not run.stop.is_set() and time.monotonic() < run.deadline:
        pages = [
            ("overview", "/"),
            ("department", f"/departments/{rng.choice(zone.departments)}/"),
            ("indicator", f"/indicators/{rng.choice(zone.indicators)}/"),
        ]
        if rounds % 4 == number % 4:
            pages.append(("export", f"/export/{year}.xlsx" if rounds % 8 < 4 else f"/export/{year}-brief.docx"))
        rounds += 1
        for kind, path in pages:
            if session.page(kind, path) is None:
                if run.stop.is_set() or time.monotonic() >= run.deadline:
                    return
                time.sleep(0.2)  # recorded already; don't spin on a server that refuses connections
        session.foreign(rng.choice(zone.foreign_pages))
