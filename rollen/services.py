"""Writes for roles. The name of a role in use is fixed: authorization servers and audit trails
refer to it, and a rename would silently change what every instance with that role means."""

from django.core.exceptions import ValidationError
from django.db import transaction

from beheer.audit.models import AuditEvent
from beheer.audit.services import record
from beheer.errors import ServiceError
from beheer.forms_util import validation_error_message
from rollen.models import ROLE_NAME_LOCKED_MESSAGE, Rol


def _require_support(by) -> None:
    if not (by.is_authenticated and by.is_support):
        raise ServiceError("Alleen support kan rollen beheren.", code="not_support")


@transaction.atomic
def update_role(*, rol_id: int, by, naam: str, omschrijving: str) -> Rol:
    """Support edits a role's name and description; the name is locked once the role is used."""
    _require_support(by)
    try:
        rol = Rol.objects.select_for_update().get(pk=rol_id)
    except Rol.DoesNotExist as exc:
        raise ServiceError("Deze rol bestaat niet.", code="not_found") from exc
    before = {"naam": rol.naam, "omschrijving": rol.omschrijving}
    naam = (naam or "").strip()
    if naam != rol.naam and rol.is_in_use:
        raise ServiceError(str(ROLE_NAME_LOCKED_MESSAGE), code="role_name_locked")
    rol.naam = naam
    rol.omschrijving = (omschrijving or "").strip()
    try:
        rol.full_clean()
    except ValidationError as exc:
        raise ServiceError(validation_error_message(exc), code="invalid") from exc
    rol.save(update_fields=["naam", "omschrijving", "gewijzigd_op"])
    record(
        event=AuditEvent.ROL_GEWIJZIGD,
        obj=rol,
        by=by,
        changes={name: [before[name], getattr(rol, name)] for name in before},
    )
    return rol
