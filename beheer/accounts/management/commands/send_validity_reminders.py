"""Daily (cron or a systemd timer): remind accounts whose validity ends in 30 or 7 days.

Each account and its fellow beheerders get one mail per threshold and date; running the
command twice a day, or missing a day, sends nothing twice.
"""

from django.core.management.base import BaseCommand

from beheer.accounts.services import send_validity_reminders


class Command(BaseCommand):
    help = "Mail accounts whose validity ends in 30 or 7 days, and their fellow beheerders."

    def handle(self, *args, **options):
        count = send_validity_reminders()
        self.stdout.write(f"{count} account(s) herinnerd.")
