from django.apps import AppConfig


class AanmeldingenConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "aanmeldingen"
    verbose_name = "Aanmeldingen"
