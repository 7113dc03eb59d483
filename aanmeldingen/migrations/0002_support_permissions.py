"""Support reviews onboarding requests (aanmeldingen) in the admin."""

from django.db import migrations

from beheer.accounts.roles import grant_support_permissions

SUPPORT_ONBOARDING_PERMISSIONS = {
    "aanmeldingen": [
        "change_aanmelding",
        "view_aanmelding",
        "view_aanmeldingstatuswijziging",
    ],
}


def forwards(apps, schema_editor):
    grant_support_permissions(apps, SUPPORT_ONBOARDING_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("aanmeldingen", "0001_aanmelding"),
        ("accounts", "0002_support_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
