"""``python manage.py export_target_proposals 柳高新〔2026〕1号 --output 目标测算表.xlsx``: a plan's 目标测算表."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.excel.target_proposals import TargetProposalsWorkbook
from indicators.models import Plan


class Command(BaseCommand):
    help = "Write the 目标测算表 (the proposals for a plan's targets from its predecessor's figures) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The plan's document number, e.g. 柳高新〔2026〕1号.")
        parser.add_argument("--output", required=True, help="Where to write the .xlsx file.")

    def handle(self, *args, code, output, **options):
        plan = Plan.objects.filter(code=code.strip()).first()
        if plan is None:
            raise CommandError(f"No plan has the number {code}.")
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        workbook = TargetProposalsWorkbook(plan)
        workbook.save(path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(workbook.rows)} indicators of {plan.code})."))
