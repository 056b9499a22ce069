"""Notices (indicators/notices.py): every failure to send is logged and reported, and stored text
reaches a mail only cleaned — no control character, no line break where the mail has one line."""


import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import translation

from indicators import notices
from indicators.models import ActualStatus, Department, Indicator
from tests.dashboard_helpers import report


@pytest.fixture
def demo(mid_season):
    """These tests work in the middle of the season, with the departments' 2025 drafts (conftest.mid_season)."""
    return mid_season

BROKEN = "broken@example.invalid"


class RefusesOneAddress(BaseEmailBackend):
    """A mail backend that fails, with an error that is neither smtplib's nor a socket's, for ``BROKEN``."""

    def send_messages(self, messages):
        for message in messages:
            if message.to == [BROKEN]:
                raise RuntimeError("the mail backend broke")
            message.message()  # built as a real backend builds it
            mail.outbox.append(message)
        return len(messages)


class CannotBeSetUp(BaseEmailBackend):
    def __init__(self, **kwargs):
        raise RuntimeError("the mail backend is misconfigured")


@pytest.fixture
def people(make_user):
    def make(*addresses):
        return [make_user(f"person-{n}", email=address, first_name=f"人员{n}") for n, address in enumerate(addresses)]

    return make


def letters_to(users):
    return [notices.Letter(user, "【ipzone】通知", "正文") for user in users]


def failures_logged(caplog):
    return [record for record in caplog.records if record.name == "indicators.notices" and record.exc_info]


@pytest.mark.parametrize(
    "address",
    [
        "a@example.invalid\nBcc: b@example.invalid",  # a line break: a header of its own (Django: BadHeaderError)
        "a@example.invalid\r\nBcc: b@example.invalid",
    ],
)
def test_a_stored_address_that_makes_no_valid_message_is_logged_and_named_and_the_others_still_get_theirs(people, caplog, address):
    first, broken, last = people("first@example.invalid", address, "last@example.invalid")
    delivery = notices.deliver(letters_to([first, broken, last]))
    assert delivery.failed == ["人员1"] and delivery.sent == ["人员0", "人员2"]
    assert [m.to for m in mail.outbox] == [["first@example.invalid"], ["last@example.invalid"]]
    assert all("Bcc" not in m.message().as_string() for m in mail.outbox)
    [logged] = failures_logged(caplog)
    assert "could not send" in logged.getMessage() and "\n" not in logged.getMessage()


def test_any_error_of_the_mail_backend_is_logged_and_named_not_only_a_mail_servers(people, caplog, settings):
    settings.EMAIL_BACKEND = "tests.test_notices.RefusesOneAddress"
    first, broken, last = people("first@example.invalid", BROKEN, "last@example.invalid")
    delivery = notices.deliver(letters_to([first, broken, last]))
    assert delivery.failed == ["人员1"] and delivery.sent == ["人员0", "人员2"]
    [logged] = failures_logged(caplog)
    assert logged.exc_info[0] is RuntimeError


def test_a_mail_backend_that_cannot_even_be_set_up_names_everyone_with_an_address(people, caplog, settings):
    settings.EMAIL_BACKEND = "tests.test_notices.CannotBeSetUp"
    with_address, without = people("first@example.invalid", "")
    delivery = notices.deliver(letters_to([with_address, without]))
    assert delivery.failed == ["人员0"] and delivery.without_address == ["人员1"] and not delivery.sent
    assert failures_logged(caplog)


def test_the_reviewer_is_told_whom_to_tell_in_chinese_without_a_guessed_cause():
    with translation.override("zh-hans"):
        problems = notices.delivery_problems(notices.Delivery(failed=["张三", "李四"], without_address=["王五"]))
    assert problems == [
        "数据已退回，但未能通知 张三、李四（通知邮件未能发出），请另行告知。",
        "数据已退回；王五 未登记电子邮箱，未发送通知邮件。",
    ]
    assert not any("服务器" in problem for problem in problems)


@pytest.fixture
def returned_figure(plan, reporter, reviewer):
    reporter.email, reporter.first_name = "staff-czj@example.invalid\n", "张\x1b财政\r"
    reporter.save()
    reviewer.first_name = "审核\n员\u202e"
    reviewer.save()
    actual = report(plan, 19, 2025, 5300, 8, status=ActualStatus.SUBMITTED, by=reporter)
    Indicator.objects.filter(pk=actual.indicator_id).update(name="专利质押\r\nBcc: evil@example.invalid\x07")
    actual.refresh_from_db()
    actual.submitted_by = reporter
    return actual


def test_a_returned_figures_mail_has_one_clean_subject_line_and_no_control_character(returned_figure, reviewer):
    delivery = notices.notify_returned([returned_figure], reviewer, "第一行\x1b\r\n第二行\u202e\u200b\r第三行")
    assert delivery.sent == ["张财政"]
    [message] = mail.outbox
    assert message.subject == "【ipzone】数据被退回：专利质押 Bcc: evil@example.invalid（2025年）等 1 项"
    assert message.to == ["staff-czj@example.invalid"]
    body = message.body
    assert not [c for c in body if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u200b")]
    assert "张财政" in body and "审核 员" in body
    assert "专利质押 Bcc: evil@example.invalid（2025）" in body
    assert "第一行\n第二行\n第三行" in body  # a reason keeps its lines, each ending as a mail's do
    assert message.message()["Bcc"] is None


def test_a_notice_that_cannot_be_written_at_all_is_reported_with_the_names_of_whom_to_tell(returned_figure, reviewer, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise LookupError("a template went missing")

    monkeypatch.setattr(notices, "render_to_string", broken)
    delivery = notices.notify_returned([returned_figure], reviewer, "请补充")
    assert delivery.failed == ["张财政"] and not mail.outbox
    assert failures_logged(caplog)


def test_reminders_carry_stored_names_cleaned(demo, settings, monkeypatch):
    from datetime import date

    from indicators import selection
    from indicators.models import User

    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2026, 1, 20))
    Department.objects.filter(code="czj").update(name="财政局\n\x1b]0;pwned\x07")
    User.objects.filter(username="staff-czj").update(last_name="", first_name="\x1b[31m红色\u2028姓名")
    [letter] = [letter for letter in notices.reminder_letters() if letter.user.username == "staff-czj"]
    assert letter.body.startswith("[31m红色 姓名：您好！")  # the escape sequence without its ESC is harmless text
    assert "财政局 ]0;pwned以下年度的数据尚未报齐：" in letter.body
    assert "\x1b" not in letter.body and "\x07" not in letter.body and "\u2028" not in letter.body
