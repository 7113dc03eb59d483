from django.urls import path

from portaal import views

urlpatterns = [
    path("", views.start, name="start"),
    path("te-beoordelen/", views.te_beoordelen, name="te_beoordelen"),
]
