"""``manage.py send_reminders``: one mail per person with figures due, overdue, returned or waiting for review."""

import io
import socket
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command

from indicators import roles, selection
from indicators.models import Department, User


@pytest.fixture
def demo(mid_season):
    """These tests work in the middle of the season, with the departments' 2025 drafts (conftest.mid_season)."""
    return mid_season

# Demo 2025: the five lead departments (scjg, gxj, zljjj, czj, fgc) all have drafts or blanks;
# 2022–2024 are complete (one 2024 figure is still submitted).  The deadline of 2025 is 31 January 2026.
LEAD_REPORTERS = {"staff-scjg", "staff-gxj", "staff-zljjj", "staff-czj", "staff-fgc"}


@pytest.fixture
def on(monkeypatch):
    def set_today(day):
        monkeypatch.setattr(selection, "shanghai_today", lambda: day)

    return set_today


def run(*args):
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def recipients():
    return {User.objects.get(email=m.to[0]).username for m in mail.outbox}


def letter_to(username):
    [found] = [m for m in mail.outbox if m.to == [f"{username}@example.invalid"]]
    return found


def test_within_fourteen_days_of_the_deadline_every_reporter_with_open_figures_and_every_reviewer_gets_one_mail(demo, on, settings):
    settings.SITE_URL = "https://ipzone.example.gov.cn/"
    on(date(2026, 1, 20))
    out = run()
    assert recipients() == LEAD_REPORTERS | {"reviewer"} and len(mail.outbox) == 6
    assert "Sent 6 reminder(s)." in out
    czj = letter_to("staff-czj")
    assert czj.subject == "【ipzone】数据填报提醒：2025年度"
    assert "您好" in czj.body and "截止日期 2026-01-31" in czj.body and "还剩 11 天" in czj.body
    assert "未提交 3 项，被退回 0 项" in czj.body and "2024年度" not in czj.body
    assert "https://ipzone.example.gov.cn/my/" in czj.body
    reviewer = letter_to("reviewer")
    assert reviewer.subject == "【ipzone】6 项数据等待您审核"
    assert "财政局 2025年度：1 项" in reviewer.body and "柳州市市场监督管理局柳东新区分局 2024年度：1 项" in reviewer.body
    assert "https://ipzone.example.gov.cn/review/2025/?plan=" in reviewer.body


def test_before_the_window_only_reviewers_are_reminded_and_after_the_deadline_reporters_again(demo, on):
    on(date(2026, 1, 16))  # 15 days before
    run()
    assert recipients() == {"reviewer"}
    mail.outbox.clear()
    on(date(2026, 3, 2))
    run()
    assert recipients() == LEAD_REPORTERS | {"reviewer"}
    assert "已逾期 30 天" in letter_to("staff-fgc").body


def test_a_returned_figure_of_an_earlier_year_is_reminded_once_its_deadline_is_near(demo, on):
    from indicators import workflow
    from indicators.models import Actual

    figure = Actual.objects.select_related("indicator__plan").get(indicator__order=27, year=2024)
    workflow.return_actuals(User.objects.get(username="reviewer"), [figure], "请补充")
    on(date(2026, 1, 16))  # 2025 not yet due; 2024 long overdue
    run()
    assert recipients() == {"staff-scjg", "reviewer"}  # of the reporters, only the one with the returned figure
    assert "2024年度" in letter_to("staff-scjg").body and "被退回 1 项" in letter_to("staff-scjg").body


def test_someone_who_reports_and_reviews_gets_one_mail_with_both(demo, on):
    czj = User.objects.get(username="staff-czj")
    roles.sync_groups()
    czj.groups.add(Group.objects.get(name=roles.REVIEWER))
    on(date(2026, 1, 20))
    run()
    assert len(mail.outbox) == 6
    letter = letter_to("staff-czj")
    assert letter.subject == "【ipzone】待填报和待审核数据提醒"
    assert "未提交 3 项" in letter.body and "以下数据等待您审核" in letter.body


def test_a_dry_run_prints_who_would_get_what_and_sends_nothing(demo, on):
    on(date(2026, 1, 20))
    out = run("--dry-run")
    assert not mail.outbox
    assert out.count("would send to") == 6 and "staff-czj <staff-czj@example.invalid>: 【ipzone】数据填报提醒：2025年度" in out
    assert "none sent" in out


def test_year_limits_the_reminders_to_that_year(demo, on):
    on(date(2026, 1, 20))
    run("--year", "2024")
    assert recipients() == {"reviewer"}
    body = letter_to("reviewer").body
    assert "2024年度：1 项" in body and "2025年度" not in body


@pytest.mark.parametrize("year", ["2031", "abcd", "20255"])
def test_a_year_that_is_not_a_year_of_a_plan_in_force_is_refused(demo, year):
    with pytest.raises(CommandError, match="not a year"):
        run("--year", year)
    assert not mail.outbox


def test_people_without_an_address_are_named_and_the_others_still_get_theirs(demo, on):
    User.objects.filter(username="staff-gxj").update(email="")
    User.objects.filter(username="staff-kjj").update(email="")  # leads nothing: never a reminder anyway
    on(date(2026, 1, 20))
    out = run()
    assert recipients() == (LEAD_REPORTERS - {"staff-gxj"}) | {"reviewer"}
    assert f"No e-mail address, not sent: {User.objects.get(username='staff-gxj').get_full_name()}" in out


def test_inactive_accounts_and_leaders_get_no_reminder(demo, on):
    User.objects.filter(username="staff-fgc").update(is_active=False)
    on(date(2026, 1, 20))
    run()
    assert "staff-fgc" not in recipients() and "leader" not in recipients() and "admin" not in recipients()


def test_a_mail_server_that_refuses_fails_the_command_after_trying_everyone(demo, on, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    on(date(2026, 1, 20))
    with pytest.raises(CommandError, match="Could not send to") as failure:
        run()
    names = {user.get_full_name() for user in User.objects.filter(username__in=LEAD_REPORTERS | {"reviewer"})}
    assert all(name in str(failure.value) for name in names)


def test_the_reminders_cost_the_same_queries_whatever_the_number_of_departments(demo, on, django_assert_max_num_queries):
    from tests.sizing import grow_plan
    from indicators.models import Department, Plan

    on(date(2026, 1, 20))
    with django_assert_max_num_queries(8) as small:
        call_command("send_reminders", "--dry-run", stdout=io.StringIO())
    grow_plan(Plan.objects.get(), 5, extra_departments=10)
    for department in Department.objects.filter(code__startswith="size-"):
        user = User.objects.create_user(f"staff-{department.code}", email=f"{department.code}@example.invalid", department=department)
        user.groups.add(Group.objects.get(name=roles.REPORTER))
    out = io.StringIO()
    with django_assert_max_num_queries(len(small.captured_queries)):
        call_command("send_reminders", "--dry-run", stdout=out)
    assert out.getvalue().count("would send to") > 6


def test_a_dry_run_prints_stored_names_without_control_characters(demo, on):
    User.objects.filter(username="staff-czj").update(username="staff-czj\x1b[2J", first_name="\x1b[31m红色\r姓名")
    Department.objects.filter(code="czj").update(name="财政局\x1b]0;title\x07")
    on(date(2026, 1, 20))
    out = run("--dry-run", "-v", "2")
    assert "\x1b" not in out and "\r" not in out and "\x07" not in out
    assert "would send to staff-czj[2J <staff-czj@example.invalid>" in out  # the sequence, without its ESC, is harmless text
    assert "[31m红色 姓名：您好！" in out and "财政局]0;title以下年度的数据尚未报齐" in out


def test_an_address_that_makes_no_valid_message_fails_the_command_after_trying_everyone_else(demo, on, caplog):
    User.objects.filter(username="staff-gxj").update(email="staff-gxj@example.invalid\nBcc: someone@example.invalid")
    on(date(2026, 1, 20))
    with pytest.raises(CommandError, match=f"Could not send to: {User.objects.get(username='staff-gxj').get_full_name()}") as failure:
        run()
    assert recipients() == (LEAD_REPORTERS - {"staff-gxj"}) | {"reviewer"}
    assert "Bcc" not in str(failure.value) and "could not send" in caplog.text
