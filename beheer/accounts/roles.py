"""The support role as data: which permissions the `support` group holds.

Used by data migrations, so it works with historical models (`apps`) only.
"""

from beheer.accounts.models import SUPPORT_GROUP

SUPPORT_PERMISSIONS: dict[str, list[str]] = {
    "accounts": ["add_user", "change_user", "view_user"],
    "auth": ["view_group"],
    "applicaties": ["add_applicatie", "change_applicatie", "view_applicatie"],
    "domeinen": [
        "add_domein",
        "change_domein",
        "view_domein",
        "change_applicatieinstantie",
        "view_applicatieinstantie",
        "view_instantiestatuswijziging",
    ],
    "connectieaanvragen": [
        "add_connectieaanvraag",
        "change_connectieaanvraag",
        "view_connectieaanvraag",
        "view_aanvraagstatuswijziging",
    ],
}


def grant_support_permissions(apps, permissions: dict[str, list[str]]) -> None:
    """Create missing permissions (they normally appear only after migrate) and grant them."""
    from django.contrib.auth.management import create_permissions

    for app_label in permissions:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SUPPORT_GROUP)
    for app_label, codenames in permissions.items():
        found = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(found.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*found)
