"""Create the `support` group with the permissions the Itzos support desk needs.

Support works in the Django admin: accounts, domains, applications, requests and instances.
Nothing can be deleted (history must stay); lifecycle changes run through the services.
Later apps extend the group in their own data migrations with `grant_support_permissions`.
"""

from django.db import migrations

from beheer.accounts.roles import SUPPORT_PERMISSIONS, grant_support_permissions


def forwards(apps, schema_editor):
    grant_support_permissions(apps, SUPPORT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("applicaties", "0001_initial"),
        ("domeinen", "0001_initial"),
        ("connectieaanvragen", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
