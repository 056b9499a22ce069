"""Excel in and out: the assessment workbook, the department's template and its import, the plan's table."""

from indicators.excel.assessment import AssessmentWorkbook
from indicators.excel.importer import ImportFailed, ImportResult, import_actuals
from indicators.excel.template import ImportTemplate
from indicators.excel.upload import UnsafeFile, check_size, check_xlsx

__all__ = ["AssessmentWorkbook", "ImportFailed", "ImportResult", "ImportTemplate", "UnsafeFile", "check_size", "check_xlsx", "import_actuals"]
