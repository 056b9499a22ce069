"""``manage.py send_reminders``, for cron: one mail per person (``notices.reminder_letters``).  A mail that cannot be
sent is logged and the command fails after trying every other one, so cron reports it; names are printed cleaned
(``notices.one_line``), so a control character in a name never reaches the terminal."""

from django.core.management.base import BaseCommand, CommandError

from indicators import notices, todo
from indicators.selection import command_organisation, parse_year


class Command(BaseCommand):
    help = "Mail reminders: reporters with figures due within 14 days or overdue, reviewers with figures waiting."

    def add_arguments(self, parser):
        parser.add_argument("--year", help="Only this reporting year (default: every open year of the plans in force).")
        parser.add_argument("--organisation", help="Only the people of this organisation (its code); default: every organisation.")
        parser.add_argument("--dry-run", action="store_true", help="Print who would get a reminder; send nothing.")

    def handle(self, *args, year=None, dry_run=False, organisation=None, **options):
        try:
            chosen = command_organisation(organisation)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        organisation_id = chosen.pk if chosen is not None else None
        if year is not None:
            wanted = parse_year(year)
            in_force = todo.plans_in_force(deadlines=False, organisation_id=organisation_id)
            if wanted is None or not any(plan.contains_year(wanted) for plan in in_force):
                raise CommandError(f"“{year[:10]}” is not a year of a plan in force.")
            year = wanted
        letters = notices.reminder_letters(year=year, organisation_id=organisation_id)
        if dry_run:
            for letter in letters:
                username = notices.one_line(letter.user.get_username())
                address = letter.address or "(no e-mail address)"
                self.stdout.write(f"would send to {username} <{address}>: {notices.one_line(letter.subject)}")
                if options["verbosity"] > 1:
                    self.stdout.write(notices.lines(letter.body))
            self.stdout.write(f"Dry run: {len(letters)} reminder(s), none sent.")
            return
        delivery = notices.deliver(letters)
        self.stdout.write(f"Sent {len(delivery.sent)} reminder(s).")
        if delivery.without_address:
            self.stdout.write("No e-mail address, not sent: " + ", ".join(delivery.without_address))
        if delivery.failed:
            raise CommandError("Could not send to: " + ", ".join(delivery.failed) + " (see the log).")
