"""Trigram indexes (pg_trgm) for `icontains` searches on large tables; PostgreSQL only, made by
migrations (RunPython), not in the models' Meta: SQLite has no such index and the ORM state stays
the same on both databases.

`icontains` is `UPPER(col::text) LIKE UPPER('%term%')`, which a B-tree cannot answer; a GIN
index with pg_trgm's operator class on exactly that expression answers it for terms of three
letters or more. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create
it. Where that or an index fails, the migration goes on without the indexes (searches stay
correct, only slower) and says so; run it again (migrate back and forward) once pg_trgm is there.
"""

from django.db import transaction
from django.db.utils import DatabaseError


def create_trigram_indexes(schema_editor, indexes: dict[str, tuple[str, str]]) -> None:
    """`indexes`: index name -> (table, column)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        # One savepoint for the extension and the indexes: any failure leaves neither behind
        # and lets the rest of the migration go on.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            opclass = trigram_opclass(schema_editor)
            for name, (table, column) in indexes.items():
                schema_editor.execute(
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                    f'USING gin ((UPPER("{column}"::text)) {opclass})'
                )
    except DatabaseError as exc:
        print(f"\n  Geen trigram-indexen ({type(exc).__name__}); zoeken werkt, alleen trager.")


def drop_indexes(schema_editor, names) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


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
