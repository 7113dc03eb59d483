"""`manage.py generate_portal_key PATH`: a new RSA key pair for the portal's client assertions.

Writes the private key (PEM, PKCS#8) to PATH with permissions 0600, refusing to overwrite an
existing file unless --force. Prints only the kid and what to configure; the private key is
never printed or logged.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beheer.fhir.keys import _load_pem, generate_private_key_pem, public_jwk


class Command(BaseCommand):
    help = "Maakt een nieuw sleutelpaar voor het portaal (RS512) en schrijft de privésleutel weg."

    def add_arguments(self, parser):
        parser.add_argument("path", help="bestand voor de privésleutel (PEM), wordt 0600")
        parser.add_argument(
            "--force", action="store_true", help="een bestaand bestand overschrijven"
        )

    def handle(self, *args, path, force, **options):
        target = Path(path)
        if target.exists() and not force:
            raise CommandError(f"{target} bestaat al; gebruik --force om te vervangen.")
        target.parent.mkdir(parents=True, exist_ok=True)
        pem = generate_private_key_pem()
        tmp = target.with_name(target.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, pem)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        kid = public_jwk(_load_pem(pem))["kid"]
        self.stdout.write(self.style.SUCCESS(f"Privésleutel geschreven naar {target} (0600)."))
        self.stdout.write(f"kid: {kid}")
        self.stdout.write(
            f"Zet KT_PORTAL_PRIVATE_KEY_FILE={target.resolve()} in de omgeving van het portaal; "
            "de publieke sleutel staat daarna op /.well-known/jwks.json."
        )
