"""Full-text search over postings on PostgreSQL: a GIN index on the expression the site search uses.

The index exists only on PostgreSQL (SQLite searches without it), so it is created here rather
than declared in ``Posting.Meta``; the model state does not change.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("title", "description", config="english"), name="posting_search_document")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("postings", "Posting"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("postings", "Posting"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("postings", "0003_ingestion")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
