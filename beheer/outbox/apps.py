from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "beheer.outbox"
    label = "outbox"
    verbose_name = _("Uitgaande berichten")

    def ready(self):
        from beheer.outbox import email, registry

        registry.register_handler(email.KIND, email.send_email_delivery)
