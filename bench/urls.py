"""The product's URLs plus the bench's floor view."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/floor/", views.floor, name="bench_floor"),
    path("", include("beheer.urls")),
]
