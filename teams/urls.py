from django.urls import path

from teams import views

app_name = "teams"

urlpatterns = [
    path("domeinen/<slug:naam>/beheerders/", views.domain_team, name="domein"),
    path(
        "domeinen/<slug:naam>/beheerders/<int:user_id>/verwijderen/",
        views.domain_team_remove,
        name="domein_verwijderen",
    ),
    path(
        "domeinen/<slug:naam>/beheerders/<int:user_id>/verlengen/",
        views.domain_team_extend,
        name="domein_verlengen",
    ),
    path("applicaties/<int:pk>/beheerders/", views.application_team, name="applicatie"),
    path(
        "applicaties/<int:pk>/beheerders/<int:user_id>/verwijderen/",
        views.application_team_remove,
        name="applicatie_verwijderen",
    ),
    path(
        "applicaties/<int:pk>/beheerders/<int:user_id>/verlengen/",
        views.application_team_extend,
        name="applicatie_verlengen",
    ),
]
