"""``python manage.py export_plan CODE --output 量化指标.xlsx``: a plan's table as the admin's download writes it,
with the hidden columns that let ``import_plan`` reproduce the plan from it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.excel.plan_table import PlanTableExport
from indicators.selection import command_organisation, plan_by_code


class Command(BaseCommand):
    help = "Write a plan's table of indicators (as printed, with hidden columns for a round trip) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The plan's document number, e.g. 柳高新〔2022〕2号.")
        parser.add_argument("--output", required=True, help="Where to write the .xlsx file.")
        parser.add_argument("--organisation", help="The code of the plan's organisation (needed when several have the number).")

    def handle(self, *args, code, output, organisation=None, **options):
        try:
            plan = plan_by_code(code, command_organisation(organisation))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        export = PlanTableExport(plan)
        data = export.save(path)
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {path} ({len(data) // 1024} KB, {len(export.indicators)} indicators, {len(plan.footnotes)} footnotes of {plan.code})."
        ))
