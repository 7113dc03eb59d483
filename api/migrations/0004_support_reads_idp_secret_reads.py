"""Support sees (read-only) every read of the IdP secrets in the admin."""

from django.db import migrations

from beheer.accounts.roles import grant_support_permissions


def forwards(apps, schema_editor):
    grant_support_permissions(apps, {"api": ["view_idpgeheimlezing"]})


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0003_domain_key_idp_secret_scope"),
        ("accounts", "0002_support_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
