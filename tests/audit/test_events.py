"""Each kind of event is recorded by the service that makes the change: the right actor,
object, scope and before/after values; a change that rolls back records nothing."""

import pytest
from django.db import transaction

from api.services import (
    create_domain_key,
    create_personal_token,
    revoke_domain_key,
    revoke_personal_token,
)
from applicaties.services import update_application, update_application_contact
from beheer.accounts import services as accounts
from beheer.audit import context
from beheer.audit.models import AuditEvent, AuditRecord
from beheer.audit.services import HIDDEN, record
from beheer.errors import ServiceError
from beheer.outbox.services import process_due
from connectieaanvragen.services import accept_request, record_jwks_check, refuse_request
from domeinen.devices import request_device_sync
from domeinen.services import change_instance_role, change_instance_status, update_domain_details
from rollen.models import Rol
from rollen.services import update_role
from tests.factories import make_instance, make_request

pytestmark = pytest.mark.django_db


def last(event) -> AuditRecord:
    return AuditRecord.objects.filter(gebeurtenis=event).latest("op", "id")


def test_domain_details_change_records_before_and_after(domein, domeinbeheerder):
    old = domein.contact_naam
    update_domain_details(
        domein_id=domein.pk,
        by=domeinbeheerder,
        omschrijving=domein.omschrijving,
        contact_naam="Nieuwe Naam",
        contact_email="contact@ggz-noord.example.org",
        contact_telefoon=domein.contact_telefoon,
    )
    rec = last(AuditEvent.DOMEIN_GEWIJZIGD)
    assert rec.door == domeinbeheerder
    assert rec.door_label == domeinbeheerder.username
    assert (rec.object_type, rec.object_id, rec.object_label) == (
        "domein",
        str(domein.pk),
        "ggz-noord",
    )
    assert rec.domein_id == domein.pk and rec.applicatie_id is None
    assert rec.wijzigingen == {
        "contact_naam": [old, "Nieuwe Naam"],
        "contact_email": ["", "contact@ggz-noord.example.org"],
    }


def test_application_contact_and_support_edit_are_recorded(
    applicatie, applicatiebeheerder, support_user
):
    update_application_contact(
        applicatie_id=applicatie.pk,
        by=applicatiebeheerder,
        contact_naam="Piet",
        contact_email="piet@example.org",
        contact_telefoon=applicatie.contact_telefoon,
    )
    rec = last(AuditEvent.APPLICATIE_GEWIJZIGD)
    assert rec.door == applicatiebeheerder
    assert rec.applicatie_id == applicatie.pk
    assert rec.wijzigingen["contact_naam"][1] == "Piet"
    update_application(applicatie_id=applicatie.pk, by=support_user, naam="Zorgportaal 2")
    rec = last(AuditEvent.APPLICATIE_GEWIJZIGD)
    assert rec.door == support_user
    assert rec.wijzigingen == {"naam": ["Zorgportaal", "Zorgportaal 2"]}


def test_request_lifecycle_is_recorded_in_both_scopes(
    domein, applicatie, domeinbeheerder, applicatiebeheerder
):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    rec = last(AuditEvent.AANVRAAG_INGEDIEND)
    assert rec.door == applicatiebeheerder
    assert (rec.domein_id, rec.applicatie_id) == (domein.pk, applicatie.pk)
    assert rec.wijzigingen["status"] == [None, "aangevraagd"]
    accept_request(request_id=aanvraag.pk, by=domeinbeheerder)
    rec = last(AuditEvent.AANVRAAG_GEACCEPTEERD)
    assert rec.door == domeinbeheerder and rec.object_id == str(aanvraag.pk)
    assert rec.wijzigingen["status"] == ["aangevraagd", "geaccepteerd"]
    born = last(AuditEvent.INSTANTIE_AANGEMAAKT)
    aanvraag.refresh_from_db()
    assert born.object_id == str(aanvraag.instantie_id)
    assert born.wijzigingen["client_id"] == [None, str(aanvraag.instantie.client_id)]
    assert (born.domein_id, born.applicatie_id) == (domein.pk, applicatie.pk)


def test_filing_records_the_key_check_and_accepting_despite_it_records_the_reason(
    domein, applicatie, domeinbeheerder
):
    from connectieaanvragen.jwks import JwksResult

    aanvraag = make_request(applicatie=applicatie, domein=domein)
    filed = last(AuditEvent.AANVRAAG_INGEDIEND)
    assert filed.wijzigingen["jwks_resultaat"][0] is None
    assert filed.wijzigingen["jwks_resultaat"][1] == aanvraag.jwks_resultaat
    failed = JwksResult(uri=aanvraag.jwks_uri, ok=False, error="niet bereikbaar")
    record_jwks_check(request_id=aanvraag.pk, by=domeinbeheerder, result=failed)
    accept_request(
        request_id=aanvraag.pk, by=domeinbeheerder, key_check_reason="Telefonisch bevestigd"
    )
    rec = last(AuditEvent.AANVRAAG_GEACCEPTEERD)
    assert rec.wijzigingen["status"] == ["aangevraagd", "geaccepteerd"]
    assert "Telefonisch bevestigd" in rec.wijzigingen["sleutelcontrole_bevestiging"][1]


def test_refusal_records_the_reason(domein, applicatie, domeinbeheerder):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    refuse_request(request_id=aanvraag.pk, reason="Geen contract", by=domeinbeheerder)
    rec = last(AuditEvent.AANVRAAG_GEWEIGERD)
    assert rec.wijzigingen == {
        "status": ["aangevraagd", "geweigerd"],
        "reden": [None, "Geen contract"],
    }


def test_jwks_check_is_recorded(domein, applicatie, domeinbeheerder):
    from connectieaanvragen.jwks import JwksResult

    aanvraag = make_request(applicatie=applicatie, domein=domein)
    result = JwksResult(uri=aanvraag.jwks_uri, ok=False, error="niet bereikbaar")
    record_jwks_check(request_id=aanvraag.pk, by=domeinbeheerder, result=result)
    rec = last(AuditEvent.AANVRAAG_SLEUTELS)
    assert rec.door == domeinbeheerder
    assert rec.wijzigingen["jwks_resultaat"][1]["fout"] == "niet bereikbaar"
    assert (rec.domein_id, rec.applicatie_id) == (domein.pk, applicatie.pk)


def test_instance_status_role_and_sync_are_recorded(
    domein, applicatie, domeinbeheerder, support_user
):
    instance = make_instance(applicatie=applicatie, domein=domein)
    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="update", by=domeinbeheerder
    )
    rec = last(AuditEvent.INSTANTIE_STATUS)
    assert rec.door == domeinbeheerder
    assert rec.wijzigingen == {"status": ["actief", "in_onderhoud"], "reden": [None, "update"]}
    assert (rec.domein_id, rec.applicatie_id) == (domein.pk, applicatie.pk)
    old_rol = instance.rol.naam
    other = Rol.objects.exclude(pk=instance.rol_id).first()
    change_instance_role(instance_id=instance.pk, rol_id=other.pk, reason="r", by=domeinbeheerder)
    assert last(AuditEvent.INSTANTIE_ROL).wijzigingen["rol"] == [old_rol, other.naam]
    request_device_sync(instance_ids=[instance.pk], by=support_user)
    assert last(AuditEvent.INSTANTIE_SYNC).door == support_user


def test_role_edit_is_recorded(support_user):
    rol = Rol.objects.create(naam="Nieuwe rol", omschrijving="oud")
    update_role(rol_id=rol.pk, by=support_user, naam="Nieuwe rol", omschrijving="nieuw")
    rec = last(AuditEvent.ROL_GEWIJZIGD)
    assert rec.door == support_user
    assert rec.wijzigingen == {"omschrijving": ["oud", "nieuw"]}


def test_keys_and_tokens_are_recorded_without_their_secret(domein, support_user, outsider):
    key, secret = create_domain_key(domein_id=domein.pk, naam="AS", by=support_user)
    rec = last(AuditEvent.SLEUTEL_AANGEMAAKT)
    assert rec.domein_id == domein.pk and rec.door == support_user
    assert secret not in str(rec.wijzigingen) and rec.wijzigingen["naam"] == [None, "AS"]
    revoke_domain_key(key_id=key.pk, by=support_user)
    assert last(AuditEvent.SLEUTEL_INGETROKKEN).object_id == str(key.pk)
    row, token = create_personal_token(gebruiker=outsider, naam="script", by=outsider)
    rec = last(AuditEvent.TOKEN_AANGEMAAKT)
    assert rec.door == outsider and token not in str(rec.wijzigingen)
    revoke_personal_token(token_id=row.pk, by=outsider)
    assert last(AuditEvent.TOKEN_INGETROKKEN).door == outsider


def test_support_actions_on_accounts_are_recorded(support_user, outsider):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username=outsider.username, failures_since_start=99, ip_address="10.0.0.1"
    )
    accounts.unlock_account(user_id=outsider.pk, by=support_user)
    accounts.reset_password(user_id=outsider.pk, by=support_user)
    accounts.reset_two_factor(user_id=outsider.pk, by=support_user)
    accounts.set_password_by_other(
        user_id=outsider.pk, password="Een-lang-wachtwoord-1", by=support_user
    )
    for event in (
        AuditEvent.ACCOUNT_ONTGRENDELD,
        AuditEvent.ACCOUNT_WACHTWOORD_GERESET,
        AuditEvent.ACCOUNT_2FA_GERESET,
        AuditEvent.ACCOUNT_WACHTWOORD_INGESTELD,
    ):
        rec = last(event)
        assert rec.door == support_user, event
        assert (rec.object_type, rec.object_id) == ("user", str(outsider.pk)), event


def test_creating_an_account_records_the_invitation(support_user):
    from beheer.accounts.models import User

    user = accounts.create_account(
        user=User(username="nieuw", email="nieuw@example.org", full_name="Nieuw"), by=support_user
    )
    rec = last(AuditEvent.ACCOUNT_AANGEMAAKT)
    assert rec.door == support_user and rec.object_id == str(user.pk)
    assert rec.wijzigingen["email"] == [None, "nieuw@example.org"]
    assert "password" not in rec.wijzigingen


def test_own_password_and_password_link_are_recorded(outsider):
    accounts.set_own_password(user_id=outsider.pk, password="Nog-een-lang-wachtwoord-2")
    assert last(AuditEvent.ACCOUNT_WACHTWOORD_GEWIJZIGD).door == outsider
    accounts.request_password_link(identifier=outsider.username, client_ip="192.0.2.7")
    # The request only queues an outbox row (it must not tell whether the account exists);
    # the worker, which looks the account up, records the link it sends.
    assert not AuditRecord.objects.filter(gebeurtenis=AuditEvent.ACCOUNT_WACHTWOORD_LINK).exists()
    process_due()
    rec = last(AuditEvent.ACCOUNT_WACHTWOORD_LINK)
    assert rec.door is None and rec.door_label == "anoniem"
    assert rec.object_id == str(outsider.pk)
    assert rec.ip_adres == "192.0.2.7"


def test_password_link_for_an_unknown_account_records_nothing(outsider):
    accounts.request_password_link(identifier="niemand", client_ip="192.0.2.7")
    process_due()
    assert not AuditRecord.objects.filter(gebeurtenis=AuditEvent.ACCOUNT_WACHTWOORD_LINK).exists()


def test_client_address_and_token_name_come_from_the_request_context(domein, domeinbeheerder):
    ip = context.client_ip.set("198.51.100.4")
    cred = context.credential.set("token script (ktp_abc)")
    try:
        rec = record(event=AuditEvent.DOMEIN_GEWIJZIGD, obj=domein, by=domeinbeheerder)
    finally:
        context.credential.reset(cred)
        context.client_ip.reset(ip)
    assert rec.ip_adres == "198.51.100.4"
    assert rec.door_label == f"{domeinbeheerder.username} (token script (ktp_abc))"


def test_without_a_user_the_actor_is_the_system(domein):
    rec = record(event=AuditEvent.INSTANTIE_SYNC, obj=domein)
    assert rec.door is None and rec.door_label == "systeem"


def test_unknown_event_codes_are_refused(domein):
    with pytest.raises(ValueError):
        record(event="domein.verzonnen", obj=domein)


def test_secret_fields_are_hidden_and_named_fields_redacted(domein):
    rec = record(
        event=AuditEvent.DOMEIN_GEWIJZIGD,
        obj=domein,
        changes={
            "password": ["oud-geheim", "nieuw-geheim"],
            "fhir_auth_token_env": ["A", "B"],
            "reset_link": [None, "https://x/link"],
            "bijzonder": ["a", "b"],
            "naam": ["a", "b"],
            "gelijk": ["x", "x"],
        },
        redact=("bijzonder",),
    )
    assert rec.wijzigingen == {
        "password": [HIDDEN, HIDDEN],
        "fhir_auth_token_env": [HIDDEN, HIDDEN],
        "reset_link": [None, HIDDEN],
        "bijzonder": [HIDDEN, HIDDEN],
        "naam": ["a", "b"],
    }


def test_a_refused_change_records_nothing(domein, outsider):
    with pytest.raises(ServiceError):
        update_domain_details(
            domein_id=domein.pk,
            by=outsider,
            omschrijving="x",
            contact_naam="x",
            contact_email="x@example.org",
            contact_telefoon="",
        )
    assert not AuditRecord.objects.exists()


def test_a_rolled_back_change_records_nothing(domein, applicatie, domeinbeheerder):
    instance = make_instance(applicatie=applicatie, domein=domein)
    before = AuditRecord.objects.count()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        change_instance_status(
            instance_id=instance.pk, new_status="in_onderhoud", reason="r", by=domeinbeheerder
        )
        assert AuditRecord.objects.count() == before + 1
        raise Boom
    assert AuditRecord.objects.count() == before
    instance.refresh_from_db()
    assert instance.status == "actief"


def test_withdrawing_a_request_is_recorded(domein, applicatie, applicatiebeheerder):
    from connectieaanvragen.services import withdraw_request

    aanvraag = make_request(applicatie=applicatie, domein=domein, by=applicatiebeheerder)
    withdraw_request(request_id=aanvraag.pk, by=applicatiebeheerder, reason="typefout")
    rec = last(AuditEvent.AANVRAAG_INGETROKKEN)
    assert rec.door == applicatiebeheerder
    assert (rec.domein_id, rec.applicatie_id) == (domein.pk, applicatie.pk)
    assert rec.wijzigingen == {
        "status": ["aangevraagd", "ingetrokken"],
        "reden": [None, "typefout"],
    }


def test_a_change_request_and_its_acceptance_are_recorded_with_old_and_new_values(
    domein, applicatie, applicatiebeheerder, domeinbeheerder
):
    from connectieaanvragen.change_services import accept_change
    from tests.factories import make_change

    instance = make_instance(applicatie=applicatie, domein=domein)
    new_uris = ["https://app.example.org/terug"]
    verzoek = make_change(instance_id=instance.pk, by=applicatiebeheerder, redirect_uris=new_uris)
    filed = last(AuditEvent.WIJZIGING_INGEDIEND)
    assert filed.door == applicatiebeheerder
    assert (filed.domein_id, filed.applicatie_id) == (domein.pk, applicatie.pk)
    assert filed.wijzigingen["redirect_uris"] == [instance.redirect_uris, new_uris]
    accept_change(change_id=verzoek.pk, by=domeinbeheerder)
    accepted = last(AuditEvent.WIJZIGING_GEACCEPTEERD)
    assert accepted.door == domeinbeheerder
    assert accepted.wijzigingen["status"] == ["aangevraagd", "geaccepteerd"]
    uris = last(AuditEvent.INSTANTIE_URIS)
    assert uris.object_id == str(instance.pk)
    assert uris.wijzigingen["redirect_uris"] == [instance.redirect_uris, new_uris]


def test_identity_providers_and_an_instances_list_are_recorded_without_the_secret(
    domein, applicatie, domeinbeheerder, settings
):
    import json

    from identiteit.services import add_instance_idp, update_identity_provider
    from tests.factories import make_idp

    secret = "zeer-geheim-idp-secret-9f3a"
    idp = make_idp(domein=domein, by=domeinbeheerder, client_secret=secret)
    created = last(AuditEvent.IDP_AANGEMAAKT)
    assert created.door == domeinbeheerder and created.domein_id == domein.pk
    update_identity_provider(
        idp_id=idp.pk,
        by=domeinbeheerder,
        logische_id=idp.logische_id,
        naam="DigiD (nieuw)",
        discovery_url=idp.discovery_url,
        client_id=idp.client_id,
        client_secret=secret + "-2",
        gebruikersnaam_claim=idp.gebruikersnaam_claim,
        ingeschakeld=True,
    )
    changed = last(AuditEvent.IDP_GEWIJZIGD)
    assert changed.wijzigingen["naam"] == [idp.naam, "DigiD (nieuw)"]
    instance = make_instance(applicatie=applicatie, domein=domein)
    add_instance_idp(
        instance_id=instance.pk,
        gebruikerstype="Patient",
        idp_id=idp.pk,
        reason="DigiD voor patiënten",
        by=domeinbeheerder,
    )
    listed = last(AuditEvent.INSTANTIE_IDPS)
    assert (listed.domein_id, listed.applicatie_id) == (domein.pk, applicatie.pk)
    assert "DigiD (nieuw)" in json.dumps(listed.wijzigingen)
    every_value = json.dumps(list(AuditRecord.objects.values_list("wijzigingen", flat=True)))
    assert secret not in every_value
