"""``python manage.py export_brief --year 2024 --output 督查通报_2024年.docx [--plan CODE] [--final]``: the brief
as a leader downloads it; ``--final``: the final assessment of a plan whose last year is over."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from indicators.brief import BriefRefused, SupervisionBrief
from indicators.selection import command_organisation, command_plan


class Command(BaseCommand):
    help = "Write the supervision brief (督查通报) of a plan as of a year, or its final assessment, to a .docx file."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="As-of year, e.g. 2024 (with --final: the plan's last year).")
        parser.add_argument("--output", required=True, help="Where to write the .docx file.")
        parser.add_argument("--organisation", help="The code of the plan's organisation (needed when several have plans).")
        parser.add_argument("--plan", help="The plan's document number (e.g. 柳高新〔2022〕2号); default: the plan in force (else closed) covering the year.")
        parser.add_argument("--final", action="store_true", help="The final assessment (终期评估) of a plan whose last year is over.")

    def handle(self, *args, year, output, plan=None, final=False, organisation=None, **options):
        try:
            chosen = command_plan(plan, year, command_organisation(organisation))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        try:
            with translation.override("en"):  # the command's messages; the document is Chinese whatever the language
                brief = SupervisionBrief(chosen, year, final=final)
        except BriefRefused as exc:
            raise CommandError(str(exc)) from None
        data = brief.save(path)
        what = "final assessment" if final else f"as of {year}"
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(data) // 1024} KB, {len(brief.rows)} indicators, {chosen.code} {what})."))
