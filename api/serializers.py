"""Representations. Read serializers only read; writes go through the services (views)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.models import PersoonlijkToken
from applicaties.models import Applicatie
from connectieaanvragen.models import Connectieaanvraag, Wijzigingsverzoek
from domeinen.models import Applicatieinstantie, Domein, InstantieStatus, InstantieStatuswijziging
from domeinen.selectors import scopes_for_instance
from rollen.models import Rol, Rolpermissie


class DomeinSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domein
        fields = (
            "naam",
            "zorgaanbieder",
            "omschrijving",
            "fhir_base_url",
            "token_endpoint",
            "contact_naam",
            "contact_email",
            "contact_telefoon",
        )


class ApplicatieSerializer(serializers.ModelSerializer):
    class Meta:
        model = Applicatie
        fields = (
            "id",
            "naam",
            "leverancier",
            "soort",
            "omschrijving",
            "contact_naam",
            "contact_email",
            "contact_telefoon",
        )


class ApplicatieRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Applicatie
        fields = ("id", "naam")


class RolRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rol
        fields = ("id", "naam")


class RolpermissieSerializer(serializers.ModelSerializer):
    toegestane_applicaties = ApplicatieRefSerializer(many=True, read_only=True)

    class Meta:
        model = Rolpermissie
        fields = ("resource_type", "operatie", "bereik", "toegestane_applicaties")


class RolSerializer(serializers.ModelSerializer):
    permissies = RolpermissieSerializer(many=True, read_only=True)

    class Meta:
        model = Rol
        fields = ("id", "naam", "omschrijving", "permissies")


class _ScopesMixin:
    """Scopes need the page's roles and GRANTED devices; the view puts them in the context."""

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_scopes(self, obj) -> list[str]:
        return scopes_for_instance(obj, self.context.get("scope_context"))

    def get_device(self, obj) -> str:
        return obj.device_reference


class SleutelcontroleSerializer(serializers.ModelSerializer):
    """The daily key check of an instance's JWKS URI (manage.py check_jwks)."""

    status = serializers.CharField(source="sleutels_status")
    sinds = serializers.DateTimeField(source="sleutels_sinds", allow_null=True)
    gecontroleerd_op = serializers.DateTimeField(
        source="sleutels_gecontroleerd_op", allow_null=True
    )
    fout = serializers.CharField(source="sleutels_fout")
    certificaat_verloopt_op = serializers.DateTimeField(
        source="sleutels_certificaat_verloopt_op", allow_null=True
    )

    class Meta:
        model = Applicatieinstantie
        fields = ("status", "sinds", "gecontroleerd_op", "fout", "certificaat_verloopt_op")


class ClientSerializer(_ScopesMixin, serializers.ModelSerializer):
    """What an authorization server needs to admit a client and issue its tokens."""

    actief = serializers.SerializerMethodField()
    applicatie = serializers.CharField(source="applicatie.naam")
    device = serializers.SerializerMethodField()
    rol = serializers.CharField(source="rol.naam")
    scopes = serializers.SerializerMethodField()
    sleutelcontrole = SleutelcontroleSerializer(source="*", read_only=True)

    class Meta:
        model = Applicatieinstantie
        fields = (
            "client_id",
            "status",
            "actief",
            "applicatie",
            "jwks_uri",
            "device",
            "redirect_uris",
            "rol",
            "scopes",
            "sleutelcontrole",
        )

    def get_actief(self, obj) -> bool:
        return obj.status == InstantieStatus.ACTIEF


class HistorieSerializer(serializers.ModelSerializer):
    door = serializers.SerializerMethodField()
    van_rol = serializers.CharField(source="van_rol.naam", allow_null=True, default=None)
    naar_rol = serializers.CharField(source="naar_rol.naam", allow_null=True, default=None)

    class Meta:
        model = InstantieStatuswijziging
        fields = (
            "op",
            "door",
            "soort",
            "van_status",
            "naar_status",
            "van_rol",
            "naar_rol",
            "van_waarden",
            "naar_waarden",
            "reden",
        )

    def get_door(self, obj) -> str | None:
        return str(obj.door) if obj.door else None


class InstantieSerializer(_ScopesMixin, serializers.ModelSerializer):
    applicatie = ApplicatieRefSerializer(read_only=True)
    domein = serializers.CharField(source="domein.naam")
    rol = RolRefSerializer(read_only=True)
    device = serializers.SerializerMethodField()
    scopes = serializers.SerializerMethodField()
    sleutelcontrole = SleutelcontroleSerializer(source="*", read_only=True)

    class Meta:
        model = Applicatieinstantie
        fields = (
            "client_id",
            "applicatie",
            "domein",
            "status",
            "status_sinds",
            "rol",
            "scopes",
            "device",
            "jwks_uri",
            "redirect_uris",
            "sleutelcontrole",
            "aangemaakt_op",
        )


class InstantieDetailSerializer(InstantieSerializer):
    historie = HistorieSerializer(many=True, read_only=True)

    class Meta(InstantieSerializer.Meta):
        fields = (*InstantieSerializer.Meta.fields, "historie")


class AanvraagSerializer(serializers.ModelSerializer):
    applicatie = ApplicatieRefSerializer(read_only=True)
    domein = serializers.CharField(source="domein.naam")
    aangevraagd_door = serializers.SerializerMethodField()
    client_id = serializers.UUIDField(source="instantie.client_id", allow_null=True, default=None)

    class Meta:
        model = Connectieaanvraag
        fields = (
            "id",
            "applicatie",
            "domein",
            "status",
            "jwks_uri",
            "redirect_uris",
            "toelichting",
            "aangevraagd_door",
            "aangevraagd_op",
            "besloten_op",
            "besluit_reden",
            "client_id",
        )

    def get_aangevraagd_door(self, obj) -> str | None:
        return str(obj.aangevraagd_door) if obj.aangevraagd_door else None


class WijzigingSerializer(serializers.ModelSerializer):
    client_id = serializers.UUIDField(source="instantie.client_id")
    applicatie = ApplicatieRefSerializer(source="instantie.applicatie", read_only=True)
    domein = serializers.CharField(source="instantie.domein.naam")
    aangevraagd_door = serializers.SerializerMethodField()
    jwks_in_orde = serializers.SerializerMethodField()

    class Meta:
        model = Wijzigingsverzoek
        fields = (
            "id",
            "client_id",
            "applicatie",
            "domein",
            "status",
            "oude_jwks_uri",
            "jwks_uri",
            "oude_redirect_uris",
            "redirect_uris",
            "toelichting",
            "aangevraagd_door",
            "aangevraagd_op",
            "besloten_op",
            "besluit_reden",
            "jwks_in_orde",
        )

    def get_aangevraagd_door(self, obj) -> str | None:
        return str(obj.aangevraagd_door) if obj.aangevraagd_door else None

    def get_jwks_in_orde(self, obj) -> bool | None:
        """The check of the JWKS URI the change would put in place (None: not checked)."""
        return obj.jwks_resultaat.get("ok") if obj.jwks_resultaat else None


# --- input ----------------------------------------------------------------------------------


class AanvraagInSerializer(serializers.Serializer):
    applicatie = serializers.IntegerField(help_text="Id van de applicatie.")
    domein = serializers.CharField(max_length=63, help_text="Naam van het domein.")
    jwks_uri = serializers.CharField(max_length=500, allow_blank=True)
    redirect_uris = serializers.ListField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        required=False,
        default=list,
        max_length=100,
    )
    toelichting = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )


class AccepterenInSerializer(serializers.Serializer):
    rol = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id van de rol; leeg: de standaardrol voor de soort applicatie.",
    )
    sleutelcontrole_reden = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=(
            "Alleen nodig als de laatste controle van de sleutels niet in orde is: de reden om "
            "toch te accepteren (komt in de historie). Zonder reden volgt dan 409."
        ),
    )


class WijzigingAccepterenInSerializer(serializers.Serializer):
    sleutelcontrole_reden = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=(
            "Alleen nodig als de controle van de sleutels van het verzoek niet in orde is: de "
            "reden om toch te accepteren (komt in de historie). Zonder reden volgt dan 409."
        ),
    )


class RedenInSerializer(serializers.Serializer):
    reden = serializers.CharField(allow_blank=True, max_length=10000)


class IntrekkenInSerializer(serializers.Serializer):
    reden = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10000, help_text="Optioneel."
    )


class WijzigingInSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(help_text="Client-Id van de applicatieinstantie.")
    jwks_uri = serializers.CharField(
        max_length=500, required=False, allow_null=True, default=None, help_text="Leeg: blijft."
    )
    redirect_uris = serializers.ListField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="De hele nieuwe lijst; leeg (null): blijft.",
    )
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")


class StatusInSerializer(RedenInSerializer):
    status = serializers.ChoiceField(choices=InstantieStatus.choices)


class RolInSerializer(RedenInSerializer):
    rol = serializers.IntegerField(help_text="Id van de nieuwe rol.")


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersoonlijkToken
        fields = (
            "id",
            "naam",
            "prefix",
            "aangemaakt_op",
            "verloopt_op",
            "laatst_gebruikt_op",
            "ingetrokken_op",
        )


class TokenInSerializer(serializers.Serializer):
    naam = serializers.CharField(max_length=100, allow_blank=True)
    verloopt_op = serializers.DateTimeField(required=False, allow_null=True, default=None)


class TokenCreatedSerializer(TokenSerializer):
    token = serializers.CharField(help_text="Het token; wordt alleen nu getoond.")

    class Meta(TokenSerializer.Meta):
        fields = (*TokenSerializer.Meta.fields, "token")
