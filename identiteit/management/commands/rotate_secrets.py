"""Re-encrypt every stored IdP client secret under the first key of KT_SECRETS_KEY.

Key rotation: put the new key first in KT_SECRETS_KEY (keep the old one after it), run this
command, then remove the old key. All or nothing: if any secret cannot be read with the
configured keys, nothing is changed and the command says which IdP it is.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from beheer import secrets
from identiteit.models import IdentityProvider


class Command(BaseCommand):
    help = "Versleutel alle client secrets van identity providers opnieuw met de eerste sleutel."

    def handle(self, *args, **options):
        problem = secrets.key_problem()
        if problem:
            raise CommandError(problem)
        done = 0
        with transaction.atomic():
            rows = IdentityProvider.objects.select_for_update().exclude(
                client_secret_versleuteld=""
            )
            for idp in rows.select_related("domein"):
                try:
                    token = secrets.reencrypt(idp.client_secret_versleuteld)
                except secrets.SecretsKeyError as exc:
                    raise CommandError(
                        f"{idp.domein.naam}/{idp.logische_id}: {exc.message} Er is niets gewijzigd."
                    ) from exc
                IdentityProvider.objects.filter(pk=idp.pk).update(client_secret_versleuteld=token)
                done += 1
        self.stdout.write(f"{done} geheim(en) opnieuw versleuteld met de eerste sleutel.")
