"""``python manage.py export_xlsx --year 2024 --output 量化指标完成情况_2024年.xlsx [--plan CODE]``: the whole
assessment workbook, as a leader downloads it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.excel import AssessmentWorkbook
from indicators.selection import command_organisation, command_plan


class Command(BaseCommand):
    help = "Write the assessment workbook (量化指标完成情况) of a plan as of a year to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="As-of year, e.g. 2024.")
        parser.add_argument("--output", required=True, help="Where to write the .xlsx file.")
        parser.add_argument("--organisation", help="The code of the plan's organisation (needed when several have plans).")
        parser.add_argument("--plan", help="The plan's document number (e.g. 柳高新〔2022〕2号); default: the plan in force (else closed) covering the year.")

    def handle(self, *args, year, output, plan=None, organisation=None, **options):
        try:
            chosen = command_plan(plan, year, command_organisation(organisation))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        workbook = AssessmentWorkbook(chosen, year)
        data = workbook.save(path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(data) // 1024} KB, {len(workbook.rows)} indicators, {chosen.code} as of {year})."))
