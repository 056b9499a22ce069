"""``python manage.py export_plan CODE --output 量化指标.xlsx``: a plan's table as printed, to edit or import again.

The same file as the download on the plan's admin page (``indicators.excel.plan_table``):
the printed columns, the footnotes under the table, and hidden columns with what the
printed table does not carry, so ``import_plan`` reproduces the plan from it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.excel.plan_table import PlanTableExport
from indicators.models import Plan


class Command(BaseCommand):
    help = "Write a plan's table of indicators (as printed, with hidden columns for a round trip) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The plan's document number, e.g. 柳高新〔2022〕2号.")
        parser.add_argument("--output", required=True, help="Where to write the .xlsx file.")

    def handle(self, *args, code, output, **options):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(f"No plan {code!r}. Known plans: {', '.join(Plan.objects.values_list('code', flat=True)) or 'none'}.")
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        export = PlanTableExport(plan)
        data = export.render()
        # Written next to the target first, then moved: a reader never sees half a file.
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {path} ({len(data) // 1024} KB, {len(export.indicators)} indicators, {len(plan.footnotes)} footnotes of {plan.code})."
        ))
