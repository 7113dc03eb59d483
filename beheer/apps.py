from django.apps import AppConfig


class BeheerConfig(AppConfig):
    name = "beheer"
    verbose_name = "KT Beheer"
