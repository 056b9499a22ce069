"""Issuing a workbook or a brief (报送/定稿), and the figures changed since (docs/design.md, "The record of the season").

``issue`` keeps the exact file with its checksum and the published figures it carried; ``changes_since``
lists what changed afterwards (indicator, old → new, who, when, why), for the next export of that year;
``marks`` tells a figure's page and the review desk that the figure changed after it went out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators import evidence as evidence_files
from indicators import formatting
from indicators.admin.base import CHANGE_REASONS
from indicators.excel.styles import PENDING
from indicators.models import Actual, ActualStatus, IssuedDocument
from indicators.permissions import ISSUE, PUBLISHED_STATUSES, refusal
from indicators.text import check_text

Kind = IssuedDocument.Kind


class IssueRefused(ValueError):
    """Nothing was issued; the message says why."""


def document(plan, year: int, kind: str, user):
    """The download that ``kind`` names, as a leader downloads it now."""
    from indicators.brief import SupervisionBrief
    from indicators.excel import AssessmentWorkbook

    if kind == Kind.WORKBOOK:
        return AssessmentWorkbook(plan, year, user)
    return SupervisionBrief(plan, year, user, final=kind == Kind.FINAL_BRIEF)


def _published(plan, year):
    return Actual.objects.published().filter(indicator__plan=plan, year__lte=year).select_related("indicator")


def issue(user, plan, year: int, kind: str, title: str) -> IssuedDocument:
    """Write the document once, keep its bytes and what it carried; ``IssueRefused`` when it cannot be."""
    from indicators.brief import BriefRefused

    refused = refusal(user, ISSUE, plan)
    if refused:
        raise IssueRefused(refused)
    title = (title or "").strip()
    if not title or len(title) > 100 or kind not in Kind.values or not plan.contains_year(year):
        raise IssueRefused(_("Give the document a short title (at most 100 characters), e.g. “2025 年度督查考核会议”."))
    try:
        check_text(title)
    except ValidationError as exc:
        raise IssueRefused(" ".join(exc.messages)) from None
    try:
        download = document(plan, year, kind, user)
        data = download.render()
    except (BriefRefused, ValueError) as exc:
        raise IssueRefused(getattr(exc, "message", None) or str(exc)) from None
    carried = {str(actual.pk): [actual.version, formatting.figure_of(actual, actual.indicator)] for actual in _published(plan, year)}
    item = IssuedDocument(
        plan=plan, year=year, kind=kind, title=title, filename=download.filename, sha256=hashlib.sha256(data).hexdigest(),
        size=len(data), figures=carried, issued_by=user,
    )  # fmt: skip
    with evidence_files.removed_on_failure(), transaction.atomic():  # no file without its record
        evidence_files.store(item, ContentFile(data, name=download.filename))
    return item


@dataclass(frozen=True)
class Change:
    """A figure changed since a document carried it."""

    indicator: object
    year: int
    old: str  # as issued; "" when the document did not carry it
    new: str  # as now; "" when it is back with its department
    who: str
    when: datetime | None
    why: str


def changes_since(item: IssuedDocument | None) -> list[Change]:
    """The published figures of the document's plan and years that differ from what it carried, table order."""
    if item is None:
        return []
    now = {str(actual.pk): actual for actual in _published(item.plan, item.year).select_related("entered_by", "reviewed_by")}
    gone = set(item.figures) - set(now)
    for actual in Actual.objects.filter(pk__in=gone).select_related("indicator", "entered_by", "reviewed_by"):
        now[str(actual.pk)] = actual
    changed = {pk: actual for pk, actual in now.items() if (then := item.figures.get(pk)) is None or then[0] != actual.version}
    # Why: the reasons given when the figure was returned or reopened since, else the department's note.
    reasons = {}
    for record in Actual.history.filter(id__in=[int(pk) for pk in changed], history_date__gt=item.issued_at,
                                        history_change_reason__in=("returned", "reopened")).order_by("history_date"):
        with translation.override("zh-hans"):  # for the documents, written in Chinese
            reasons.setdefault(str(record.id), []).append(f"{CHANGE_REASONS[record.history_change_reason]}：{record.return_reason}")
    found = []
    for pk, actual in changed.items():
        then = item.figures.get(pk)
        published = actual.status in PUBLISHED_STATUSES
        now_text = formatting.figure_of(actual, actual.indicator) + (PENDING if actual.status == ActualStatus.SUBMITTED else "") if published else ""
        reviewed = actual.reviewed_at is not None and (actual.entered_at is None or actual.reviewed_at > actual.entered_at)
        person, when = (actual.reviewed_by, actual.reviewed_at) if reviewed else (actual.entered_by, actual.entered_at)
        why = "；".join(reasons.get(pk, [])) or (f"情况说明：{actual.note}" if actual.note else "")
        found.append(Change(
            actual.indicator, actual.year, then[1] if then else "", now_text, formatting.person(person), when, why,
        ))  # fmt: skip
    return sorted(found, key=lambda change: (change.indicator.order, change.year))


def latest(plan, year: int) -> IssuedDocument | None:
    """The document of ``plan`` and ``year`` issued last, whatever its kind: the next export lists what changed since."""
    return IssuedDocument.objects.filter(plan=plan, year=year).order_by("-issued_at", "-pk").first()


def since_heading(item: IssuedDocument) -> str:
    """自2026年1月5日报送版（2025 年度督查考核会议）以来修改的数据 — written in Chinese, as the documents are."""
    day = timezone.localtime(item.issued_at)
    return f"自{day.year}年{day.month}月{day.day}日报送版（{item.title}）以来修改的数据"


def change_line(change: Change) -> str:
    """One change as a sentence of the brief: indicator and year, old → new, who, when, why."""
    when = timezone.localtime(change.when).strftime("%Y-%m-%d %H:%M") if change.when else ""
    # The name as printed (its units in it): the figures are as the document carried them, ``5000/7``.
    line = (f"{change.indicator.name}，{change.year}年：{change.old or NOT_CARRIED} → {change.new or BACK}；"
            f"{'，'.join(part for part in (change.who, when) if part)}")
    return line + (f"；{change.why}" if change.why else "") + "。"


NOT_CARRIED = "报送时未列入"  # the document did not carry the figure: not yet submitted then
BACK = "已退回部门修改"  # no longer published: back with its department


def marks(actuals) -> dict[int, IssuedDocument]:
    """Figure id → the latest issued document that carried the figure, when it has changed since."""
    actuals = {actual.pk: actual for actual in actuals if actual is not None}
    latest = {}
    for item in IssuedDocument.objects.filter(plan__in={a.indicator.plan_id for a in actuals.values()}).order_by("-issued_at", "-pk"):
        for pk in actuals.keys() - latest.keys():
            if str(pk) in item.figures:
                latest[pk] = item
    return {pk: item for pk, item in latest.items() if item.figures[str(pk)][0] != actuals[pk].version}
