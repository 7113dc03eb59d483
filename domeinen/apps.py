from django.apps import AppConfig


class DomeinenConfig(AppConfig):
    name = "domeinen"
    verbose_name = "Domeinen"
