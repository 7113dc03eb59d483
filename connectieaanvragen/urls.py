from django.urls import path

from connectieaanvragen import views

app_name = "connectieaanvragen"

urlpatterns = [
    path(
        "domeinen/<slug:naam>/connectieaanvragen/",
        views.domain_requests,
        name="domein_aanvragen",
    ),
    # The review link in the "Nieuwe connectieaanvraag" e-mail points here; keep this path.
    path("domeinen/<slug:naam>/connectieaanvragen/<int:pk>/", views.review, name="beoordelen"),
    path(
        "domeinen/<slug:naam>/connectieaanvragen/<int:pk>/accepteren/",
        views.accept,
        name="accepteren",
    ),
    path(
        "domeinen/<slug:naam>/connectieaanvragen/<int:pk>/weigeren/",
        views.refuse,
        name="weigeren",
    ),
    path(
        "domeinen/<slug:naam>/connectieaanvragen/<int:pk>/sleutels-controleren/",
        views.recheck_keys,
        name="sleutels_controleren",
    ),
    path(
        "applicaties/<int:pk>/connectieaanvragen/",
        views.application_requests,
        name="applicatie_aanvragen",
    ),
    path(
        "applicaties/<int:pk>/connectieaanvragen/nieuw/",
        views.new_request,
        name="nieuw",
    ),
]
