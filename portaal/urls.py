from django.urls import path

from portaal import views

urlpatterns = [
    path("", views.start, name="start"),
]
