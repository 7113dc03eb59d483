from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "beheer.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from beheer.accounts import services
        from beheer.outbox import registry

        registry.register_handler(services.PASSWORD_LINK_REQUEST_KIND, services.send_password_links)


class KTAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a default site that refuses staff without a verified 2FA device.

    Every `@admin.register` in the project registers on this site, so no app needs to know.
    Named explicitly in INSTALLED_APPS, so it is not this module's default config.
    """

    default = False
    default_site = "beheer.accounts.admin_site.KTAdminSite"
