"""Skill links carry the demand cell they count in, so the drain recounts one cell from one index."""

from django.db import migrations, models
from django.db.models import Case, OuterRef, Q, Subquery, When
from django.db.models.functions import TruncMonth


def copy_counted_cells(apps, schema_editor):
    """Fill the new columns from each link's posting (the same rule as ``postings.demand.marks``)."""
    Posting = apps.get_model("postings", "Posting")
    PostingSkill = apps.get_model("postings", "PostingSkill")
    counted = Posting.objects.filter(Q(status="published", duplicate_of__isnull=True), pk=OuterRef("posting_id"))
    month = counted.annotate(month=TruncMonth("posted_on")).values("month")[:1]
    rejected = When(state="rejected", then=None)
    PostingSkill.objects.update(
        counted_segment_id=Case(rejected, default=Subquery(counted.values("segment_id")[:1])),
        counted_month=Case(rejected, default=Subquery(month)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0008_merge_taxonomy_and_search"),
        ("segments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="postingskill",
            name="counted_month",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="postingskill",
            name="counted_segment_id",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(copy_counted_cells, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(
                condition=models.Q(("duplicate_of__isnull", True), ("status", "published")),
                fields=["segment", "posted_on"],
                name="posting_counted_segment_date",
            ),
        ),
        migrations.AddIndex(
            model_name="postingskill",
            index=models.Index(
                condition=models.Q(("counted_month__isnull", False)),
                fields=["counted_segment_id", "counted_month", "skill"],
                name="postingskill_counted_cell",
            ),
        ),
    ]
