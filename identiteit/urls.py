from django.urls import path

from identiteit import views

app_name = "identiteit"

urlpatterns = [
    path("domeinen/<slug:naam>/identity-providers/", views.idp_list, name="lijst"),
    path("domeinen/<slug:naam>/identity-providers/nieuw/", views.idp_new, name="nieuw"),
    path(
        "domeinen/<slug:naam>/identity-providers/<slug:logische_id>/",
        views.idp_edit,
        name="bewerken",
    ),
    path(
        "domeinen/<slug:naam>/identity-providers/<slug:logische_id>/verwijderen/",
        views.idp_delete,
        name="verwijderen",
    ),
    path(
        "domeinen/<slug:naam>/applicatieinstanties/<uuid:client_id>/identity-providers/",
        views.instance_idps,
        name="instantie",
    ),
    path(
        "applicaties/<int:pk>/applicatieinstanties/<uuid:client_id>/identity-providers/",
        views.application_instance_idps,
        name="applicatie_instantie",
    ),
]
