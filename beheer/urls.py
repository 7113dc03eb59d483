from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from beheer import views

admin.site.site_header = "KT Beheer — support"
admin.site.site_title = "KT Beheer"
admin.site.index_title = "Beheer van domeinen, applicaties en connecties"

urlpatterns = [
    path("", views.start, name="start"),
    path("health/", views.health, name="health"),
    path(
        "inloggen/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("bench/floor/", views.bench_floor, name="bench_floor"),
]
