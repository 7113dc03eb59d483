"""Support files, decides and withdraws change requests in the admin (issue 18)."""

from django.db import migrations

from beheer.accounts.roles import grant_support_permissions

CHANGE_REQUEST_PERMISSIONS = {
    "connectieaanvragen": [
        "add_wijzigingsverzoek",
        "change_wijzigingsverzoek",
        "view_wijzigingsverzoek",
        "view_wijzigingstatuswijziging",
    ]
}


def grant(apps, schema_editor):
    grant_support_permissions(apps, CHANGE_REQUEST_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("connectieaanvragen", "0006_lifecycle_withdraw_changes_keycheck"),
        ("accounts", "0002_support_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
