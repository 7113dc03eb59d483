from django.apps import AppConfig
from django.core.signals import got_request_exception
from django.db.backends.signals import connection_created


class BeheerConfig(AppConfig):
    name = "beheer"
    verbose_name = "KT Beheer"

    def ready(self):
        from beheer import checks  # noqa: F401 - registers the deploy checks
        from beheer.db import close_connections_with_stale_plans, read_timestamps_with_psycopg

        got_request_exception.connect(close_connections_with_stale_plans)
        connection_created.connect(read_timestamps_with_psycopg)
