"""Login lockouts (django-axes): per username and address, and the client's address behind the proxy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ipzone.client_address import axes_address_settings
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
PROXY = "127.0.0.1"  # the README's nginx, as gunicorn sees it


@pytest.fixture
def behind_nginx(settings):
    """The settings of AXES_PROXY_COUNT=1, the README's deployment."""
    for name, value in axes_address_settings(1).items():
        setattr(settings, name, value)


def fail(client, username, **meta):
    response = client.post(LOGIN, {"username": username, "password": "wrong-password"}, **meta)
    # The form again with its error; the failure that reaches the limit is answered with the lockout.
    assert response.status_code in (200, 429)


def log_in(client, username, **meta):
    return client.post(LOGIN, {"username": username, "password": PASSWORD}, **meta)


def via_nginx(client_address, sent_by_client=None):
    """What gunicorn receives behind nginx: the proxy's address, and the client's appended to any
    X-Forwarded-For the client sent itself ($proxy_add_x_forwarded_for)."""
    chain = f"{sent_by_client}, {client_address}" if sent_by_client else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def test_five_failed_logins_lock_the_username_at_that_address_even_with_the_right_password(client, reporter):
    for _ in range(5):
        fail(client, reporter.username, REMOTE_ADDR="10.1.1.1")
    response = log_in(client, reporter.username, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failed_logins_do_not_lock(client, reporter):
    for _ in range(4):
        fail(client, reporter.username)
    response = log_in(client, reporter.username)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reporter.pk)


def test_failures_from_five_addresses_do_not_freeze_a_named_account(client, leader):
    for n in range(5):
        fail(client, leader.username, REMOTE_ADDR=f"198.51.100.{n + 10}")
    response = log_in(client, leader.username, REMOTE_ADDR="10.20.0.5")
    assert response.status_code == 302


def test_failures_with_many_usernames_from_one_address_do_not_lock_it_for_others(client, other_reporter):
    for n in range(5):
        fail(client, f"guess-{n}", REMOTE_ADDR="10.1.1.1")
    assert log_in(client, other_reporter.username, REMOTE_ADDR="10.1.1.1").status_code == 302


def test_behind_nginx_one_clients_failures_do_not_lock_out_everyone(client, other_reporter, behind_nginx):
    for n in range(5):
        fail(client, f"random-{n}", **via_nginx("203.0.113.66"))
    assert log_in(client, other_reporter.username, **via_nginx("198.51.100.7")).status_code == 302


def test_behind_nginx_the_lockout_follows_the_clients_own_address(client, other_reporter, behind_nginx):
    for _ in range(5):
        fail(client, other_reporter.username, **via_nginx("203.0.113.66"))
    assert log_in(client, other_reporter.username, **via_nginx("203.0.113.66")).status_code == 429
    # The same person at another desk is a different client, not the proxy everyone shares.
    assert log_in(client, other_reporter.username, **via_nginx("198.51.100.7")).status_code == 302


def test_behind_nginx_a_forged_forwarded_for_does_not_escape_the_lockout(client, other_reporter, behind_nginx):
    for n in range(5):
        fail(client, other_reporter.username, **via_nginx("203.0.113.66", sent_by_client=f"192.0.2.{n}"))
    # Only the entry nginx appended counts; what the client put before it is ignored ...
    assert log_in(client, other_reporter.username, **via_nginx("203.0.113.66", sent_by_client="192.0.2.99")).status_code == 429
    # ... also for a client whose office proxy adds a header of its own: it is not mistaken for nginx.
    assert log_in(client, other_reporter.username, **via_nginx("198.51.100.7", sent_by_client="10.0.0.8")).status_code == 302


def test_without_a_proxy_a_forwarded_for_header_is_not_believed(client, other_reporter):
    for n in range(5):
        fail(client, other_reporter.username, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert log_in(client, other_reporter.username, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 429


def test_a_negative_number_of_proxies_is_refused():
    with pytest.raises(ValueError):
        axes_address_settings(-1)


def test_axes_proxy_count_in_the_environment_configures_the_trusted_hop():
    code = (
        "from django.conf import settings; "
        "print(list(settings.AXES_IPWARE_META_PRECEDENCE_ORDER), settings.AXES_IPWARE_PROXY_COUNT, settings.IPWARE_STRICT)"
    )
    env = {**os.environ, "AXES_PROXY_COUNT": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR'] 0 False", result.stderr
