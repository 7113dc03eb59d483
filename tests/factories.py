"""Factories for tests. Lifecycle objects are made through the services, so they are valid."""

import factory
from django.contrib.auth.models import Group

from applicaties.models import Applicatie, Soort
from beheer.accounts.models import SUPPORT_GROUP, User
from connectieaanvragen.jwks import check_document_at
from connectieaanvragen.services import accept_request, file_request
from domeinen.models import Domein
from tests.jwks_server import jwk_set

TEST_PASSWORD = "Een-lang-testwachtwoord-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    full_name = factory.Faker("name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SupportUserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def support_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=SUPPORT_GROUP))


class DomeinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domein
        skip_postgeneration_save = True

    naam = factory.Sequence(lambda n: f"domein-{n}")
    zorgaanbieder = factory.Sequence(lambda n: f"Zorgaanbieder {n}")
    fhir_base_url = factory.LazyAttribute(
        lambda o: f"https://fhir.test.invalid/api/v1/{o.naam}/fhir/r4/"
    )
    token_endpoint = factory.LazyAttribute(
        lambda o: f"https://fhir.test.invalid/api/v1/{o.naam}/oauth2/token"
    )

    @factory.post_generation
    def beheerders(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.beheerders.add(*extracted)


class ApplicatieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicatie
        skip_postgeneration_save = True

    naam = factory.Sequence(lambda n: f"Applicatie {n}")
    leverancier = factory.Sequence(lambda n: f"Leverancier {n} B.V.")
    soort = Soort.EHEALTH_MODULE

    @factory.post_generation
    def beheerders(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.beheerders.add(*extracted)


def jwks_uri_for(applicatie) -> str:
    return f"https://keys.test.invalid/{applicatie.pk}/jwks.json"


def keys_in_order(uri: str):
    """The key check for factory requests: the real checker on a real JWK Set, without the
    network (factory URIs point at .invalid hosts)."""
    return check_document_at(uri, jwk_set())


def make_request(*, applicatie, domein, by=None, **kwargs):
    by = by or applicatie.beheerders.first()
    kwargs.setdefault("check_keys", keys_in_order)
    return file_request(
        applicatie_id=applicatie.pk,
        domein_id=domein.pk,
        jwks_uri=kwargs.pop("jwks_uri", jwks_uri_for(applicatie)),
        by=by,
        **kwargs,
    )


def independent_decider(aanvraag):
    """A domeinbeheerder who may decide `aanvraag` (did not file it, does not administer its
    application: separation of duties), or else a support user made for it."""
    from connectieaanvragen.selectors import decision_conflict

    for user in aanvraag.domein.beheerders.order_by("pk"):
        if not decision_conflict(user=user, aanvraag=aanvraag):
            return user
    return SupportUserFactory()


def make_instance(*, applicatie, domein):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    return accept_request(request_id=aanvraag.pk, by=independent_decider(aanvraag)).instantie


def make_change(*, instance_id, by, **kwargs):
    """A change request filed the one way every entry files it (file_change), with the key
    check done on a held key set instead of the network (as make_request)."""
    from connectieaanvragen.change_services import file_change

    kwargs.setdefault("check_keys", keys_in_order)
    return file_change(instance_id=instance_id, by=by, **kwargs)
