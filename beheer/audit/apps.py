from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "beheer.audit"
    label = "audit"
    verbose_name = "Logboek"

    def ready(self):
        # Login, failed login, lockout and logout come from django.contrib.auth and django-axes
        # as signals; the receivers write the audit record (beheer.audit.signals).
        from beheer.audit import signals  # noqa: F401
