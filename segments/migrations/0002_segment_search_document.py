"""Full-text search over segments on PostgreSQL: a stored, weighted search document per segment.

The same document the site search used to build at every query (name weighted A; summary, what
the segment optimises for and its pitfalls weighted B), as a generated column with a GIN index:
a search reads it instead of parsing every segment's text again. PostgreSQL keeps it current on
every write; it exists only on PostgreSQL (SQLite searches without it) and is not a model field,
so the model state does not change.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(summary, '') || ' ' || coalesce(optimises_for, '') "
    "|| ' ' || coalesce(pitfalls, '')), 'B')"
)
FORWARD = [
    f"ALTER TABLE segments_segment ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX segment_search_document ON segments_segment USING gin (search_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS segment_search_document",
    "ALTER TABLE segments_segment DROP COLUMN IF EXISTS search_document",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("segments", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
