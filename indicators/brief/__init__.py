"""The supervision brief (督查通报): a Word draft of the office's report on the plan.

The 公文 layout: ``gongwen``; what it says: ``sentences``; the table: ``appendix``; the Word XML python-docx
has no API for: ``wordxml``.
"""

from indicators.brief.exporter import BriefRefused, SupervisionBrief, final_refusal

__all__ = ["BriefRefused", "SupervisionBrief", "final_refusal"]
