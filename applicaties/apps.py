from django.apps import AppConfig


class ApplicatiesConfig(AppConfig):
    name = "applicaties"
    verbose_name = "Applicaties"
