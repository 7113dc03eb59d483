"""Indexes for support's search in the admin (beheer/audit/admin.py get_search_results): B-trees
for the exact matches on the object id and the address, and (PostgreSQL with pg_trgm) trigram
indexes for `icontains` on the person and the object's name (beheer/trigram.py). Without them
a search reads all records: 0.5 s at a million."""

from django.conf import settings
from django.db import migrations, models

from beheer.trigram import create_trigram_indexes, drop_indexes

TRIGRAM_INDEXES = {
    "audit_door_label_trgm_idx": ("audit_auditrecord", "door_label"),
    "audit_object_label_trgm_idx": ("audit_auditrecord", "object_label"),
}


def create(apps, schema_editor):
    create_trigram_indexes(schema_editor, TRIGRAM_INDEXES)


def drop(apps, schema_editor):
    drop_indexes(schema_editor, TRIGRAM_INDEXES)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_index_filters_of_the_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(fields=["object_id"], name="audit_object_id_idx"),
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(fields=["ip_adres"], name="audit_ip_adres_idx"),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
