"""Trigram indexes for the searches on application name and vendor (PostgreSQL only).

The instance search of a domain and the admin's searches match `icontains` on these columns,
so PostgreSQL read all applications twice per search page (count and page, 1.9 ms each at 2,000
applications). How the indexes work and what happens without pg_trgm: beheer/trigram.py."""

from django.db import migrations

from beheer.trigram import create_trigram_indexes, drop_indexes

INDEXES = {
    "applicatie_naam_trgm_idx": ("applicaties_applicatie", "naam"),
    "applicatie_leverancier_trgm_idx": ("applicaties_applicatie", "leverancier"),
}


def create(apps, schema_editor):
    create_trigram_indexes(schema_editor, INDEXES)


def drop(apps, schema_editor):
    drop_indexes(schema_editor, INDEXES)


class Migration(migrations.Migration):
    dependencies = [("applicaties", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
