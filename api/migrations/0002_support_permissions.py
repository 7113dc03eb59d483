"""Support makes and revokes API keys of domains and personal tokens in the admin."""

from django.db import migrations

from beheer.accounts.roles import grant_support_permissions

SUPPORT_API_PERMISSIONS = {
    "api": [
        "add_domeinapisleutel",
        "change_domeinapisleutel",
        "view_domeinapisleutel",
        "add_persoonlijktoken",
        "change_persoonlijktoken",
        "view_persoonlijktoken",
    ],
}


def forwards(apps, schema_editor):
    grant_support_permissions(apps, SUPPORT_API_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("accounts", "0002_support_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
