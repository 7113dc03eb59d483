"""`manage.py demo`: a realistic, idempotent demo environment, built through the services.

Run it as often as you like: users, domains and applications are matched by name, and a
scenario for an (application, domain) pair is played only when that pair has no request yet.

Requests are filed through the same service as every other entry, and their keys are checked
by the real checker on a JWK Set the demo holds (a fresh RSA 2048 public key per application),
instead of fetching it, so the open requests are "in orde". With KT_DEMO_JWKS_DIR and
KT_DEMO_JWKS_BASE set (`make run` does: it serves that folder on loopback) each application's
JWK Set is also written to that folder and its requests point there, so "Sleutels opnieuw
controleren" on the review page fetches it for real and stays "in orde". Without them the URIs
are placeholders (.invalid) and a re-check reports the unknown host, as it should.

Separation of duties shows too: sam is domeinbeheerder of ggz-west and applicatiebeheerder of
EPD Horizon, and the open request of EPD Horizon in ggz-west is one he may not decide.

The logins are printed last, in a box, after every mail the demo sent; `--logins` prints only
the box (make run prints it again once the server is up).
"""

import base64
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applicaties.models import Applicatie, Soort
from beheer.accounts.models import SUPPORT_GROUP, default_validity_end
from beheer.env import env_bool
from connectieaanvragen.change_services import accept_change, file_change
from connectieaanvragen.jwks import check_document_at
from connectieaanvragen.models import Connectieaanvraag
from connectieaanvragen.services import (
    accept_request,
    file_request,
    refuse_request,
    withdraw_request,
)
from domeinen.models import Domein, InstantieStatus
from domeinen.services import change_instance_status

DEMO_PASSWORD_DEFAULT = "Koppeltaal-demo-2026"

USERS = [
    # username, full name, role description, staff/support
    ("support", "Sanne Support", "support (Django-admin)", True),
    ("dora", "Dora de Vries", "domeinbeheerder van ggz-noord en ggz-zuid", False),
    ("daan", "Daan Dijkstra", "domeinbeheerder van ggz-oost", False),
    ("anna", "Anna Bakker", "applicatiebeheerder van Zorgportaal Plus en Stemmingsdagboek", False),
    ("bram", "Bram Jansen", "applicatiebeheerder van ROM Meetpunt en Patiëntportaal Thuis", False),
    (
        "sam",
        "Sam El Amrani",
        "domeinbeheerder van ggz-west én applicatiebeheerder van EPD Horizon",
        False,
    ),
]

DOMAINS = [
    # naam, zorgaanbieder, omschrijving, beheerders
    ("ggz-noord", "GGZ Noord", "Specialistische GGZ in Groningen en Drenthe.", ["dora"]),
    ("ggz-zuid", "GGZ Zuid", "Basis- en specialistische GGZ in Limburg.", ["dora"]),
    ("ggz-oost", "GGZ Oost", "Jeugd-GGZ in Twente.", ["daan"]),
    ("ggz-west", "Stichting GGZ West", "Verslavingszorg in Zuid-Holland.", ["sam"]),
]

APPLICATIONS = [
    # naam, leverancier, soort, beheerders
    ("Zorgportaal Plus", "Voorbeeld Software B.V.", Soort.BEHANDELPORTAAL, ["anna"]),
    ("Stemmingsdagboek", "Voorbeeld Software B.V.", Soort.EHEALTH_MODULE, ["anna"]),
    ("ROM Meetpunt", "Meetwerk B.V.", Soort.ROM, ["bram"]),
    ("Patiëntportaal Thuis", "Meetwerk B.V.", Soort.PATIENTPORTAAL, ["bram"]),
    ("EPD Horizon", "Horizon Zorg-IT", Soort.EPD, ["sam"]),
]

# Each scenario: (application, domain, filer, steps). Steps are played in order.
SCENARIOS = [
    (
        "Zorgportaal Plus",
        "ggz-noord",
        "anna",
        [("accept", "dora"), ("change", "anna", "Nieuwe sleutelserver per 1 januari.")],
    ),
    (
        "Stemmingsdagboek",
        "ggz-noord",
        "anna",
        [("accept", "dora"), ("status", "dora", "in_onderhoud", "Sleutelwissel gepland.")],
    ),
    (
        "ROM Meetpunt",
        "ggz-noord",
        "bram",
        [
            ("accept", "dora"),
            ("status", "dora", "in_onderhoud", "Storing bij de leverancier."),
            ("status", "dora", "afgesloten", "Contract met de leverancier beëindigd."),
            ("file", "bram", "Nieuw contract afgesloten; graag opnieuw koppelen."),
        ],
    ),
    (
        "EPD Horizon",
        "ggz-zuid",
        "sam",
        [
            ("accept", "dora"),
            ("status", "dora", "in_onderhoud", "Upgrade naar nieuwe EPD-versie."),
            ("status", "dora", "actief", "Upgrade afgerond en getest."),
            ("change", "sam", "Extra redirect URI voor de nieuwe app."),
            ("accept_change", "dora"),
        ],
    ),
    (
        "Patiëntportaal Thuis",
        "ggz-oost",
        "bram",
        [("withdraw", "bram", "Verkeerde JWKS URI opgegeven.")],
    ),
    (
        "Patiëntportaal Thuis",
        "ggz-zuid",
        "bram",
        [("refuse", "dora", "De verwerkersovereenkomst is nog niet getekend.")],
    ),
    ("EPD Horizon", "ggz-noord", "sam", [("refuse", "dora", "GGZ Noord gebruikt een ander EPD.")]),
    ("Stemmingsdagboek", "ggz-oost", "anna", []),
    ("Zorgportaal Plus", "ggz-west", "anna", []),
    # sam files for his own application in his own domain: a fellow beheerder must decide.
    ("EPD Horizon", "ggz-west", "sam", []),
]


def _b64url(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _demo_key_set() -> dict:
    """A JWK Set with one real RSA public key (2048 bits), made for this run."""
    numbers = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    numbers = numbers.public_numbers()
    key = {
        "kty": "RSA",
        "kid": "demo-1",
        "use": "sig",
        "alg": "RS384",
        "n": _b64url(numbers.n),
        "e": _b64url(numbers.e),
    }
    return {"keys": [key]}


def _slug(name: str) -> str:
    return "".join(c for c in name.lower().replace(" ", "-") if c.isalnum() or c == "-")


class Command(BaseCommand):
    help = "Vult de database met een realistische demo (idempotent) en toont de logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins", action="store_true", help="Toon alleen de logins van de demo."
        )

    def handle(self, *args, **options):
        if settings.KT_OMGEVING == "prd2":
            raise CommandError("De demo mag niet op de productieomgeving (prd2) draaien.")
        password = os.environ.get("KT_DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)
        if options["logins"]:
            self._print_logins(password)
            return
        self.jwks_dir = os.environ.get("KT_DEMO_JWKS_DIR", "")
        self.jwks_base = os.environ.get("KT_DEMO_JWKS_BASE", "").rstrip("/")
        fhir_base = os.environ.get("KT_DEMO_FHIR_BASE", "http://127.0.0.1:8090").rstrip("/")
        with transaction.atomic():
            users = self._users(password)
            domains = self._domains(users, fhir_base)
            apps = self._applications(users)
        played = 0
        for app_name, domain_name, filer, steps in SCENARIOS:
            applicatie, domein = apps[app_name], domains[domain_name]
            if Connectieaanvraag.objects.filter(applicatie=applicatie, domein=domein).exists():
                continue
            self._play(applicatie, domein, users[filer], steps, users)
            played += 1
        self.stdout.write(self.style.SUCCESS(f"Demo klaar ({played} nieuwe scenario's)."))
        self._print_logins(password)

    def _print_logins(self, password):
        lines = [f"Logins (wachtwoord voor allemaal: {password}):", ""]
        lines += [f"  {u:<8} {name:<18} {role}" for u, name, role, _staff in USERS]
        lines.append("")
        if env_bool("KT_DEMO_FORCE_PASSWORD_CHANGE", True):
            lines.append("Bij de eerste aanmelding kiest elke demogebruiker een eigen wachtwoord.")
        lines += [
            "Support (en iedereen, zolang KT_2FA_REQUIRED aan staat) stelt na het wachtwoord",
            "tweestapsverificatie in: scan de QR-code op /account/tweestapsverificatie/ met",
            "een authenticator-app (of voer de getoonde sleutel in) en vul de code in.",
        ]
        width = max(len(line) for line in lines)
        self.stdout.write("╔" + "═" * (width + 2) + "╗")
        for line in lines:
            self.stdout.write(f"║ {line:<{width}} ║")
        self.stdout.write("╚" + "═" * (width + 2) + "╝")

    def _jwks_uri(self, applicatie) -> str:
        """The application's JWK Set on the local demo server, or a placeholder."""
        slug = _slug(applicatie.naam)
        if not (self.jwks_dir and self.jwks_base):
            return f"https://{slug}.demo.koppeltaal.invalid/.well-known/jwks.json"
        return f"{self.jwks_base}/{slug}/jwks.json"

    def _key_set(self, applicatie) -> dict:
        """The JWK Set the demo holds for `applicatie`: the one published on the local demo
        server (written on first use), or else one generated for this run."""
        if not (self.jwks_dir and self.jwks_base):
            if not hasattr(self, "_run_key_set"):
                self._run_key_set = _demo_key_set()
            return self._run_key_set
        path = Path(self.jwks_dir) / _slug(applicatie.naam) / "jwks.json"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(_demo_key_set(), indent=2))
        return json.loads(path.read_text())

    def _users(self, password):
        User = get_user_model()
        support_group = Group.objects.get(name=SUPPORT_GROUP)
        users = {}
        for username, full_name, _role, staff in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "email": f"{username}@demo.koppeltaal.invalid",
                    "is_staff": staff,
                },
            )
            if created:
                user.set_password(password)
                # The demo password is public: whoever logs in first must choose their own,
                # unless a local demo switches that off (make run: KT_DEMO_FORCE_PASSWORD_CHANGE=0).
                user.must_change_password = env_bool("KT_DEMO_FORCE_PASSWORD_CHANGE", True)
                user.save()
            if user.is_expired:
                # A demo database older than KT_ACCOUNT_VALIDITY_DAYS: the demo logins work.
                user.geldig_tot = default_validity_end()
                user.save(update_fields=["geldig_tot"])
            if staff:
                user.groups.add(support_group)
            users[username] = user
        return users

    def _domains(self, users, fhir_base):
        domains = {}
        for naam, zorgaanbieder, omschrijving, beheerders in DOMAINS:
            domein, _ = Domein.objects.get_or_create(
                naam=naam,
                defaults={
                    "zorgaanbieder": zorgaanbieder,
                    "omschrijving": omschrijving,
                    "fhir_base_url": f"{fhir_base}/api/v1/{naam}/fhir/r4/",
                    "token_endpoint": f"{fhir_base}/api/v1/{naam}/oauth2/token",
                    # The local FHIR servers of `make run` (beheer.fhir.devserver) need no auth.
                    "fhir_auth": "geen",
                    "contact_naam": f"Functioneel beheer {zorgaanbieder}",
                    "contact_email": f"beheer@{naam}.demo.koppeltaal.invalid",
                    "contact_telefoon": "+31 20 123 4567",
                },
            )
            domein.beheerders.add(*(users[u] for u in beheerders))
            domains[naam] = domein
        return domains

    def _applications(self, users):
        apps = {}
        for naam, leverancier, soort, beheerders in APPLICATIONS:
            applicatie, _ = Applicatie.objects.get_or_create(
                naam=naam,
                defaults={
                    "leverancier": leverancier,
                    "soort": soort,
                    "omschrijving": f"{Soort(soort).label} van {leverancier}.",
                    "contact_naam": f"Support {leverancier}",
                    "contact_email": f"support@{_slug(leverancier)}.demo.koppeltaal.invalid",
                    "contact_telefoon": "+31 30 765 4321",
                },
            )
            applicatie.beheerders.add(*(users[u] for u in beheerders))
            apps[naam] = applicatie
        return apps

    def _file(self, applicatie, domein, by, remarks=""):
        key_set = self._key_set(applicatie)
        return file_request(
            check_keys=lambda uri: check_document_at(uri, key_set),
            applicatie_id=applicatie.pk,
            domein_id=domein.pk,
            jwks_uri=self._jwks_uri(applicatie),
            redirect_uris=[f"https://{_slug(applicatie.naam)}.demo.koppeltaal.invalid/launch"],
            toelichting=remarks or f"Graag {applicatie} koppelen aan {domein}.",
            by=by,
        )

    @transaction.atomic
    def _play(self, applicatie, domein, filer, steps, users):
        aanvraag = self._file(applicatie, domein, filer)
        instance = None
        for step in steps:
            kind = step[0]
            if kind == "accept":
                instance = accept_request(request_id=aanvraag.pk, by=users[step[1]]).instantie
            elif kind == "refuse":
                refuse_request(request_id=aanvraag.pk, reason=step[2], by=users[step[1]])
            elif kind == "status":
                change_instance_status(
                    instance_id=instance.pk,
                    new_status=InstantieStatus(step[2]),
                    reason=step[3],
                    by=users[step[1]],
                )
            elif kind == "withdraw":
                withdraw_request(request_id=aanvraag.pk, by=users[step[1]], reason=step[2])
            elif kind == "change":
                # The demo's URIs do not resolve: the key set it holds is checked instead.
                slug = _slug(applicatie.naam)
                key_set = self._key_set(applicatie)
                verzoek = file_change(
                    check_keys=lambda uri, key_set=key_set: check_document_at(uri, key_set),
                    instance_id=instance.pk,
                    by=users[step[1]],
                    jwks_uri=f"https://keys.{slug}.demo.koppeltaal.invalid/jwks.json",
                    redirect_uris=[
                        *instance.redirect_uris,
                        f"https://app.{slug}.demo.koppeltaal.invalid/launch",
                    ],
                    toelichting=step[2],
                )
            elif kind == "accept_change":
                accept_change(change_id=verzoek.pk, by=users[step[1]])
            elif kind == "file":
                aanvraag = self._file(applicatie, domein, users[step[1]], step[2])
