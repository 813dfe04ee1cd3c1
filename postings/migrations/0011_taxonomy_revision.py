"""The taxonomy revision row and the triggers that move it on every write to skills and aliases."""

from django.db import migrations, models

TABLES = ("postings_skill", "postings_skillalias")

# One statement per write statement on PostgreSQL; SQLite has row triggers only (small taxonomies there).
BUMP = (
    "INSERT INTO postings_taxonomyrevision (id, revision, changed_at) VALUES (1, 1, {now}) "
    "ON CONFLICT (id) DO UPDATE SET revision = postings_taxonomyrevision.revision + 1, changed_at = {now}"
)
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION postings_taxonomy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {BUMP.format(now="clock_timestamp()")};
    RETURN NULL;
END
$$
"""
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _executor(schema_editor):
    # No parameters: the SQL is sent as written (its % signs are strftime's, not placeholders).
    return lambda sql: schema_editor.execute(sql, params=None)


def create_triggers(apps, schema_editor):
    execute = _executor(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        execute(POSTGRES_FUNCTION)
        for table in TABLES:
            execute(
                f"CREATE TRIGGER {table}_taxonomy_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION postings_taxonomy_changed()"
            )
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                execute(
                    f"CREATE TRIGGER {table}_taxonomy_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {BUMP.format(now=SQLITE_NOW)}; END"
                )
    else:
        raise NotImplementedError(f"No taxonomy revision triggers for {schema_editor.connection.vendor}.")
    # The taxonomy already there counts as its first revision.
    execute(BUMP.format(now="CURRENT_TIMESTAMP"))


def drop_triggers(apps, schema_editor):
    execute = _executor(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            execute(f"DROP TRIGGER IF EXISTS {table}_taxonomy_changed ON {table}")
        execute("DROP FUNCTION IF EXISTS postings_taxonomy_changed()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                execute(f"DROP TRIGGER IF EXISTS {table}_taxonomy_{event}")


class Migration(migrations.Migration):

    dependencies = [
        ("postings", "0001_squashed_0010_counted_cells_and_search"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaxonomyRevision",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False)),
                ("revision", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
