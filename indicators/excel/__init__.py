"""Excel in and out: the assessment workbook, the department's template and its import.

Public API::

    AssessmentWorkbook(plan, year, viewer=None)   # .get_filename(), .render() -> bytes, .response()
    ImportTemplate(plan, year, department)        # the template a department fills in
    import_actuals(user, plan, year, data)        # -> ImportResult; raises ImportFailed, saves nothing then
    check_xlsx(data, max_rows=n), check_size(n)   # raise UnsafeFile before openpyxl opens anything
"""

from indicators.excel.base import BaseExporter, content_disposition
from indicators.excel.importer import ImportFailed, ImportResult, import_actuals
from indicators.excel.template import ImportTemplate
from indicators.excel.workbook import AssessmentWorkbook
from indicators.excel.safety import UnsafeFile, check_size, check_xlsx

__all__ = [
    "AssessmentWorkbook",
    "BaseExporter",
    "ImportFailed",
    "ImportResult",
    "ImportTemplate",
    "UnsafeFile",
    "check_size",
    "check_xlsx",
    "content_disposition",
    "import_actuals",
]
