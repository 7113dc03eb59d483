"""Writes for API credentials: make (the secret is returned once) and revoke."""

import ipaddress

from django.db import transaction
from django.utils import timezone

from api.models import DomeinApiSleutel, IdpGeheimLezing, PersoonlijkToken
from api.tokens import DOMAIN_KEY_KIND, PERSONAL_TOKEN_KIND, new_secret
from beheer.audit.models import AuditEvent
from beheer.audit.services import record
from beheer.errors import ServiceError
from domeinen.models import Domein


def _clean_name(naam: str) -> str:
    naam = (naam or "").strip()
    if not naam:
        raise ServiceError("Geef een omschrijving op.", code="name_required")
    if len(naam) > 100:
        raise ServiceError("De omschrijving is te lang (hoogstens 100 tekens).", code="invalid")
    return naam


@transaction.atomic
def create_domain_key(*, domein_id: int, naam: str, by) -> tuple[DomeinApiSleutel, str]:
    """Support makes a key for a domain's authorization server. Returns (key, secret)."""
    if not (by.is_authenticated and by.is_support):
        raise ServiceError("Alleen support kan API-sleutels maken.", code="not_support")
    naam = _clean_name(naam)
    try:
        domein = Domein.objects.get(pk=domein_id)
    except Domein.DoesNotExist as exc:
        raise ServiceError("Kies een bestaand domein.", code="domain_not_found") from exc
    token, prefix, digest = new_secret(DOMAIN_KEY_KIND)
    key = DomeinApiSleutel.objects.create(
        domein=domein, naam=naam, prefix=prefix, sleutel_hash=digest, aangemaakt_door=by
    )
    record(
        event=AuditEvent.SLEUTEL_AANGEMAAKT,
        obj=key,
        by=by,
        domein=domein,
        changes={"naam": [None, naam], "prefix": [None, prefix]},
    )
    return key, token


@transaction.atomic
def revoke_domain_key(*, key_id: int, by) -> DomeinApiSleutel:
    if not (by.is_authenticated and by.is_support):
        raise ServiceError("Alleen support kan API-sleutels intrekken.", code="not_support")
    try:
        key = DomeinApiSleutel.objects.select_for_update().get(pk=key_id)
    except DomeinApiSleutel.DoesNotExist as exc:
        raise ServiceError("Deze API-sleutel bestaat niet.", code="not_found") from exc
    if key.ingetrokken_op is None:
        key.ingetrokken_op = timezone.now()
        key.save(update_fields=["ingetrokken_op"])
        record(
            event=AuditEvent.SLEUTEL_INGETROKKEN,
            obj=key,
            by=by,
            domein=key.domein_id,
            changes={"ingetrokken_op": [None, key.ingetrokken_op]},
        )
    return key


@transaction.atomic
def create_personal_token(
    *, gebruiker, naam: str, by, verloopt_op=None
) -> tuple[PersoonlijkToken, str]:
    """A user makes a token for themselves, or support makes one for a user."""
    if not by.is_authenticated or (by.pk != gebruiker.pk and not by.is_support):
        raise ServiceError(
            "U kunt alleen voor uzelf een persoonlijk token maken.", code="not_allowed"
        )
    if not gebruiker.is_active:
        raise ServiceError("Dit account is niet actief.", code="invalid")
    naam = _clean_name(naam)
    if verloopt_op is not None and verloopt_op <= timezone.now():
        raise ServiceError("De vervaldatum moet in de toekomst liggen.", code="invalid")
    token, prefix, digest = new_secret(PERSONAL_TOKEN_KIND)
    row = PersoonlijkToken.objects.create(
        gebruiker=gebruiker,
        naam=naam,
        prefix=prefix,
        sleutel_hash=digest,
        verloopt_op=verloopt_op,
        aangemaakt_door=by,
    )
    record(
        event=AuditEvent.TOKEN_AANGEMAAKT,
        obj=row,
        by=by,
        changes={
            "gebruiker": [None, gebruiker.get_username()],
            "naam": [None, naam],
            "prefix": [None, prefix],
            "verloopt_op": [None, verloopt_op],
        },
    )
    return row, token


@transaction.atomic
def revoke_personal_token(*, token_id: int, by) -> PersoonlijkToken:
    try:
        row = PersoonlijkToken.objects.select_for_update().get(pk=token_id)
    except PersoonlijkToken.DoesNotExist as exc:
        raise ServiceError("Dit token bestaat niet.", code="not_found") from exc
    if row.gebruiker_id != by.pk and not by.is_support:
        raise ServiceError("Dit token bestaat niet.", code="not_found")
    if row.ingetrokken_op is None:
        row.ingetrokken_op = timezone.now()
        row.save(update_fields=["ingetrokken_op"])
        record(
            event=AuditEvent.TOKEN_INGETROKKEN,
            obj=row,
            by=by,
            changes={"ingetrokken_op": [None, row.ingetrokken_op]},
        )
    return row


@transaction.atomic
def set_idp_secret_scope(*, key_id: int, allowed: bool, by) -> DomeinApiSleutel:
    """Support grants (or takes back) a domain key's scope to read the IdPs' client secrets."""
    if not (by.is_authenticated and by.is_support):
        raise ServiceError(
            "Alleen support kan deze toestemming geven of intrekken.", code="not_support"
        )
    key = DomeinApiSleutel.objects.select_for_update().get(pk=key_id)
    if allowed and key.is_revoked:
        raise ServiceError("Deze API-sleutel is ingetrokken.", code="transition_not_allowed")
    key.mag_idp_geheimen_lezen = allowed
    key.save(update_fields=["mag_idp_geheimen_lezen"])
    return key


def record_idp_secret_read(*, key: DomeinApiSleutel, ip_adres, logische_ids) -> IdpGeheimLezing:
    """Every read of the IdP secrets leaves a row: which key, when, from where, which IdPs."""
    try:
        ip_adres = str(ipaddress.ip_address(ip_adres)) if ip_adres else None
    except ValueError:
        ip_adres = None
    return IdpGeheimLezing.objects.create(
        sleutel=key,
        domein_id=key.domein_id,
        ip_adres=ip_adres,
        logische_ids=list(logische_ids),
    )
