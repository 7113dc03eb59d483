"""Writes for identity providers and the instances' IdP lists.

Each service checks that the user administers the domain (support: every domain), locks what
it changes and writes the audit record in the same transaction: `IdpWijziging` for the domain's
IdPs (the secret only as "gewijzigd"), the instance's history (`soort` = idp, with a readable
before and after) for its lists. The client secret is encrypted here (beheer.secrets) and its
plain text goes nowhere else.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from beheer import secrets
from beheer.audit.models import AuditEvent
from beheer.audit.services import record
from beheer.errors import ServiceError, clean_reason
from beheer.forms_util import validation_error_message
from domeinen.models import Applicatieinstantie, Domein, InstantieStatuswijziging, WijzigingSoort
from domeinen.selectors import user_administers_domain
from identiteit.discovery import check_discovery_url
from identiteit.models import Gebruikerstype, IdentityProvider, IdpActie, IdpWijziging, InstantieIdp

# Fields recorded before → after in IdpWijziging (the secret is recorded apart, without value).
AUDITED_FIELDS = (
    "naam",
    "logische_id",
    "discovery_url",
    "client_id",
    "gebruikersnaam_claim",
    "ingeschakeld",
)
SECRET_CHANGED = "gewijzigd"
RESERVED_IDS = {"nieuw"}  # a path of the portal (identity-providers/nieuw/)


def _require_domain_admin(*, user, domein_id: int) -> None:
    if not user_administers_domain(user=user, domein_id=domein_id):
        raise ServiceError("U bent geen beheerder van dit domein.", code="not_domain_admin")


def _lock_domain(domein_id: int) -> None:
    """Every write to a domain's IdPs or its instances' lists takes the domain's row lock first,
    so they run one after another (an IdP is not removed while it is being added to a list)."""
    Domein.objects.select_for_update().only("pk").get(pk=domein_id)


def _encrypt(secret: str) -> str:
    try:
        return secrets.encrypt(secret)
    except secrets.SecretsKeyError as exc:
        raise ServiceError(exc.message, code="secrets_key") from exc


def _apply_and_save(idp: IdentityProvider, *, created: bool) -> None:
    idp.naam = (idp.naam or "").strip()
    idp.logische_id = (idp.logische_id or "").strip()
    idp.client_id = (idp.client_id or "").strip()
    idp.gebruikersnaam_claim = (idp.gebruikersnaam_claim or "").strip()
    idp.discovery_url = check_discovery_url(idp.discovery_url)
    try:
        idp.full_clean(exclude=["domein"], validate_constraints=False)
    except ValidationError as exc:
        raise ServiceError(validation_error_message(exc), code="invalid") from exc
    if idp.logische_id in RESERVED_IDS:
        raise ServiceError(
            f"De logische id '{idp.logische_id}' is gereserveerd; kies een andere.",
            code="logische_id_reserved",
        )
    clash = IdentityProvider.objects.filter(domein_id=idp.domein_id, logische_id=idp.logische_id)
    if not created:
        clash = clash.exclude(pk=idp.pk)
    if clash.exists():
        raise ServiceError(
            f"De logische id '{idp.logische_id}' is in dit domein al in gebruik.",
            code="logische_id_taken",
        )
    try:
        with transaction.atomic():
            idp.save()
    except IntegrityError as exc:  # a concurrent insert of the same logical id
        raise ServiceError(
            f"De logische id '{idp.logische_id}' is in dit domein al in gebruik.",
            code="logische_id_taken",
        ) from exc


@transaction.atomic
def create_identity_provider(
    *,
    domein_id: int,
    by,
    naam: str,
    logische_id: str,
    discovery_url: str,
    client_id: str,
    client_secret: str = "",
    gebruikersnaam_claim: str = "sub",
    ingeschakeld: bool = True,
) -> IdentityProvider:
    _require_domain_admin(user=by, domein_id=domein_id)
    _lock_domain(domein_id)
    idp = IdentityProvider(
        domein_id=domein_id,
        naam=naam,
        logische_id=logische_id,
        discovery_url=discovery_url,
        client_id=client_id,
        gebruikersnaam_claim=gebruikersnaam_claim,
        ingeschakeld=ingeschakeld,
    )
    if client_secret:
        idp.client_secret_versleuteld = _encrypt(client_secret)
    _apply_and_save(idp, created=True)
    after = {f: getattr(idp, f) for f in AUDITED_FIELDS}
    if client_secret:
        after["client_secret"] = SECRET_CHANGED
    IdpWijziging.objects.create(
        domein_id=domein_id,
        identity_provider=idp,
        logische_id=idp.logische_id,
        actie=IdpActie.AANGEMAAKT,
        wijzigingen={f: [None, v] for f, v in after.items()},
        door=by,
    )
    record(
        event=AuditEvent.IDP_AANGEMAAKT,
        obj=idp,
        by=by,
        domein=domein_id,
        changes={f: [None, v] for f, v in after.items()},
    )
    return idp


def _locked_idp(idp_id: int) -> IdentityProvider:
    try:
        domein_id = IdentityProvider.objects.values_list("domein_id", flat=True).get(pk=idp_id)
        _lock_domain(domein_id)
        return IdentityProvider.objects.select_for_update().get(pk=idp_id)
    except (IdentityProvider.DoesNotExist, ValueError, TypeError) as exc:
        raise ServiceError("Deze identity provider bestaat niet.", code="not_found") from exc


@transaction.atomic
def update_identity_provider(
    *,
    idp_id: int,
    by,
    naam: str,
    logische_id: str,
    discovery_url: str,
    client_id: str,
    gebruikersnaam_claim: str,
    ingeschakeld: bool,
    client_secret: str = "",
    clear_secret: bool = False,
) -> IdentityProvider:
    """Change an IdP. An empty `client_secret` keeps the stored one; `clear_secret` removes it."""
    idp = _locked_idp(idp_id)
    _require_domain_admin(user=by, domein_id=idp.domein_id)
    before = {f: getattr(idp, f) for f in AUDITED_FIELDS}
    idp.naam = naam
    idp.logische_id = logische_id
    idp.discovery_url = discovery_url
    idp.client_id = client_id
    idp.gebruikersnaam_claim = gebruikersnaam_claim
    idp.ingeschakeld = ingeschakeld
    secret_changed = False
    if client_secret:
        idp.client_secret_versleuteld = _encrypt(client_secret)
        secret_changed = True
    elif clear_secret and idp.client_secret_versleuteld:
        idp.client_secret_versleuteld = ""
        secret_changed = True
    _apply_and_save(idp, created=False)
    changes = {
        f: [before[f], getattr(idp, f)] for f in AUDITED_FIELDS if before[f] != getattr(idp, f)
    }
    if secret_changed:
        changes["client_secret"] = [
            None,
            SECRET_CHANGED if idp.client_secret_versleuteld else "verwijderd",
        ]
    if changes:
        IdpWijziging.objects.create(
            domein_id=idp.domein_id,
            identity_provider=idp,
            logische_id=idp.logische_id,
            actie=IdpActie.GEWIJZIGD,
            wijzigingen=changes,
            door=by,
        )
        record(
            event=AuditEvent.IDP_GEWIJZIGD, obj=idp, by=by, domein=idp.domein_id, changes=changes
        )
    return idp


@transaction.atomic
def delete_identity_provider(*, idp_id: int, by, confirmed: bool = False) -> None:
    """Remove an IdP. In use by instances: only when `confirmed`, and then it leaves their lists
    too, each recorded in that instance's history."""
    idp = _locked_idp(idp_id)
    _require_domain_admin(user=by, domein_id=idp.domein_id)
    uses = list(
        InstantieIdp.objects.filter(identity_provider=idp)
        .select_related("instantie__applicatie")
        .order_by("instantie_id", "gebruikerstype")
    )
    if uses and not confirmed:
        raise ServiceError(
            "Deze identity provider wordt nog gebruikt door applicatieinstanties; "
            "bevestig het verwijderen.",
            code="idp_in_use",
        )
    reason = f"Identity provider '{idp.naam}' ({idp.logische_id}) is verwijderd uit het domein."
    for use in uses:
        _change_list(
            instance=use.instantie,
            gebruikerstype=use.gebruikerstype,
            by=by,
            reason=reason,
            edit=lambda ids, pk=idp.pk: [i for i in ids if i != pk],
        )
    IdpWijziging.objects.create(
        domein_id=idp.domein_id,
        identity_provider=None,
        logische_id=idp.logische_id,
        actie=IdpActie.VERWIJDERD,
        wijzigingen={f: [getattr(idp, f), None] for f in AUDITED_FIELDS},
        door=by,
    )
    record(
        event=AuditEvent.IDP_VERWIJDERD,
        obj=idp,
        by=by,
        domein=idp.domein_id,
        changes={f: [getattr(idp, f), None] for f in AUDITED_FIELDS},
    )
    idp.delete()


# --- the instances' lists --------------------------------------------------------------------


def describe_list(idps) -> str:
    """'1. DigiD (digid), 2. ...' or '(leeg)': how a list reads in the instance's history."""
    if not idps:
        return "(leeg)"
    return ", ".join(f"{n}. {idp.naam} ({idp.logische_id})" for n, idp in enumerate(idps, 1))


def _current_ids(instance, gebruikerstype) -> list[int]:
    return list(
        InstantieIdp.objects.filter(instantie=instance, gebruikerstype=gebruikerstype)
        .order_by("positie", "id")
        .values_list("identity_provider_id", flat=True)
    )


def _change_list(*, instance, gebruikerstype: str, by, reason: str, edit) -> list[int]:
    """Replace one list by `edit(current ids)` and record before → after in the history."""
    old_ids = _current_ids(instance, gebruikerstype)
    new_ids = edit(list(old_ids))
    if new_ids == old_ids:
        return old_ids
    names = IdentityProvider.objects.in_bulk(set(old_ids) | set(new_ids))
    InstantieIdp.objects.filter(instantie=instance, gebruikerstype=gebruikerstype).delete()
    InstantieIdp.objects.bulk_create(
        InstantieIdp(
            instantie=instance,
            gebruikerstype=gebruikerstype,
            identity_provider_id=pk,
            positie=n,
        )
        for n, pk in enumerate(new_ids)
    )
    label = Gebruikerstype(gebruikerstype).label
    InstantieStatuswijziging.objects.create(
        instantie=instance,
        door=by,
        op=timezone.now(),
        soort=WijzigingSoort.IDP,
        van_status=instance.status,
        naar_status=instance.status,
        van_waarde=f"{label}: {describe_list([names[i] for i in old_ids])}",
        naar_waarde=f"{label}: {describe_list([names[i] for i in new_ids])}",
        reden=reason,
    )
    record(
        event=AuditEvent.INSTANTIE_IDPS,
        obj=instance,
        by=by,
        domein=instance.domein_id,
        applicatie=instance.applicatie_id,
        changes={
            str(label): [
                describe_list([names[i] for i in old_ids]),
                describe_list([names[i] for i in new_ids]),
            ],
            "reden": [None, reason],
        },
    )
    return new_ids


def _locked_instance(instance_id: int, by) -> Applicatieinstantie:
    try:
        domein_id = Applicatieinstantie.objects.values_list("domein_id", flat=True).get(
            pk=instance_id
        )
        _lock_domain(domein_id)
        instance = Applicatieinstantie.objects.select_for_update().get(pk=instance_id)
    except (Applicatieinstantie.DoesNotExist, ValueError, TypeError) as exc:
        raise ServiceError("Deze applicatieinstantie bestaat niet.", code="not_found") from exc
    _require_domain_admin(user=by, domein_id=instance.domein_id)
    if instance.is_closed:
        raise ServiceError(
            "Deze applicatieinstantie is definitief afgesloten; de identity providers kunnen "
            "niet meer wijzigen.",
            code="transition_not_allowed",
        )
    return instance


def _check_type(gebruikerstype: str) -> str:
    if gebruikerstype not in Gebruikerstype.values:
        raise ServiceError("Onbekende soort gebruiker.", code="unknown_user_type")
    return gebruikerstype


@transaction.atomic
def add_instance_idp(
    *, instance_id: int, gebruikerstype: str, idp_id: int, reason: str, by
) -> list[int]:
    """Put one of the domain's IdPs at the end of the instance's list for a user type."""
    reason = clean_reason(reason)
    _check_type(gebruikerstype)
    instance = _locked_instance(instance_id, by)
    if not IdentityProvider.objects.filter(pk=idp_id, domein_id=instance.domein_id).exists():
        raise ServiceError(
            "Kies een identity provider van het domein van deze instantie.", code="idp_not_found"
        )
    if idp_id in _current_ids(instance, gebruikerstype):
        raise ServiceError(
            "Deze identity provider staat al in de lijst voor deze soort gebruiker.",
            code="idp_already_listed",
        )
    return _change_list(
        instance=instance,
        gebruikerstype=gebruikerstype,
        by=by,
        reason=reason,
        edit=lambda ids: [*ids, idp_id],
    )


@transaction.atomic
def remove_instance_idp(
    *, instance_id: int, gebruikerstype: str, idp_id: int, reason: str, by
) -> list[int]:
    reason = clean_reason(reason)
    _check_type(gebruikerstype)
    instance = _locked_instance(instance_id, by)
    if idp_id not in _current_ids(instance, gebruikerstype):
        raise ServiceError("Deze identity provider staat niet in de lijst.", code="idp_not_listed")
    return _change_list(
        instance=instance,
        gebruikerstype=gebruikerstype,
        by=by,
        reason=reason,
        edit=lambda ids: [i for i in ids if i != idp_id],
    )


@transaction.atomic
def move_instance_idp(
    *, instance_id: int, gebruikerstype: str, idp_id: int, direction: str, reason: str, by
) -> list[int]:
    """Move one IdP a place up (earlier) or down in the list."""
    reason = clean_reason(reason)
    _check_type(gebruikerstype)
    if direction not in ("omhoog", "omlaag"):
        raise ServiceError("Kies omhoog of omlaag.", code="invalid_direction")
    instance = _locked_instance(instance_id, by)
    ids = _current_ids(instance, gebruikerstype)
    if idp_id not in ids:
        raise ServiceError("Deze identity provider staat niet in de lijst.", code="idp_not_listed")
    index = ids.index(idp_id)
    other = index - 1 if direction == "omhoog" else index + 1
    if not 0 <= other < len(ids):
        raise ServiceError(
            "Deze identity provider staat al "
            + ("bovenaan." if direction == "omhoog" else "onderaan."),
            code="cannot_move",
        )

    def swap(current):
        current[index], current[other] = current[other], current[index]
        return current

    return _change_list(
        instance=instance, gebruikerstype=gebruikerstype, by=by, reason=reason, edit=swap
    )
