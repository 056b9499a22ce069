"""Accounts and transport security."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_prints_no_warnings_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ipzone.example.cn",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for the live-server tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "x"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_sessions_end_after_eight_hours():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_password_validators_refuse_a_weak_password(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")


def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, reporter):
    for _ in range(5):
        client.post("/accounts/login/", {"username": reporter.username, "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    response = client.post("/accounts/login/", {"username": reporter.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.2")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failed_logins_do_not_lock(client, reporter):
    for _ in range(4):
        client.post("/accounts/login/", {"username": reporter.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": reporter.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reporter.pk)


def test_every_response_carries_a_strict_content_security_policy(client, db):
    response = client.get("/healthz")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
