"""Excel in and out: the assessment workbook, the department's template and its import, the plan's table.

    AssessmentWorkbook(plan, year, viewer)      # assessment: .filename, .render() -> bytes, .response()
    ImportTemplate(plan, year, department)      # template: what a department fills in
    import_actuals(user, plan, year, data)      # importer: -> ImportResult; raises ImportFailed, nothing saved then
    check_size(n), check_xlsx(data, max_rows=n) # upload: raise UnsafeFile before openpyxl opens anything
"""

from indicators.excel.assessment import AssessmentWorkbook
from indicators.excel.importer import ImportFailed, ImportResult, import_actuals
from indicators.excel.template import ImportTemplate
from indicators.excel.upload import UnsafeFile, check_size, check_xlsx

__all__ = ["AssessmentWorkbook", "ImportFailed", "ImportResult", "ImportTemplate", "UnsafeFile", "check_size", "check_xlsx", "import_actuals"]
