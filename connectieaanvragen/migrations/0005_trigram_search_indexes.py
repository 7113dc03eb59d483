"""A trigram index for the admin's search on a request's JWKS URI (PostgreSQL only).

The admin ORs `icontains` on the JWKS URI into its search (beheer/admin_util.py); without an
index PostgreSQL reads all requests for it (100,000 at production size). See
beheer/trigram.py for the why; pg_trgm is created by applicaties/migrations/0002 (or reported
as missing: then this one does nothing either)."""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

from beheer.trigram import trigram_opclass

INDEX = "aanvraag_jwks_uri_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "connectieaanvragen_connectieaanvraag" '
                f'USING gin ((UPPER("jwks_uri"::text)) {trigram_opclass(schema_editor)})'
            )
    except DatabaseError as exc:
        print(f"\n  Geen trigram-index op jwks_uri ({type(exc).__name__}); zoeken werkt, trager.")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("connectieaanvragen", "0004_open_first_indexes"),
        ("applicaties", "0002_trigram_search_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
