from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "beheer.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from beheer.api import schema  # noqa: F401  (registers the OpenAPI auth extensions)
