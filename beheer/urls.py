from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from beheer import views
from beheer.accounts import views as account_views
from beheer.fhir import views as fhir_views

admin.site.site_header = "KT Beheer — support"
admin.site.site_title = "KT Beheer"
admin.site.index_title = "Beheer van domeinen, applicaties en connecties"

urlpatterns = [
    path("", include("portaal.urls")),
    path("health/", views.health, name="health"),
    path("inloggen/", account_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("beheer.accounts.urls")),
    path("admin/", admin.site.urls),
    path(".well-known/jwks.json", fhir_views.jwks, name="portal_jwks"),
    path("api/", include("api.urls")),
    path("", include("domeinen.urls")),
    path("", include("applicaties.urls")),
    path("", include("connectieaanvragen.urls")),
    path("", include("identiteit.urls")),
    path("", include("teams.urls")),
    path("", include("aanmeldingen.urls")),
]

# Error pages in the portal's layout; under /api/ problem details (beheer.views).
handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error
