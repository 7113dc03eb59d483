"""A second URLconf for tests/beheer/test_jinja.py: the same names at other paths."""

from django.http import HttpResponse
from django.urls import path


def _view(request, *args, **kwargs):
    return HttpResponse("")


urlpatterns = [path("elders/", _view, name="start")]
