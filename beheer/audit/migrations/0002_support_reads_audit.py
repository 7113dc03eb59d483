from django.db import migrations

from beheer.accounts.roles import grant_support_permissions


def grant(apps, schema_editor):
    grant_support_permissions(apps, {"audit": ["view_auditrecord"]})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_audit_record"),
        ("accounts", "0002_support_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
