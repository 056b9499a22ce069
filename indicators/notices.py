"""Mail to people: a returned figure to whoever submitted it, a lead's request to the co-operating departments'
reporters (请配合部门补充), and the reminders of ``send_reminders`` — in Chinese, with links from ``SITE_URL``.

A notice that cannot go out, whatever the cause, never undoes the write that caused it: the failure is logged
and reported back (``Delivery``) so the person who acted can be told (docs/design.md §3, "Notices").
Stored text reaches a mail only through ``indicators.text.clean_text`` (no control, direction or zero-width
character; no line break in a subject, an address or a name), and the templates get these cleaned strings,
never a model to print from: a stored name must not forge a header or a line of the mail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators import roles, todo
from indicators.models import User
from indicators.permissions import organisation_reviewed
from indicators.formatting import person as person_name
from indicators.text import clean_text

log = logging.getLogger(__name__)

MAIL_LANGUAGE = "zh-hans"


def one_line(text) -> str:
    """Stored text for one line of a mail or a terminal: cleaned, its line breaks made spaces."""
    return clean_text(text, line_breaks=" ").strip()


def lines(text) -> str:
    """Stored text of several lines (a reason, a mail's body): cleaned, every line ending ``\\n``."""
    return clean_text(text, line_breaks="\n")


def site_url(path: str) -> str:
    """An absolute link for a mail: ``SITE_URL`` + the path."""
    return settings.SITE_URL.rstrip("/") + path


@dataclass
class Letter:
    """One mail to one person; its subject is one clean line and its body clean text."""

    user: object
    subject: str
    body: str

    def __post_init__(self):
        self.subject = one_line(self.subject)
        self.body = lines(self.body)

    @property
    def name(self) -> str:
        return one_line(person_name(self.user))

    @property
    def address(self) -> str:
        """The stored address as it may be shown or logged (one clean line); may be blank."""
        return one_line(self.user.email)

    def message(self, connection=None) -> EmailMessage:
        """The mail; a stored address that holds a space or a line break is no address (``ValueError``)."""
        if not self.address or any(character.isspace() for character in self.address):
            raise ValueError(f"not an e-mail address: {self.address!r}")
        return EmailMessage(self.subject, self.body, to=[self.address], connection=connection)


@dataclass
class Delivery:
    """What became of a batch of letters; names of people, for messages to whoever caused them."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    without_address: list[str] = field(default_factory=list)
    nobody: list[str] = field(default_factory=list)  # departments with no one to write to


def deliver(letters: Iterable[Letter]) -> Delivery:
    """Send each letter on one connection; one that cannot be built or sent is logged and named in ``Delivery.failed``."""
    letters = list(letters)
    with_address = [letter for letter in letters if letter.address]
    delivery = Delivery(without_address=[letter.name for letter in letters if not letter.address])
    if not with_address:
        return delivery
    try:
        connection = get_connection(fail_silently=False)
    except Exception:  # a mail backend that cannot even be set up: nobody is told by mail
        log.exception("could not set up the mail connection")
        delivery.failed.extend(letter.name for letter in with_address)
        return delivery
    try:
        for letter in with_address:
            try:
                letter.message(connection).send()
            except Exception:  # the server, the network, or a message Django refuses to build
                log.exception("could not send “%s” to %s", letter.subject, letter.address)
                delivery.failed.append(letter.name)
            else:
                delivery.sent.append(letter.name)
    finally:
        try:
            connection.close()
        except Exception:  # every letter has been tried; closing cannot change what became of them
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
            first = figures[0]
            subject = ngettext(
                "[ipzone] Returned: %(indicator)s (%(year)s)",
                "[ipzone] %(count)d figures returned, among them %(indicator)s (%(year)s)",
                len(figures),
            ) % {"count": len(figures), "indicator": one_line(first.indicator.name), "year": first.year}
            body = render_to_string("notices/returned.txt", {
                "person": one_line(person_name(person)),
                "reviewer": one_line(person_name(reviewer)),
                "reason": lines(reason),
                "figures": [{"indicator": one_line(a.indicator.name), "year": a.year, "value": one_line(a.display_value)} for a in figures],
                "links": [(year, site_url(reverse("admin:indicators_actual_year", args=[year]) + f"?plan={first.indicator.plan.pk}"))
                          for year in sorted({a.year for a in figures})],
                "my_url": site_url(reverse("my_queue")),
            })
            letters.append(Letter(person, subject, body))
    return letters


def notify_returned(actuals, reviewer, reason: str) -> Delivery:
    """Tell the people who submitted ``actuals`` that they came back, and why."""
    actuals = list(actuals)
    try:
        letters = return_letters(actuals, reviewer, reason)
    except Exception:  # no letter could be written: the reviewer is told whom to tell instead
        log.exception("could not write the notices of %d returned figure(s)", len(actuals))
        people = {person.pk: person for a in actuals if (person := a.submitted_by or a.entered_by) is not None}
        return Delivery(failed=[one_line(person_name(person)) for person in people.values()])
    return deliver(letters)


def delivery_problems(delivery: Delivery, *, requested: bool = False) -> list[str]:
    """Sentences for the reviewer (``requested``: the lead asking for contributions) about notices that did not
    go out.  They do not guess why one failed (the server, the network, an address …): the log says."""
    if requested:
        failed = _("The request was recorded, but %(people)s could not be notified (the notice mail could not be sent); tell them another way.")
        without = _("The request was recorded; %(people)s has no e-mail address, so no notice was sent.")
    else:
        failed = _("The figures were returned, but %(people)s could not be notified (the notice mail could not be sent); tell them another way.")
        without = _("The figures were returned; %(people)s has no e-mail address, so no notice was sent.")
    problems = []
    if delivery.failed:
        problems.append(failed % {"people": "、".join(delivery.failed)})
    if delivery.without_address:
        problems.append(without % {"people": "、".join(delivery.without_address)})
    if delivery.nobody:
        problems.append(
            _("The request was recorded; %(departments)s has no reporter account, so nobody was told: tell them another way.")
            % {"departments": "、".join(delivery.nobody)}
        )
    return problems


# ---- a request for contributions ---------------------------------------------------------------


def notify_requested(indicator, year: int, departments, requester) -> Delivery:
    """Mail every active reporter of ``departments``: the lead asks for their ``year`` contribution to ``indicator``."""
    people = User.objects.filter(is_active=True, groups__name=roles.REPORTER, department__in=departments).order_by("username")
    people = list(people.select_related("department").distinct())
    name, url = one_line(indicator.name), site_url(reverse("contributions", args=[year]) + f"?plan={indicator.plan_id}")
    letters = []
    try:
        with translation.override(MAIL_LANGUAGE):
            subject = _("[ipzone] Please supply your contribution: %(indicator)s (%(year)s)") % {"indicator": name, "year": year}
            for person in people:
                body = render_to_string("notices/contribution_requested.txt", {
                    "person": one_line(person_name(person)),
                    "requester": one_line(person_name(requester)),
                    "lead": one_line(indicator.lead_department.name),
                    "department": one_line(person.department.name),
                    "indicator": name,
                    "year": year,
                    "url": url,
                })
                letters.append(Letter(person, subject, body))
    except Exception:  # no letter could be written: the lead is told whom to tell instead
        log.exception("could not write the requests for contributions to %s", indicator.pk)
        return Delivery(failed=[one_line(person_name(person)) for person in people])
    delivery = deliver(letters)
    reached = {person.department_id for person in people}
    delivery.nobody = [one_line(d.name) for d in departments if d.pk not in reached]
    return delivery


# ---- reminders (manage.py send_reminders) ------------------------------------------------------


def reminder_letters(*, year: int | None = None, organisation_id: int | None = None) -> list[Letter]:
    """One letter per person with something to do: reporters whose department has figures not submitted or
    returned within ``todo.REMINDER_DAYS`` of a deadline or past it, reviewers with submitted figures of their
    organisation waiting; ``year`` limits both to that year, ``organisation_id`` everything to one organisation.
    Fixed queries."""
    due = {
        department_id: [item for item in items if item.due_soon and (year is None or item.year == year)]
        for department_id, items in todo.reporting_years(details=False, organisation_id=organisation_id).items()
    }
    waiting = [
        {"organisation": item.organisation_id, "department": one_line(item.department_name), "year": item.year, "count": item.count, "oldest": item.oldest_date,
         "url": site_url(item.desk_url)}
        for item in todo.waiting_for_review(organisation_id)
        if year is None or item.year == year
    ]
    active = User.objects.filter(is_active=True).select_related("department").order_by("username")
    if organisation_id is not None:
        active = active.filter(organisation_id=organisation_id)
    reporters = {u.pk: u for u in active.filter(groups__name=roles.REPORTER, department__isnull=False)}
    reviewers = {u.pk: u for u in active.filter(groups__name=roles.REVIEWER)}
    people = sorted({**reporters, **reviewers}.values(), key=lambda u: u.username)
    letters = []
    with translation.override(MAIL_LANGUAGE):
        for person in people:
            years = due.get(person.department_id, []) if person.pk in reporters else []
            scope = organisation_reviewed(person)
            review = [row for row in waiting if scope in (None, row["organisation"])] if person.pk in reviewers else []
            if not years and not review:
                continue
            if years and review:
                subject = _("[ipzone] Figures to report and to review")
            elif years:
                subject = _("[ipzone] Reminder: figures to report for %(years)s") % {"years": "、".join(str(item.year) for item in years)}
            else:
                count = sum(row["count"] for row in review)
                subject = ngettext(
                    "[ipzone] %(count)d figure waiting for your review", "[ipzone] %(count)d figures waiting for your review", count
                ) % {"count": count}
            body = render_to_string("notices/reminder.txt", {
                "person": one_line(person_name(person)),
                "department": one_line(person.department.name) if person.department else "",
                "years": [
                    {"year": item.year, "plan": one_line(item.plan.code), "deadline": item.deadline, "days_left": item.days_left,
                     "days_overdue": item.days_overdue, "unsubmitted": item.unsubmitted, "returned": item.returned}
                    for item in years
                ],
                "review": review,
                "my_url": site_url(reverse("my_queue")),
            })
            letters.append(Letter(person, subject, body))
    return letters
