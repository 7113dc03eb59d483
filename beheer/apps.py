from django.apps import AppConfig
from django.core.signals import got_request_exception


class BeheerConfig(AppConfig):
    name = "beheer"
    verbose_name = "KT Beheer"

    def ready(self):
        from beheer.db import close_connections_with_stale_plans

        got_request_exception.connect(close_connections_with_stale_plans)
