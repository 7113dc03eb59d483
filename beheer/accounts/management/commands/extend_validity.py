"""The server operator extends an account (e.g. the last support account, expired).

    python manage.py extend_validity <username>

Everyone else uses "Verlengen" in the portal or the admin.
"""

from django.core.management.base import BaseCommand, CommandError

from beheer.accounts.models import User
from beheer.accounts.services import extend_validity
from beheer.errors import ServiceError


class Command(BaseCommand):
    help = "Extend an account's validity by KT_ACCOUNT_VALIDITY_DAYS from today."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            raise CommandError(f"Onbekende gebruiker: {username}")
        try:
            user = extend_validity(user_id=user.pk, by=None)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{user.username} is geldig tot en met {user.geldig_tot:%Y-%m-%d}.")
