"""Login lockouts (django-axes): per username and address, per address across usernames
(ipzone/login_limits.py), the client's address behind the proxy, and the administrators' unlock."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client

from indicators import roles
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


# ---- the address limit: failures from one address across accounts ------------------------------


def test_thirty_failures_across_accounts_from_one_address_lock_that_address_for_every_account(client, other_reporter, settings):
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 30
    for n in range(10):  # four tries or fewer on each account never meet the account limit
        for _ in range(3):
            fail(client, f"guess-{n}", REMOTE_ADDR="10.1.1.1")
    # Even the right password of an account never tried from there.
    response = log_in(client, other_reporter.username, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()  # the lockout page, as for the account limit
    # Another address is not concerned.
    assert log_in(client, other_reporter.username, REMOTE_ADDR="10.1.1.2").status_code == 302


def test_the_thirtieth_failure_from_an_address_is_answered_with_the_lockout_page(client, db):
    statuses = []
    for n in range(30):
        response = client.post(LOGIN, {"username": f"guess-{n // 4}", "password": "wrong-password"}, REMOTE_ADDR="10.1.1.1")
        statuses.append(response.status_code)
    assert statuses == [200] * 29 + [429]


def test_twenty_nine_failures_across_accounts_do_not_lock_the_address(client, other_reporter):
    for n in range(29):
        fail(client, f"guess-{n // 4}", REMOTE_ADDR="10.1.1.1")
    assert log_in(client, other_reporter.username, REMOTE_ADDR="10.1.1.1").status_code == 302


def test_an_office_of_twenty_behind_one_address_mistyping_a_few_times_each_is_never_locked(plan, make_user):
    office = [make_user(f"office-{n}") for n in range(20)]
    desks = [Client(REMOTE_ADDR="10.9.0.1") for _ in office]  # every desk leaves through the same NAT address
    for desk, person in zip(desks, office):  # everyone mistypes once at nine o'clock ...
        fail(desk, person.username)
    for desk, person in zip(desks, office):  # ... then up to three times more, and gets in
        for _ in range(person.pk % 4):
            fail(desk, person.username)
        assert log_in(desk, person.username).status_code == 302, person.username
        assert desk.session["_auth_user_id"] == str(person.pk)


def test_the_account_limit_stays_at_five_under_the_address_limit(client, reporter):
    for _ in range(5):
        fail(client, reporter.username, REMOTE_ADDR="10.1.1.1")
    assert log_in(client, reporter.username, REMOTE_ADDR="10.1.1.1").status_code == 429


def test_behind_nginx_the_address_limit_follows_the_clients_own_address(client, other_reporter, behind_nginx):
    for n in range(30):
        fail(client, f"guess-{n // 4}", **via_nginx("203.0.113.66", sent_by_client=f"192.0.2.{n}"))
    # Only the address nginx appended counts: a forged header in front does not escape the lock ...
    assert log_in(client, other_reporter.username, **via_nginx("203.0.113.66", sent_by_client="192.0.2.200")).status_code == 429
    # ... and the proxy everyone shares is not what was locked.
    assert log_in(client, other_reporter.username, **via_nginx("198.51.100.7")).status_code == 302


def test_the_address_limit_is_read_from_the_environment_and_cannot_be_below_the_account_limit():
    code = "from django.conf import settings; print(settings.AXES_ADDRESS_FAILURE_LIMIT, settings.AXES_FAILURE_LIMIT)"
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "AXES_ADDRESS_FAILURE_LIMIT": "50"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "50 5", result.stderr
    env = {**os.environ, "AXES_ADDRESS_FAILURE_LIMIT": "4"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "AXES_ADDRESS_FAILURE_LIMIT cannot be lower" in result.stderr


# ---- unlocking (the administrators' action 解除所选账号和地址的锁定) ---------------------------------


def unlock(manager, attempts):
    admin = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    admin.force_login(manager)
    response = admin.post("/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [a.pk for a in attempts]})
    assert response.status_code == 302
    return admin.get(response["Location"]).content.decode()


@pytest.fixture
def manager(make_user):
    return make_user("manager", roles.ADMINISTRATOR)


def test_unlocking_a_locked_account_unlocks_it_at_that_address_and_nothing_else(client, reporter, other_reporter, manager):
    for _ in range(5):
        fail(client, reporter.username, REMOTE_ADDR="10.1.1.1")
    for _ in range(5):
        fail(client, other_reporter.username, REMOTE_ADDR="10.1.1.2")
    unlock(manager, AccessAttempt.objects.filter(username=reporter.username))
    assert log_in(client, reporter.username, REMOTE_ADDR="10.1.1.1").status_code == 302
    assert log_in(Client(), other_reporter.username, REMOTE_ADDR="10.1.1.2").status_code == 429


def test_unlocking_any_record_of_a_locked_address_unlocks_the_address(client, other_reporter, reporter, manager):
    for n in range(12):  # 36 failures: forgetting one record's three would still leave the address locked
        for _ in range(3):
            fail(client, f"guess-{n}", REMOTE_ADDR="10.1.1.1")
    for _ in range(5):
        fail(client, reporter.username, REMOTE_ADDR="10.1.1.2")
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(manager)
    listing = page.get("/admin/axes/accessattempt/").content.decode()
    # Each of the address's twelve records says so; the account locked elsewhere says its own.
    assert listing.count('<td class="field-state">该地址已锁定</td>') == 12
    assert listing.count('<td class="field-state">已锁定</td>') == 1
    # The person who calls is not among the usernames tried: any record of the address will do.
    message = unlock(manager, AccessAttempt.objects.filter(username="guess-7"))
    assert log_in(client, other_reporter.username, REMOTE_ADDR="10.1.1.1").status_code == 302
    assert "已解除 12 条锁定记录" in message
    # The account locked at another address stays locked: it was not selected.
    assert log_in(Client(), reporter.username, REMOTE_ADDR="10.1.1.2").status_code == 429
