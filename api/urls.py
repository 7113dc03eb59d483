"""The API router: /api/v1/... (included from beheer/urls.py under `api/`)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False  # JSON only; no .json/.api suffix routes
router.register("domeinen", views.DomeinViewSet, basename="domein")
router.register("applicaties", views.ApplicatieViewSet, basename="applicatie")
router.register("instanties", views.InstantieViewSet, basename="instantie")
router.register("aanvragen", views.AanvraagViewSet, basename="aanvraag")
router.register("wijzigingsverzoeken", views.WijzigingViewSet, basename="wijzigingsverzoek")
router.register("rollen", views.RolViewSet, basename="rol")
router.register("tokens", views.TokenViewSet, basename="token")

client_list = views.ClientViewSet.as_view({"get": "list"})
client_detail = views.ClientViewSet.as_view({"get": "retrieve"})

app_name = "api"
urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its set-up script as a separate file (no inline script: the CSP holds).
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc injects its styles at run time: this public page alone allows inline styles.
    path(
        "v1/redoc/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
    path("v1/domeinen/<str:domein>/clients/", client_list, name="client-list"),
    path("v1/domeinen/<str:domein>/clients/<uuid:client_id>", client_detail, name="client-detail"),
    path("v1/", include(router.urls)),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
