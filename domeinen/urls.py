from django.urls import path

from domeinen import views

app_name = "domeinen"

urlpatterns = [
    path("domeinen/", views.domain_list, name="lijst"),
    path("domeinen/<slug:naam>/", views.domain_details, name="details"),
    path("domeinen/<slug:naam>/logboek/", views.domain_log, name="logboek"),
    path(
        "domeinen/<slug:naam>/applicatieinstanties/",
        views.domain_instances,
        name="instanties",
    ),
    path(
        "domeinen/<slug:naam>/applicatieinstanties/<uuid:client_id>/",
        views.instance_detail,
        name="instantie",
    ),
    path(
        "domeinen/<slug:naam>/applicatieinstanties/<uuid:client_id>/rol/",
        views.instance_role,
        name="instantie_rol",
    ),
    path(
        "applicaties/<int:pk>/applicatieinstanties/",
        views.application_instances,
        name="applicatie_instanties",
    ),
]
