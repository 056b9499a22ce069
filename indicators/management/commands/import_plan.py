"""``python manage.py import_plan 量化指标.xlsx --code … --title … --issuer … --issue-date … --first-year … --last-year …``.

A new plan, being set up, from its table (``export_plan``'s file or one typed by hand); every row is checked
first and nothing is saved on any problem.  A department the table names that does not exist needs
``--map-department 名称=code`` (an existing one) or ``--create-department 名称=code``; ``--dry-run`` saves nothing.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators.excel import ImportFailed, UnsafeFile, check_size
from indicators.permissions import MANAGE, can
from indicators.excel.plan_import import PlanDetails, import_plan, prepare_import
from indicators.excel.plan_table import read_plan_table
from indicators.models import User
from indicators.plans import PlanError
from indicators.selection import command_organisation

INFERRED = {"unit": "no unit printed", "measure": "what is entered inferred (a % makes a rate, else a count this year)",
            "basis": "compared each year (inferred)", "direction": "higher is better (inferred)"}


def name_code(text: str) -> tuple[str, str]:
    name, sep, code = text.rpartition("=")
    if not sep or not name.strip() or not code.strip():
        raise CommandError(f"Give a department as 名称=code, not {text!r}.")
    return name.strip(), code.strip()


class Command(BaseCommand):
    help = "Create a new plan (being set up) from its table of indicators in an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx file: exported by export_plan, or the table typed by hand.")
        parser.add_argument("--code", required=True, help="The new plan's document number.")
        parser.add_argument("--title", required=True)
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--issue-date", required=True, type=date.fromisoformat, help="YYYY-MM-DD.")
        parser.add_argument("--first-year", type=int, required=True)
        parser.add_argument("--last-year", type=int, required=True)
        parser.add_argument("--map-department", action="append", default=[], metavar="名称=CODE",
                            help="Take the existing department CODE for a name the table prints (repeatable).")
        parser.add_argument("--create-department", action="append", default=[], metavar="名称=CODE",
                            help="Create a department the table names with the code CODE (repeatable).")
        parser.add_argument("--organisation", help="The code of the organisation the plan belongs to (default: the administrator's).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; save nothing.")
        parser.add_argument("--user", default=None, help="The administrator recorded in the history (default: the first superuser).")

    def handle(self, *args, file, code, title, issuer, issue_date, first_year, last_year, map_department, create_department,
               dry_run=False, user=None, organisation=None, **options):
        administrator = User.objects.filter(username=user).first() if user else User.objects.filter(is_superuser=True, is_active=True).first()
        if administrator is None or not can(administrator, MANAGE):
            raise CommandError("Name an administrator with --user (the import is recorded in the history under their name).")
        try:
            owner = command_organisation(organisation) or administrator.organisation
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if owner is None:
            raise CommandError("Name the plan's organisation with --organisation CODE.")
        if not can(administrator, MANAGE, owner):
            raise CommandError(f"{administrator.username} does not administer {owner.code}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        try:
            check_size(path.stat().st_size)
            table = read_plan_table(path.read_bytes())
        except UnsafeFile as exc:
            raise CommandError(exc.message) from None
        except ImportFailed as exc:
            raise CommandError("\n".join(exc.messages)) from None
        details = PlanDetails(code, title, issuer, issue_date, first_year, last_year, owner.pk)
        mapped = dict(name_code(item) for item in map_department)
        created = dict(name_code(item) for item in create_department)
        prepared = prepare_import(table, details, mapped=mapped, created=created)
        for warning in prepared.warnings:
            self.stderr.write(f"Warning: {warning}")
        try:
            with transaction.atomic():
                plan = import_plan(administrator, table, details, mapped=mapped, created=created)
                if dry_run:
                    transaction.set_rollback(True)
        except PlanError as exc:
            raise CommandError("Nothing was saved:\n" + "\n".join(exc.messages)) from None
        for row in table.rows:
            if row.inferred:
                notes = "; ".join(INFERRED[item] for item in row.inferred)
                self.stdout.write(f"row {row.row} {row.name}: {notes}")
        verb = "Would create" if dry_run else "Created"
        tasks = len({row.task_number for row in table.rows})
        new = ", ".join(f"{d.name} ({d.code})" for d in prepared.new_departments)
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {plan.code} ({plan.first_year}–{plan.last_year}, being set up) with {len(table.rows)} indicators in "
            f"{tasks} tasks and {len(table.footnotes)} footnotes" + (f"; new departments: {new}" if new else "") + "."
            + (" Dry run: nothing was saved." if dry_run else " Check it in the admin, then put it in force.")
        ))
