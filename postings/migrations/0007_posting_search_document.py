"""Full-text search over postings on PostgreSQL: a stored, weighted search document per posting.

A generated column (title weighted A, text weighted B) indexed with GIN replaces the expression
index of 0004: ranking then reads the stored document instead of parsing every candidate's text
again. PostgreSQL keeps it current on every write; it exists only on PostgreSQL (SQLite searches
without it) and is not a model field, so the model state does not change.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')"
)
FORWARD = [
    "DROP INDEX IF EXISTS posting_search_document",
    f"ALTER TABLE postings_posting ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX posting_search_document ON postings_posting USING gin (search_document)",
    # Statistics of the new column, so the planner knows a common word matches half the postings.
    "ANALYZE postings_posting",
]
BACKWARD = [
    "DROP INDEX IF EXISTS posting_search_document",
    "ALTER TABLE postings_posting DROP COLUMN IF EXISTS search_document",
    "CREATE INDEX posting_search_document ON postings_posting USING gin "
    "(to_tsvector('english'::regconfig, ((COALESCE(title, ''::character varying))::text || ' '::text) "
    "|| COALESCE(description, ''::text)))",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("postings", "0006_postingskill_skill_posting")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
