from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentiteitConfig(AppConfig):
    name = "identiteit"
    verbose_name = _("Identity providers")

    def ready(self):
        from identiteit import checks  # noqa: F401  (registers the system checks)
