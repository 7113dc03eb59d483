from django.urls import path

from aanmeldingen import views

app_name = "aanmeldingen"

urlpatterns = [
    path("aanmelden/", views.index, name="index"),
    path("aanmelden/verstuurd/", views.sent, name="verstuurd"),
    path("aanmelden/<slug:soort>/", views.new_request, name="nieuw"),
]
