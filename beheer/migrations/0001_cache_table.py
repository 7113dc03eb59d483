"""The database cache table (CACHE_TABLE in settings): the shared cache of production.

Created by `migrate`, so no operations step (`createcachetable`) has to be remembered. It is
made whatever CACHES says now, so a deployment can switch to it later without a new step.
"""

from django.core.management import call_command
from django.db import migrations

CACHE_TABLE = "kt_cache"


def create(apps, schema_editor):
    call_command("createcachetable", CACHE_TABLE, database=schema_editor.connection.alias)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create, drop)]
