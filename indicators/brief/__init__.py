"""The supervision brief (督查通报): a Word draft of the office's report on the plan.

Public API::

    SupervisionBrief(plan, year, viewer=None, *, final=False)   # .get_filename(), .render() -> bytes, .response()
    BriefRefused        # raised with a message when a brief cannot be written (a final assessment before its time)
    final_refusal(plan, year, today) -> str | None

Layout (GB/T 9704): ``gongwen``; the texts: ``annual`` and ``final_review``; the table: ``appendix``.
"""

from indicators.brief.exporter import BriefRefused, SupervisionBrief, final_refusal

__all__ = ["BriefRefused", "SupervisionBrief", "final_refusal"]
