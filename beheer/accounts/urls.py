from django.urls import path

from beheer.accounts import views

app_name = "accounts"

urlpatterns = [
    path("inloggen/code/", views.two_factor_verify, name="two_factor_verify"),
    path("account/tweestapsverificatie/", views.two_factor_setup, name="two_factor_setup"),
    path("account/wachtwoord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord-vergeten/", views.password_forgotten, name="password_forgotten"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        views.password_forgotten_done,
        name="password_forgotten_done",
    ),
    path(
        "wachtwoord-instellen/<uidb64>/<token>/",
        views.PasswordSetView.as_view(),
        name="password_set",
    ),
    path(
        "wachtwoord-instellen/klaar/",
        views.PasswordSetDoneView.as_view(),
        name="password_set_done",
    ),
]
