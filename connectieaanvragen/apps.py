from django.apps import AppConfig


class ConnectieaanvragenConfig(AppConfig):
    name = "connectieaanvragen"
    verbose_name = "Connectieaanvragen"
