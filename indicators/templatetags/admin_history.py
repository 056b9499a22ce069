"""Cells of the admin's history pages, written as the rest of the site writes values."""

from django import template

from indicators.admin.base import CHANGE_REASONS, field_of, readable

register = template.Library()


@register.filter
def history_value(record, name):
    """A history column's cell: a field's value made readable, or what the admin's method set on the record."""
    field = field_of(record.instance_type, name)
    value = getattr(record, name, None)
    if field is None:
        return "—" if value in (None, "") else value
    return readable(field, value)


@register.filter
def change_reason(record):
    reason = record.history_change_reason or ""
    return CHANGE_REASONS.get(reason, reason) or "—"
