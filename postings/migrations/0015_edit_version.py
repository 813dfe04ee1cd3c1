"""Edit versions of postings and skills, and the permission to send postings of any source through the API."""

from importlib import import_module

from django.db import migrations, models

taxonomy_revision = import_module("postings.migrations.0011_taxonomy_revision")


def restore_sqlite_triggers(apps, schema_editor):
    """SQLite adds a column with a default by rebuilding the table, which drops its triggers: create them again."""
    if schema_editor.connection.vendor == "sqlite":
        taxonomy_revision.drop_triggers(apps, schema_editor)
        taxonomy_revision.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0014_skill_trigram_search'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='posting',
            options={
                'ordering': ['-posted_on', '-id'],
                'permissions': [('write_any_source', 'Can send postings of any source through the API')],
            },
        ),
        migrations.AddField(
            model_name='historicalposting',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, help_text='How many times it was saved.'),
        ),
        migrations.AddField(
            model_name='historicalskill',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, help_text='How many times it was saved.'),
        ),
        migrations.AddField(
            model_name='posting',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, help_text='How many times it was saved.'),
        ),
        migrations.AddField(
            model_name='skill',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, help_text='How many times it was saved.'),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
