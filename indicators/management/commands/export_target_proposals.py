"""``python manage.py export_target_proposals 柳高新〔2026〕1号 --output 目标测算表.xlsx``: a plan's 目标测算表."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.excel.target_proposals import TargetProposalsWorkbook
from indicators.selection import command_organisation, plan_by_code


class Command(BaseCommand):
    help = "Write the 目标测算表 (the proposals for a plan's targets from its predecessor's figures) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The plan's document number, e.g. 柳高新〔2026〕1号.")
        parser.add_argument("--output", required=True, help="Where to write the .xlsx file.")
        parser.add_argument("--organisation", help="The code of the plan's organisation (needed when several have the number).")

    def handle(self, *args, code, output, organisation=None, **options):
        try:
            plan = plan_by_code(code.strip(), command_organisation(organisation))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        workbook = TargetProposalsWorkbook(plan)
        workbook.save(path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(workbook.rows)} indicators of {plan.code})."))
