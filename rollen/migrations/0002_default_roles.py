"""Load the default roles (EPD, Portaal, eHealth module) with a default per application kind,
and let support manage roles in the admin.

Like every support permission, without delete_*: roles are kept (instances and history point at
them). Removing a permission row from a role is editing the role (see RolAdmin's inlines)."""

from django.db import migrations

from beheer.accounts.roles import grant_support_permissions
from rollen.defaults import load_default_roles

SUPPORT_ROLE_PERMISSIONS = {
    "rollen": [
        "add_rol",
        "change_rol",
        "view_rol",
        "add_rolpermissie",
        "change_rolpermissie",
        "view_rolpermissie",
        "add_standaardrol",
        "change_standaardrol",
        "view_standaardrol",
    ],
}


def forwards(apps, schema_editor):
    load_default_roles(apps)
    grant_support_permissions(apps, SUPPORT_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("rollen", "0001_initial"),
        ("accounts", "0002_support_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
