"""gunicorn for the load test: as in production (DEBUG off, 2 sync workers) on 127.0.0.1, started, waited for
and stopped by the load test (``run.py``)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(work: Path) -> dict:
    """Production settings (DEBUG off) on plain HTTP, one secret key for both servers (a session made on one is
    valid on the other); static files collected into a scratch folder (the manifest storage needs them)."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback: no TLS proxy in front here
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(work / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"], cwd=BASE_DIR, env=env, check=True
    )
    return env


def start_server(work: Path, port: int, env: dict):
    """gunicorn as in production (2 workers) on ``port``, its output in ``work/gunicorn-<port>.log``."""
    log = open(work / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 — closed by stop_server()
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


def server_logs(work: Path, lines: int) -> str:
    return "\n".join(f"{log.name}:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
                     for log in sorted(work.glob("gunicorn-*.log")))


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
