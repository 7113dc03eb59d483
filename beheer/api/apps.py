from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "beheer.api"
    label = "api"
    verbose_name = "API"
