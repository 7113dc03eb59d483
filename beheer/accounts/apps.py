from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "beheer.accounts"
    label = "accounts"
    verbose_name = "Accounts"
