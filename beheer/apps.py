from django.apps import AppConfig


class BeheerConfig(AppConfig):
    name = "beheer"
    verbose_name = "KT Beheer"

    def ready(self):
        from beheer import checks  # noqa: F401 - registers the deploy checks
