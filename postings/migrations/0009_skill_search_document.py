"""Full-text search over skills on PostgreSQL: a stored, weighted search document per skill.

The same document the site search used to build at every query (name weighted A, description B),
as a generated column with a GIN index: a search reads it instead of parsing every skill's text
again, which matters once an imported taxonomy holds thousands of skills. PostgreSQL keeps it
current on every write; it exists only on PostgreSQL (SQLite searches without it) and is not a
model field, so the model state does not change.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')"
)
FORWARD = [
    f"ALTER TABLE postings_skill ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX skill_search_document ON postings_skill USING gin (search_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS skill_search_document",
    "ALTER TABLE postings_skill DROP COLUMN IF EXISTS search_document",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("postings", "0008_merge_taxonomy_and_search")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
