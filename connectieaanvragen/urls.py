from django.urls import path

from connectieaanvragen import lifecycle_views, views

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
    # Issue 18: the applicatiebeheerder's request and instance pages (mail links point here),
    # withdrawing, change requests and their review.
    path(
        "applicaties/<int:pk>/connectieaanvragen/<int:aanvraag_pk>/",
        lifecycle_views.application_request_page,
        name="applicatie_aanvraag",
    ),
    path(
        "applicaties/<int:pk>/connectieaanvragen/<int:aanvraag_pk>/intrekken/",
        lifecycle_views.withdraw_request_view,
        name="intrekken",
    ),
    path(
        "applicaties/<int:pk>/applicatieinstanties/<uuid:client_id>/",
        lifecycle_views.application_instance_page,
        name="applicatie_instantie",
    ),
    path(
        "applicaties/<int:pk>/applicatieinstanties/<uuid:client_id>/wijziging/",
        lifecycle_views.request_change_view,
        name="wijziging_aanvragen",
    ),
    path(
        "applicaties/<int:pk>/wijzigingsverzoeken/<int:wijziging_pk>/intrekken/",
        lifecycle_views.withdraw_change_view,
        name="wijziging_intrekken",
    ),
    path(
        "domeinen/<slug:naam>/wijzigingsverzoeken/",
        lifecycle_views.domain_changes,
        name="domein_wijzigingen",
    ),
    path(
        "domeinen/<slug:naam>/wijzigingsverzoeken/<int:pk>/",
        lifecycle_views.review_change,
        name="wijziging_beoordelen",
    ),
    path(
        "domeinen/<slug:naam>/wijzigingsverzoeken/<int:pk>/accepteren/",
        lifecycle_views.accept_change_view,
        name="wijziging_accepteren",
    ),
    path(
        "domeinen/<slug:naam>/wijzigingsverzoeken/<int:pk>/weigeren/",
        lifecycle_views.refuse_change_view,
        name="wijziging_weigeren",
    ),
]
