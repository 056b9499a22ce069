"""With the database down, pages answer a clear 503 and /healthz says so."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connections

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def database_down(db):
    # Every new cursor fails as it does when the server is gone; the open test transaction survives.
    with mock.patch.object(
        connections["default"], "_cursor", side_effect=OperationalError("connection refused")
    ):
        yield


@pytest.fixture
def logged_in(client, leader):
    client.force_login(leader)
    client.raise_request_exception = False
    return client


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unavailable"


@pytest.mark.parametrize("url", ["/", "/admin/indicators/actual/", "/admin/indicators/actual/year/2024/"])
def test_pages_answer_a_clear_503_when_the_database_is_down(logged_in, database_down, url):
    response = logged_in.get(url)
    assert response.status_code == 503
    assert "数据库暂时无法连接" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_a_real_unreachable_server_gives_503_not_500():
    script = (
        "import django; django.setup();"
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "print(c.get('/healthz').status_code, c.post('/accounts/login/', {'username': 'a', 'password': 'b'}).status_code)"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:1/none", "DEBUG": "0",
           "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0",
           "DJANGO_SETTINGS_MODULE": "ipzone.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["503", "503"], result.stderr[-2000:]
