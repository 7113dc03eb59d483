"""API views. Object visibility comes from the same selectors as the web screens; every change
is made by the same service, whose ServiceError becomes a problem response."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.models import PersoonlijkToken
from api.permissions import IsDomainKey
from api.services import create_personal_token, revoke_personal_token
from applicaties.selectors import applications_for_user
from beheer.errors import ServiceError
from connectieaanvragen.change_services import (
    accept_change,
    file_change,
    refuse_change,
    withdraw_change,
)
from connectieaanvragen.models import AanvraagStatus, WijzigingStatus
from connectieaanvragen.selectors import changes_visible_to_user, requests_visible_to_user
from connectieaanvragen.services import (
    accept_request,
    file_request,
    refuse_request,
    withdraw_request,
)
from domeinen.models import Applicatieinstantie, Domein, InstantieStatus, InstantieStatuswijziging
from domeinen.selectors import (
    domains_for_user,
    instances_visible_to_user,
    scope_context,
)
from domeinen.services import change_instance_role, change_instance_status
from rollen.selectors import roles_with_permissions


def _status_param(choices, description):
    return OpenApiParameter("status", str, enum=[c[0] for c in choices], description=description)


DOMEIN_PARAM = OpenApiParameter("domein", str, description="Alleen dit domein (naam).")
APPLICATIE_PARAM = OpenApiParameter("applicatie", int, description="Alleen deze applicatie (id).")


def _filter_status(request, qs, choices):
    value = request.query_params.get("status")
    if value is None or value == "":
        return qs
    if value not in dict(choices):
        raise ValidationError(
            {"status": [f"Onbekende status '{value}'; kies uit {', '.join(dict(choices))}."]}
        )
    return qs.filter(status=value)


def _filter_pair(request, qs):
    domein = request.query_params.get("domein")
    if domein:
        qs = qs.filter(domein__naam=domein)
    applicatie = request.query_params.get("applicatie")
    if applicatie:
        if not applicatie.isdigit():
            raise ValidationError({"applicatie": ["Geef het id (een getal) van de applicatie."]})
        qs = qs.filter(applicatie_id=int(applicatie))
    return qs


class _ScopedListMixin:
    """Lists and details of instances: read the roles' permissions and GRANTED devices once
    per page (domeinen.selectors.scope_context)."""

    def _context_for(self, instances):
        return {**self.get_serializer_context(), "scope_context": scope_context(instances)}

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        items = list(page if page is not None else qs)
        data = self.get_serializer_class()(items, many=True, context=self._context_for(items)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return Response(
            self.get_serializer_class()(instance, context=self._context_for([instance])).data
        )


# --- for authorization servers --------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Clients van een domein",
        parameters=[_status_param(InstantieStatus.choices, "Alleen clients met deze status.")],
        tags=["autorisatieserver"],
    ),
    retrieve=extend_schema(summary="Eén client van een domein", tags=["autorisatieserver"]),
)
class ClientViewSet(_ScopedListMixin, viewsets.ReadOnlyModelViewSet):
    """The clients (application instances) of the domain the API key belongs to.

    A key reads only its own domain: any other domain name answers 404.
    """

    permission_classes = [IsDomainKey]
    serializer_class = s.ClientSerializer
    lookup_field = "client_id"

    def get_queryset(self):
        key = self.request.auth
        if key.domein.naam != self.kwargs["domein"]:
            raise NotFound()
        qs = Applicatieinstantie.objects.filter(domein_id=key.domein_id).select_related(
            "applicatie", "rol"
        )
        return qs.order_by("aangemaakt_op", "id")

    def filter_queryset(self, queryset):
        return _filter_status(self.request, queryset, InstantieStatus.choices)


# --- for beheerders -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Mijn domeinen", tags=["domeinbeheer"]),
    retrieve=extend_schema(summary="Eén van mijn domeinen", tags=["domeinbeheer"]),
)
class DomeinViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DomeinSerializer
    lookup_field = "naam"
    lookup_value_regex = "[a-z0-9-]+"

    def get_queryset(self):
        return domains_for_user(user=self.request.user).order_by("naam")


@extend_schema_view(
    list=extend_schema(summary="Mijn applicaties", tags=["applicatiebeheer"]),
    retrieve=extend_schema(summary="Eén van mijn applicaties", tags=["applicatiebeheer"]),
)
class ApplicatieViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ApplicatieSerializer

    def get_queryset(self):
        return applications_for_user(user=self.request.user).order_by("naam", "id")


@extend_schema_view(
    list=extend_schema(summary="Rollen om uit te kiezen", tags=["rollen"]),
    retrieve=extend_schema(summary="Eén rol", tags=["rollen"]),
)
class RolViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.RolSerializer

    def get_queryset(self):
        return roles_with_permissions()


@extend_schema_view(
    list=extend_schema(
        summary="Zichtbare applicatieinstanties",
        description="Van mijn domeinen en van mijn applicaties.",
        parameters=[
            _status_param(InstantieStatus.choices, "Alleen instanties met deze status."),
            DOMEIN_PARAM,
            APPLICATIE_PARAM,
        ],
        tags=["applicatieinstanties"],
    ),
    retrieve=extend_schema(
        summary="Eén applicatieinstantie, met historie",
        responses=s.InstantieDetailSerializer,
        tags=["applicatieinstanties"],
    ),
)
class InstantieViewSet(_ScopedListMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "client_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        qs = instances_visible_to_user(user=self.request.user).order_by("-aangemaakt_op", "-id")
        qs = qs.select_related("rol")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "historie",
                    queryset=InstantieStatuswijziging.objects.select_related(
                        "door", "van_rol", "naar_rol"
                    ),
                )
            )
        return qs

    def get_serializer_class(self):
        return s.InstantieDetailSerializer if self.action == "retrieve" else s.InstantieSerializer

    def get_object(self):
        try:
            return super().get_object()
        except (ValueError, ValidationError) as exc:  # not a UUID
            raise NotFound() from exc

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        qs = _filter_status(self.request, queryset, InstantieStatus.choices)
        return _filter_pair(self.request, qs)

    def _changed(self, instance):
        fresh = self.get_queryset().get(pk=instance.pk)
        return Response(s.InstantieSerializer(fresh, context=self._context_for([fresh])).data)

    @extend_schema(
        summary="Status wijzigen (domeinbeheerder)",
        request=s.StatusInSerializer,
        responses=s.InstantieSerializer,
        tags=["applicatieinstanties"],
    )
    @action(detail=True, methods=["post"])
    def status(self, request, client_id=None):
        instance = self.get_object()
        data = _valid(s.StatusInSerializer, request)
        change_instance_status(
            instance_id=instance.pk,
            new_status=data["status"],
            reason=data["reden"],
            by=request.user,
        )
        return self._changed(instance)

    @extend_schema(
        summary="Rol wijzigen (domeinbeheerder)",
        request=s.RolInSerializer,
        responses=s.InstantieSerializer,
        tags=["applicatieinstanties"],
    )
    @action(detail=True, methods=["post"])
    def rol(self, request, client_id=None):
        instance = self.get_object()
        data = _valid(s.RolInSerializer, request)
        change_instance_role(
            instance_id=instance.pk, rol_id=data["rol"], reason=data["reden"], by=request.user
        )
        return self._changed(instance)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(
        summary="Zichtbare connectieaanvragen",
        parameters=[
            _status_param(AanvraagStatus.choices, "Alleen aanvragen met deze status."),
            DOMEIN_PARAM,
            APPLICATIE_PARAM,
        ],
        tags=["connectieaanvragen"],
    ),
    retrieve=extend_schema(summary="Eén connectieaanvraag", tags=["connectieaanvragen"]),
    create=extend_schema(
        summary="Connectieaanvraag indienen (applicatiebeheerder)",
        request=s.AanvraagInSerializer,
        responses={201: s.AanvraagSerializer},
        tags=["connectieaanvragen"],
    ),
)
class AanvraagViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AanvraagSerializer

    def get_queryset(self):
        return (
            requests_visible_to_user(user=self.request.user)
            .select_related("aangevraagd_door")
            .order_by("-aangevraagd_op", "-id")
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        qs = _filter_status(self.request, queryset, AanvraagStatus.choices)
        return _filter_pair(self.request, qs)

    def _fresh(self, pk, code=status.HTTP_200_OK):
        return Response(s.AanvraagSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = _valid(s.AanvraagInSerializer, request)
        domein = Domein.objects.filter(naam=data["domein"]).only("pk").first()
        if domein is None:
            raise ServiceError("Kies een bestaand domein.", code="domain_not_found")
        aanvraag = file_request(
            applicatie_id=data["applicatie"],
            domein_id=domein.pk,
            jwks_uri=data["jwks_uri"],
            redirect_uris=data["redirect_uris"],
            toelichting=data["toelichting"],
            by=request.user,
        )
        return self._fresh(aanvraag.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accepteren (domeinbeheerder), eventueel met een rol",
        request=s.AccepterenInSerializer,
        responses=s.AanvraagSerializer,
        tags=["connectieaanvragen"],
    )
    @action(detail=True, methods=["post"])
    def accepteren(self, request, pk=None):
        aanvraag = self.get_object()
        data = _valid(s.AccepterenInSerializer, request)
        accept_request(
            request_id=aanvraag.pk,
            by=request.user,
            rol_id=data["rol"],
            key_check_reason=data["sleutelcontrole_reden"],
        )
        return self._fresh(aanvraag.pk)

    @extend_schema(
        summary="Weigeren (domeinbeheerder), met reden",
        request=s.RedenInSerializer,
        responses=s.AanvraagSerializer,
        tags=["connectieaanvragen"],
    )
    @action(detail=True, methods=["post"])
    def weigeren(self, request, pk=None):
        aanvraag = self.get_object()
        data = _valid(s.RedenInSerializer, request)
        refuse_request(request_id=aanvraag.pk, reason=data["reden"], by=request.user)
        return self._fresh(aanvraag.pk)

    @extend_schema(
        summary="Intrekken (applicatiebeheerder), met een optionele reden",
        request=s.IntrekkenInSerializer,
        responses=s.AanvraagSerializer,
        tags=["connectieaanvragen"],
    )
    @action(detail=True, methods=["post"])
    def intrekken(self, request, pk=None):
        aanvraag = self.get_object()
        data = _valid(s.IntrekkenInSerializer, request)
        withdraw_request(request_id=aanvraag.pk, by=request.user, reason=data["reden"])
        return self._fresh(aanvraag.pk)


@extend_schema_view(
    list=extend_schema(
        summary="Zichtbare wijzigingsverzoeken",
        description="Voor applicatieinstanties van mijn domeinen en van mijn applicaties.",
        parameters=[
            _status_param(WijzigingStatus.choices, "Alleen verzoeken met deze status."),
        ],
        tags=["wijzigingsverzoeken"],
    ),
    retrieve=extend_schema(summary="Eén wijzigingsverzoek", tags=["wijzigingsverzoeken"]),
    create=extend_schema(
        summary="Wijziging aanvragen (applicatiebeheerder): nieuwe JWKS URI en/of redirect URI's",
        request=s.WijzigingInSerializer,
        responses={201: s.WijzigingSerializer},
        tags=["wijzigingsverzoeken"],
    ),
)
class WijzigingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Change requests for live instances; the same services as the portal's pages."""

    serializer_class = s.WijzigingSerializer

    def get_queryset(self):
        return changes_visible_to_user(user=self.request.user).order_by("-aangevraagd_op", "-id")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return _filter_status(self.request, queryset, WijzigingStatus.choices)

    def _fresh(self, pk, code=status.HTTP_200_OK):
        return Response(s.WijzigingSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = _valid(s.WijzigingInSerializer, request)
        instance = (
            instances_visible_to_user(user=request.user)
            .filter(client_id=data["client_id"])
            .values("pk")
            .first()
        )
        if instance is None:
            raise NotFound("Deze applicatieinstantie bestaat niet.")
        verzoek = file_change(
            instance_id=instance["pk"],
            by=request.user,
            jwks_uri=data["jwks_uri"],
            redirect_uris=data["redirect_uris"],
            toelichting=data["toelichting"],
        )
        return self._fresh(verzoek.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accepteren (domeinbeheerder)",
        request=s.WijzigingAccepterenInSerializer,
        responses=s.WijzigingSerializer,
        tags=["wijzigingsverzoeken"],
    )
    @action(detail=True, methods=["post"])
    def accepteren(self, request, pk=None):
        verzoek = self.get_object()
        data = _valid(s.WijzigingAccepterenInSerializer, request)
        accept_change(
            change_id=verzoek.pk, by=request.user, key_check_reason=data["sleutelcontrole_reden"]
        )
        return self._fresh(verzoek.pk)

    @extend_schema(
        summary="Weigeren (domeinbeheerder), met reden",
        request=s.RedenInSerializer,
        responses=s.WijzigingSerializer,
        tags=["wijzigingsverzoeken"],
    )
    @action(detail=True, methods=["post"])
    def weigeren(self, request, pk=None):
        verzoek = self.get_object()
        data = _valid(s.RedenInSerializer, request)
        refuse_change(change_id=verzoek.pk, reason=data["reden"], by=request.user)
        return self._fresh(verzoek.pk)

    @extend_schema(
        summary="Intrekken (applicatiebeheerder), met een optionele reden",
        request=s.IntrekkenInSerializer,
        responses=s.WijzigingSerializer,
        tags=["wijzigingsverzoeken"],
    )
    @action(detail=True, methods=["post"])
    def intrekken(self, request, pk=None):
        verzoek = self.get_object()
        data = _valid(s.IntrekkenInSerializer, request)
        withdraw_change(change_id=verzoek.pk, by=request.user, reason=data["reden"])
        return self._fresh(verzoek.pk)


@extend_schema_view(
    list=extend_schema(summary="Mijn persoonlijke tokens", tags=["tokens"]),
    create=extend_schema(
        summary="Persoonlijk token maken (het token staat alleen in dit antwoord)",
        request=s.TokenInSerializer,
        responses={201: s.TokenCreatedSerializer},
        tags=["tokens"],
    ),
    destroy=extend_schema(summary="Persoonlijk token intrekken", tags=["tokens"]),
)
class TokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.TokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return PersoonlijkToken.objects.none()
        return PersoonlijkToken.objects.filter(gebruiker=self.request.user).order_by(
            "-aangemaakt_op", "-id"
        )

    def create(self, request, *args, **kwargs):
        if request.auth is not None:
            # A token must not mint tokens (e.g. one without expiry from one with): new
            # credentials need a real login, with whatever the login demands (2FA).
            raise PermissionDenied(
                "Maak een persoonlijk token aan terwijl u bent ingelogd in het portaal, "
                "niet met een ander token."
            )
        data = _valid(s.TokenInSerializer, request)
        row, token = create_personal_token(
            gebruiker=request.user,
            naam=data["naam"],
            verloopt_op=data["verloopt_op"],
            by=request.user,
        )
        body = s.TokenSerializer(row).data | {"token": token}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        revoke_personal_token(token_id=row.pk, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotFoundView(APIView):
    """Any other path under /api/: a problem response instead of Django's HTML page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound("Deze API-route bestaat niet.")

    def get(self, request, *args, **kwargs):  # pragma: no cover - initial() always raises
        raise NotFound()

    post = put = patch = delete = get
