"""Excel in and out: the assessment workbook (DESIGN §6) and the import of a year's figures (§3).

Public API::

    AssessmentWorkbook(plan, year, viewer=None)   # .get_filename(), .render() -> bytes, .response()
    ImportTemplate(plan, year, department)        # the template a department fills in
    import_actuals(user, plan, year, data)        # -> ImportResult; raises ImportFailed, saves nothing then
    check_xlsx(data), check_size(n)               # raise UnsafeFile before openpyxl opens anything
    EXPORTERS                                     # identifier -> exporter class
"""

from indicators.exports.base import BaseExporter, content_disposition
from indicators.exports.importer import ImportFailed, ImportResult, import_actuals
from indicators.exports.template import ImportTemplate
from indicators.exports.workbook import AssessmentWorkbook
from indicators.exports.xlsx_safety import UnsafeFile, check_size, check_xlsx

EXPORTERS = {cls.identifier: cls for cls in (AssessmentWorkbook, ImportTemplate)}

__all__ = [
    "EXPORTERS",
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
