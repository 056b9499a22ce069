"""``python manage.py rollover_plan --from CODE --code NEW --title T --first-year 2026 --last-year 2030``: the next
plan, being set up, from the old one (``indicators.plans.rollover``)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from indicators import plans
from indicators.models import User
from indicators.permissions import MANAGE, can
from indicators.selection import command_organisation, plan_by_code


class Command(BaseCommand):
    help = "Roll a plan over into the next one (a plan being set up, indicators copied, baselines carried over)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="The old plan's document number.")
        parser.add_argument("--code", required=True, help="The new plan's document number.")
        parser.add_argument("--title", required=True)
        parser.add_argument("--first-year", type=int, required=True)
        parser.add_argument("--last-year", type=int, required=True)
        parser.add_argument("--issuer", help="Default: the old plan's issuer.")
        parser.add_argument("--issue-date", type=date.fromisoformat, help="YYYY-MM-DD; default: today.")
        parser.add_argument("--organisation", help="The code of the old plan's organisation (needed when several have plans).")
        parser.add_argument("--user", default=None, help="The administrator recorded in the history (default: the first superuser).")

    def handle(self, *args, source, code, title, first_year, last_year, issuer=None, issue_date=None, user=None, organisation=None,
               **options):
        try:
            old = plan_by_code(source, command_organisation(organisation))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        administrator = User.objects.filter(username=user).first() if user else User.objects.filter(is_superuser=True, is_active=True).first()
        if administrator is None or not can(administrator, MANAGE):
            raise CommandError("Name an administrator with --user (the roll-over is recorded in the history under their name).")
        try:
            new = plans.rollover(administrator, old, code=code, title=title, first_year=first_year, last_year=last_year,
                                 issuer=issuer, issue_date=issue_date)
        except plans.PlanError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        unreported = new.indicators.filter(baseline_unreported=True).count()
        self.stdout.write(self.style.SUCCESS(
            f"Created {new.code} ({new.first_year}–{new.last_year}, being set up) with {new.indicators.count()} indicators "
            f"from {old.code}; {unreported} baseline(s) had no approved figure and are marked unreported. "
            "Set the targets in the admin, then put the plan in force."
        ))
