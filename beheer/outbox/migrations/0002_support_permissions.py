from django.db import migrations

from beheer.accounts.roles import grant_support_permissions

OUTBOX_PERMISSIONS = {"outbox": ["view_delivery", "change_delivery"]}


def grant(apps, schema_editor):
    grant_support_permissions(apps, OUTBOX_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("accounts", "0002_support_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
