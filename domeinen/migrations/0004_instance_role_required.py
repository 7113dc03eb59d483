import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("domeinen", "0003_assign_default_roles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="applicatieinstantie",
            name="rol",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="instanties",
                to="rollen.rol",
                verbose_name="rol",
            ),
        ),
    ]
