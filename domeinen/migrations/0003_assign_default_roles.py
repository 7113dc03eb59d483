"""Give every existing instance the default role of its application's kind."""

from django.db import migrations


def forwards(apps, schema_editor):
    Applicatieinstantie = apps.get_model("domeinen", "Applicatieinstantie")
    Standaardrol = apps.get_model("rollen", "Standaardrol")
    defaults = dict(Standaardrol.objects.values_list("soort", "rol_id"))
    for instance in Applicatieinstantie.objects.filter(rol__isnull=True).select_related(
        "applicatie"
    ):
        rol_id = defaults.get(instance.applicatie.soort) or defaults.get("overig")
        if rol_id is None:
            raise RuntimeError("No default role for existing instances; load the roles first.")
        instance.rol_id = rol_id
        instance.save(update_fields=["rol"])


class Migration(migrations.Migration):
    dependencies = [
        ("domeinen", "0002_instance_role_and_role_history"),
        ("rollen", "0002_default_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
