"""Trigram indexes for the searches on application name and vendor (PostgreSQL only).

The instance search of a domain and the admin's searches match `icontains` on these columns:
`UPPER(naam::text) LIKE UPPER('%term%')`, which a B-tree cannot answer, so PostgreSQL read all
applications twice per search page (count and page, 1.9 ms each at 2,000 applications). A GIN
index with pg_trgm's operator class on exactly that expression answers it for terms of three
letters or more. Not in the models' Meta: SQLite has no such index and the ORM state stays the
same on both databases.

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. Where that or
an index fails, the migration goes on without these indexes (searches stay correct, only slower)
and says so; run it again (migrate back to 0001 and forward) once pg_trgm is there."""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

INDEXES = {
    "applicatie_naam_trgm_idx": ("applicaties_applicatie", "naam"),
    "applicatie_leverancier_trgm_idx": ("applicaties_applicatie", "leverancier"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        # One savepoint for the extension and the indexes: any failure leaves neither behind
        # and lets the rest of the migration go on.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            opclass = trigram_opclass(schema_editor)
            for name, (table, column) in INDEXES.items():
                schema_editor.execute(
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                    f'USING gin ((UPPER("{column}"::text)) {opclass})'
                )
    except DatabaseError as exc:
        print(f"\n  Geen trigram-indexen ({type(exc).__name__}); zoeken werkt, alleen trager.")


def trigram_opclass(schema_editor) -> str:
    """pg_trgm's operator class, qualified with the schema the extension lives in (managed
    PostgreSQL often installs extensions in a schema outside the search path)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
        (schema,) = cursor.fetchone()
    return f"{schema_editor.quote_name(schema)}.gin_trgm_ops"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("applicaties", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
