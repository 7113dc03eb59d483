from django.urls import path

from applicaties import views

app_name = "applicaties"

urlpatterns = [
    path("applicaties/", views.application_list, name="lijst"),
    path("applicaties/<int:pk>/", views.application_details, name="details"),
    path("applicaties/<int:pk>/logboek/", views.application_log, name="logboek"),
]
