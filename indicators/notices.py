"""Mail to people: a returned figure to whoever submitted it, and the reminders of ``send_reminders``.

Mails are written in Chinese whatever language the sender's page was in (the zone's staff read
Chinese), and carry absolute links built from ``SITE_URL``.  A mail server that is down or refuses
a message never undoes the write that caused the mail nor turns it into an error page: the
failure is logged and reported back (``Delivery``) so the person who acted can be told.
Without ``EMAIL_HOST`` the settings print mails on the console instead of sending them.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators import queue, roles
from indicators.models import User
from indicators.formatting import person as person_name
from indicators import selection
from indicators.selection import SHANGHAI

log = logging.getLogger(__name__)

MAIL_LANGUAGE = "zh-hans"
# What a mail server that is down, unreachable or refusing looks like to smtplib and sockets.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def site_url(path: str) -> str:
    """An absolute link for a mail: ``SITE_URL`` + the path."""
    return settings.SITE_URL.rstrip("/") + path


@dataclass
class Letter:
    """One mail to one person."""

    user: object
    subject: str
    body: str

    @property
    def name(self) -> str:
        return person_name(self.user)

    def message(self, connection=None) -> EmailMessage:
        return EmailMessage(self.subject, self.body, to=[self.user.email], connection=connection)


@dataclass
class Delivery:
    """What became of a batch of letters; names of people, for messages to whoever caused them."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    without_address: list[str] = field(default_factory=list)


def deliver(letters: Iterable[Letter]) -> Delivery:
    """Send each letter on one connection; a letter that cannot be sent is logged and skipped."""
    delivery = Delivery()
    letters = list(letters)
    with_address = []
    for letter in letters:
        if letter.user.email:
            with_address.append(letter)
        else:
            delivery.without_address.append(letter.name)
    if not with_address:
        return delivery
    connection = get_connection(fail_silently=False)
    try:
        for letter in with_address:
            try:
                letter.message(connection).send()
            except MAIL_ERRORS:
                log.exception("could not send “%s” to %s", letter.subject, letter.user.email)
                delivery.failed.append(letter.name)
            else:
                delivery.sent.append(letter.name)
    finally:
        try:
            connection.close()
        except MAIL_ERRORS:
            log.warning("closing the mail connection failed", exc_info=True)
    return delivery


# ---- a returned figure -------------------------------------------------------------------------


def return_letters(actuals, reviewer, reason: str) -> list[Letter]:
    """One letter per person who submitted any of ``actuals`` (else who entered it), listing theirs."""
    by_person: dict[int, tuple[object, list]] = {}
    for actual in actuals:
        person = actual.submitted_by or actual.entered_by
        if person is None:
            log.warning("returned figure %s has nobody to tell", actual.pk)
            continue
        by_person.setdefault(person.pk, (person, []))[1].append(actual)
    letters = []
    with translation.override(MAIL_LANGUAGE):
        for person, figures in by_person.values():
            years = sorted({a.year for a in figures})
            plan = figures[0].indicator.plan
            links = [
                (year, site_url(reverse("admin:indicators_actual_year", args=[year]) + f"?plan={plan.pk}")) for year in years
            ]
            first = figures[0]
            subject = ngettext(
                "[ipzone] Returned: %(indicator)s (%(year)s)",
                "[ipzone] %(count)d figures returned, among them %(indicator)s (%(year)s)",
                len(figures),
            ) % {"count": len(figures), "indicator": first.indicator.name, "year": first.year}
            body = render_to_string(
                "notices/returned.txt",
                {
                    "person": person_name(person),
                    "reviewer": person_name(reviewer),
                    "reason": reason,
                    "figures": figures,
                    "links": links,
                    "my_url": site_url(reverse("my_queue")),
                },
            )
            letters.append(Letter(person, subject, body))
    return letters


def notify_returned(actuals, reviewer, reason: str) -> Delivery:
    """Tell the people who submitted ``actuals`` that they came back, and why."""
    return deliver(return_letters(actuals, reviewer, reason))


def delivery_problems(delivery: Delivery) -> list[str]:
    """Sentences for the reviewer about notices that did not go out (none when all did)."""
    problems = []
    if delivery.failed:
        problems.append(
            _("The figures were returned, but the notice to %(people)s could not be sent (mail server unavailable); tell them another way.")
            % {"people": "、".join(delivery.failed)}
        )
    if delivery.without_address:
        problems.append(
            _("The figures were returned; %(people)s has no e-mail address, so no notice was sent.")
            % {"people": "、".join(delivery.without_address)}
        )
    return problems


# ---- reminders (manage.py send_reminders) ------------------------------------------------------


def reminder_letters(*, year: int | None = None, today=None) -> list[Letter]:
    """One letter per person with something to do: reporters whose department has figures not
    submitted or returned within ``queue.REMINDER_DAYS`` of a deadline or past it, reviewers
    with submitted figures waiting.  ``year`` limits both to that year.  Fixed queries."""
    today = today or selection.shanghai_today()
    due = {
        department_id: [item for item in items if item.due_soon and (year is None or item.year == year)]
        for department_id, items in queue.reporting_years(today=today, details=False).items()
    }
    waiting = []
    for item in queue.waiting_for_review():
        if year is not None and item.year != year:
            continue
        oldest = timezone.localtime(item.oldest, SHANGHAI).date() if item.oldest else None
        link = reverse("review_desk", args=[item.year]) + f"?plan={item.plan_id}&department={item.department_code}"
        waiting.append({"item": item, "oldest": oldest, "url": site_url(link)})
    active = User.objects.filter(is_active=True).select_related("department").order_by("username")
    reporters = {u.pk: u for u in active.filter(groups__name=roles.REPORTER, department__isnull=False)}
    reviewers = {u.pk: u for u in active.filter(groups__name=roles.REVIEWER)}
    people = sorted({**reporters, **reviewers}.values(), key=lambda u: u.username)
    letters = []
    with translation.override(MAIL_LANGUAGE):
        for person in people:
            years = due.get(person.department_id, []) if person.pk in reporters else []
            review = waiting if person.pk in reviewers else []
            if not years and not review:
                continue
            if years and review:
                subject = _("[ipzone] Figures to report and to review")
            elif years:
                subject = _("[ipzone] Reminder: figures to report for %(years)s") % {
                    "years": "、".join(str(item.year) for item in years)
                }
            else:
                count = sum(row["item"].count for row in review)
                subject = ngettext(
                    "[ipzone] %(count)d figure waiting for your review",
                    "[ipzone] %(count)d figures waiting for your review",
                    count,
                ) % {"count": count}
            body = render_to_string(
                "notices/reminder.txt",
                {
                    "person": person_name(person),
                    "department": person.department,
                    "years": years,
                    "review": review,
                    "my_url": site_url(reverse("my_queue")),
                },
            )
            letters.append(Letter(person, subject, body))
    return letters
