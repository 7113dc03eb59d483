"""Support manages identity providers in the admin and reads their history. Like every support
permission, no delete: an IdP is removed through the service (portal page, with confirmation)."""

from django.db import migrations

from beheer.accounts.roles import grant_support_permissions

SUPPORT_PERMISSIONS = {
    "identiteit": [
        "add_identityprovider",
        "change_identityprovider",
        "view_identityprovider",
        "view_instantieidp",
        "view_idpwijziging",
    ],
}


def forwards(apps, schema_editor):
    grant_support_permissions(apps, SUPPORT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("identiteit", "0001_initial"),
        ("accounts", "0002_support_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
