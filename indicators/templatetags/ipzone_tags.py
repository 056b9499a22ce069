"""Small pieces of HTML the dashboard templates share: status badges, charts, links."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from indicators import formatting
from indicators.verdicts import VERDICT_STATUS, Verdict
from indicators.models import ActualStatus
from indicators.progress import STATUS_COLOURS, Status

register = template.Library()

# As Django's json_script: JSON inside <script> must not be able to close the element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def status_badge(status):
    """The status word on its colour; the word is always there, colour is never the only signal."""
    status = Status(status)
    return format_html('<span class="badge status-{}" style="background-color:{}">{}</span>', status.value,
                       STATUS_COLOURS[status], status.label)


@register.simple_tag
def verdict_badge(verdict):
    """A final-assessment verdict (已完成 …) on the colour of the status it resembles, the word always there."""
    verdict = Verdict(verdict)
    return format_html('<span class="badge verdict-{}" style="background-color:{}">{}</span>', verdict.value,
                       STATUS_COLOURS[Status(VERDICT_STATUS[verdict])], verdict.label)


@register.simple_tag
def status_swatch(status):
    colour = STATUS_COLOURS[Status(status)]
    return format_html('<span class="swatch" style="background-color:{}" aria-hidden="true"></span>', colour)


@register.simple_tag
def workflow_badge(state):
    """草稿 / 已提交 / 已审核 / 已退回 for an actual's workflow state."""
    if not state:
        return ""
    state = ActualStatus(state)
    return format_html('<span class="workflow workflow-{}">{}</span>', state.value, state.label)


@register.simple_tag
def pending_mark(cell):
    """待审核 after a value that is submitted but not yet approved, 草稿 after one still being drafted."""
    if not cell.pending:
        return ""
    return format_html('<span class="pending{}" title="{}">{}</span>', " draft" if cell.draft else "",
                       ActualStatus(cell.workflow).label, _("Draft") if cell.draft else _("Pending review"))


@register.simple_tag
def chart(figure_json, element_id, title=""):
    """A chart's container and its data, drawn by static/js/charts.js (no inline code, CSP-safe)."""
    return format_html(
        '<div class="chart" id="{0}" role="img" aria-label="{2}"></div>'
        '<script type="application/json" id="{0}-data" data-chart="{0}">{1}</script>',
        element_id,
        # Safe once <, > and & are escaped: script content is not HTML-decoded, so entities would break it.
        mark_safe(figure_json.translate(_JSON_SCRIPT_ESCAPES)),
        title,
    )


@register.simple_tag
def evidence_url(evidence):
    """The download link of an evidence file, or "" while the download view does not exist."""
    try:
        return reverse("evidence_download", args=[evidence.pk])
    except NoReverseMatch:
        return ""


register.filter("percent", formatting.percent)
register.filter("percents", formatting.percents)


@register.filter
def completions(parts, attribute):
    """年度完成率 or 目标完成率 of every part of an assessment: ``86.5%/50.0%`` for a pair."""
    return formatting.percents(getattr(part, attribute) for part in parts)


register.filter("number", formatting.number)
register.filter("person", formatting.person)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def in_minutes(duration, default=15):
    """A timedelta as whole minutes (rounded up); ``default`` when there is none."""
    if duration is None or duration == "":
        return int(default)
    return max(1, -(-int(duration.total_seconds()) // 60))


@register.filter
def isolate(text):
    """User text inside a sentence, in ``<bdi>``: a direction override typed into it cannot reorder the words around it."""
    return "" if text is None or text == "" else format_html("<bdi>{}</bdi>", text)
