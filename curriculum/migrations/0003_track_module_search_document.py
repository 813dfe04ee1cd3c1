"""Full-text search over tracks and modules on PostgreSQL: a stored, weighted search document for each.

The same documents the site search used to build at every query (a track's title weighted A and
its summary B; a module's title A, its summary and body B), as generated columns with GIN
indexes: a search reads them instead of parsing every track's and module's text again.
PostgreSQL keeps them current on every write; they exist only on PostgreSQL (SQLite searches
without them) and are not model fields, so the model state does not change.
"""

from django.db import migrations

TRACK_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')"
)
MODULE_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(summary, '') || ' ' || coalesce(body, '')), 'B')"
)
FORWARD = [
    f"ALTER TABLE curriculum_track ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({TRACK_DOCUMENT}) STORED",
    "CREATE INDEX track_search_document ON curriculum_track USING gin (search_document)",
    f"ALTER TABLE curriculum_module ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({MODULE_DOCUMENT}) STORED",
    "CREATE INDEX module_search_document ON curriculum_module USING gin (search_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS module_search_document",
    "ALTER TABLE curriculum_module DROP COLUMN IF EXISTS search_document",
    "DROP INDEX IF EXISTS track_search_document",
    "ALTER TABLE curriculum_track DROP COLUMN IF EXISTS search_document",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("curriculum", "0002_coverage")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
