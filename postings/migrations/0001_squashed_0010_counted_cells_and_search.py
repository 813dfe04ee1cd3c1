"""Postings from the first model to the skill links' counted cells, in one linear migration.

It replaces 0001 to 0010, which had two 0004s, two 0009s and two merge migrations (0008, 0010)
from branches developed in parallel. A database that applied all of those is marked as having
applied this one, without running anything; an empty database runs this instead. The operations
are those of the replaced migrations in the same order, except:

- the PostgreSQL search documents (postings: title A, description B; skills: name A, description
  B; generated columns with GIN indexes, not model fields) are created last, in one step each;
- the expression index of the old 0004, which the old 0007 dropped again, is not created;
- the old 0009's copy of each link's counted cell is left out: an empty database has no links.

Keep ``replaces``: it is what lets a database migrated with the old files carry on. A database
stopped part-way through the old 0001 to 0010 (``migrate postings 0007``, say) cannot use this
migration: restore the old files for one run (``git checkout <commit before the squash> --
postings/migrations``, ``migrate``), then return to these.
"""

import datetime
import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import simple_history.models
from django.conf import settings
from django.db import migrations, models

SEARCH_DOCUMENTS = {
    # table: the weighted document of the generated column (the same text as the old 0007 and 0009)
    "postings_posting": (
        "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(description, '')), 'B')"
    ),
    "postings_skill": (
        "setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || "
        "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')"
    ),
}
INDEX_NAMES = {"postings_posting": "posting_search_document", "postings_skill": "skill_search_document"}


def create_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches without stored documents.
    for table, document in SEARCH_DOCUMENTS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({document}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {INDEX_NAMES[table]} ON {table} USING gin (search_document)")


def drop_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCH_DOCUMENTS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAMES[table]}")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document")


class Migration(migrations.Migration):

    replaces = [
        ("postings", "0001_initial"),
        ("postings", "0002_demand_engine"),
        ("postings", "0003_ingestion"),
        ("postings", "0004_posting_search_index"),
        ("postings", "0005_posting_published_recent"),
        ("postings", "0006_postingskill_skill_posting"),
        ("postings", "0007_posting_search_document"),
        ("postings", "0004_skill_editor_fields_and_merges"),
        ("postings", "0008_merge_taxonomy_and_search"),
        ("postings", "0009_skill_search_document"),
        ("postings", "0009_postingskill_counted_cell"),
        ("postings", "0010_merge_counted_cell_and_skill_search"),
    ]

    initial = True

    dependencies = [
        ("segments", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Skill',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('archived', 'Archived')], db_index=True, default='draft', max_length=16)),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('name', models.CharField(max_length=255)),
                ('slug', models.SlugField(max_length=255, unique=True)),
                ('type', models.CharField(choices=[('tool', 'Tool or technology'), ('practice', 'Practice'), ('soft_skill', 'Soft skill'), ('certification', 'Certification')], default='tool', max_length=16)),
                ('description', models.TextField(blank=True)),
                ('name_ambiguous', models.BooleanField(default=False, help_text="The name is an ordinary word ('Go', 'Helm').", verbose_name='name needs context')),
                ('source', models.CharField(default='curated', help_text='Where the skill came from.', max_length=40)),
                ('esco_uri', models.CharField(blank=True, db_index=True, max_length=255, verbose_name='ESCO URI')),
                ('onet_code', models.CharField(blank=True, db_index=True, max_length=20, verbose_name='O*NET commodity code')),
                ('onet_hot_technology', models.BooleanField(default=False, verbose_name='O*NET hot technology')),
                ('onet_in_demand', models.BooleanField(default=False, verbose_name='O*NET in demand')),
                ('editor_edited_at', models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                'ordering': ['name'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Employer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('slug', models.SlugField(max_length=200, unique=True)),
                ('website', models.URLField(blank=True)),
            ],
            options={
                'ordering': ['name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='employer_name_not_empty')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalEmployer',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=200)),
                ('slug', models.SlugField(max_length=200)),
                ('website', models.URLField(blank=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical employer',
                'verbose_name_plural': 'historical employers',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSkillCategory',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=255)),
                ('slug', models.SlugField(max_length=255)),
                ('description', models.TextField(blank=True)),
                ('display_order', models.PositiveSmallIntegerField(default=0)),
                ('source', models.CharField(default='curated', help_text='Where the category came from.', max_length=40)),
                ('external_id', models.CharField(blank=True, help_text='Its identifier at the source (a UNSPSC commodity code, an ESCO code).', max_length=255)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical skill category',
                'verbose_name_plural': 'historical skill categories',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Posting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('archived', 'Archived')], db_index=True, default='draft', max_length=16)),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('title', models.CharField(max_length=300)),
                ('description', models.TextField(validators=[django.core.validators.MaxLengthValidator(100000)])),
                ('location', models.CharField(blank=True, max_length=200)),
                ('posted_on', models.DateField(db_index=True)),
                ('url', models.URLField(blank=True, max_length=500)),
                ('source', models.SlugField(default='manual', max_length=60)),
                ('external_id', models.CharField(max_length=200)),
                ('duplicate_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='duplicates', to='postings.posting')),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='postings', to='postings.employer')),
                ('segment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='postings', to='segments.segment')),
            ],
            options={
                'ordering': ['-posted_on', '-id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='HistoricalPosting',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('archived', 'Archived')], db_index=True, default='draft', max_length=16)),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('title', models.CharField(max_length=300)),
                ('description', models.TextField(validators=[django.core.validators.MaxLengthValidator(100000)])),
                ('location', models.CharField(blank=True, max_length=200)),
                ('posted_on', models.DateField(db_index=True)),
                ('url', models.URLField(blank=True, max_length=500)),
                ('source', models.SlugField(default='manual', max_length=60)),
                ('external_id', models.CharField(max_length=200)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('employer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='postings.employer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('segment', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='segments.segment')),
                ('duplicate_of', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='postings.posting')),
            ],
            options={
                'verbose_name': 'historical posting',
                'verbose_name_plural': 'historical postings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PostingSkill',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('auto', 'Found by the extractor'), ('accepted', 'Accepted by an editor'), ('rejected', 'Rejected by an editor'), ('added', 'Added by an editor')], default='added', max_length=10)),
                ('matched_text', models.CharField(blank=True, help_text='The words in the posting that matched.', max_length=255)),
                ('start', models.PositiveIntegerField(blank=True, help_text='Offset of the match in the text.', null=True)),
                ('end', models.PositiveIntegerField(blank=True, null=True)),
                ('extractor_version', models.CharField(blank=True, max_length=40)),
                ('posting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='posting_skills', to='postings.posting')),
                ('skill', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='posting_skills', to='postings.skill')),
            ],
        ),
        migrations.AddField(
            model_name='posting',
            name='skills',
            field=models.ManyToManyField(blank=True, related_name='postings', through='postings.PostingSkill', to='postings.skill'),
        ),
        migrations.CreateModel(
            name='HistoricalSkillAlias',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('text', models.CharField(max_length=255)),
                ('case_sensitive', models.BooleanField(default=False)),
                ('ambiguous', models.BooleanField(default=False, help_text="Counts only with supporting context ('Spark').")),
                ('source', models.CharField(default='curated', max_length=40)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('skill', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='postings.skill')),
            ],
            options={
                'verbose_name': 'historical skill alias',
                'verbose_name_plural': 'historical skill aliases',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPostingSkill',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('state', models.CharField(choices=[('auto', 'Found by the extractor'), ('accepted', 'Accepted by an editor'), ('rejected', 'Rejected by an editor'), ('added', 'Added by an editor')], default='added', max_length=10)),
                ('matched_text', models.CharField(blank=True, help_text='The words in the posting that matched.', max_length=255)),
                ('start', models.PositiveIntegerField(blank=True, help_text='Offset of the match in the text.', null=True)),
                ('end', models.PositiveIntegerField(blank=True, null=True)),
                ('extractor_version', models.CharField(blank=True, max_length=40)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('posting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='postings.posting')),
                ('skill', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='postings.skill')),
            ],
            options={
                'verbose_name': 'historical posting skill',
                'verbose_name_plural': 'historical posting skills',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='SkillAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(max_length=255)),
                ('case_sensitive', models.BooleanField(default=False)),
                ('ambiguous', models.BooleanField(default=False, help_text="Counts only with supporting context ('Spark').")),
                ('source', models.CharField(default='curated', max_length=40)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('skill', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='postings.skill')),
            ],
            options={
                'verbose_name_plural': 'skill aliases',
                'ordering': ['text'],
            },
        ),
        migrations.CreateModel(
            name='SkillCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=255, unique=True)),
                ('slug', models.SlugField(max_length=255, unique=True)),
                ('description', models.TextField(blank=True)),
                ('display_order', models.PositiveSmallIntegerField(default=0)),
                ('source', models.CharField(default='curated', help_text='Where the category came from.', max_length=40)),
                ('external_id', models.CharField(blank=True, help_text='Its identifier at the source (a UNSPSC commodity code, an ESCO code).', max_length=255)),
            ],
            options={
                'verbose_name_plural': 'skill categories',
                'ordering': ['display_order', 'name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='skillcategory_name_not_empty')],
            },
        ),
        migrations.AddField(
            model_name='skill',
            name='category',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='skills', to='postings.skillcategory'),
        ),
        migrations.CreateModel(
            name='HistoricalSkill',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('archived', 'Archived')], db_index=True, default='draft', max_length=16)),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('name', models.CharField(max_length=255)),
                ('slug', models.SlugField(max_length=255)),
                ('type', models.CharField(choices=[('tool', 'Tool or technology'), ('practice', 'Practice'), ('soft_skill', 'Soft skill'), ('certification', 'Certification')], default='tool', max_length=16)),
                ('description', models.TextField(blank=True)),
                ('name_ambiguous', models.BooleanField(default=False, help_text="The name is an ordinary word ('Go', 'Helm').", verbose_name='name needs context')),
                ('source', models.CharField(default='curated', help_text='Where the skill came from.', max_length=40)),
                ('esco_uri', models.CharField(blank=True, db_index=True, max_length=255, verbose_name='ESCO URI')),
                ('onet_code', models.CharField(blank=True, db_index=True, max_length=20, verbose_name='O*NET commodity code')),
                ('onet_hot_technology', models.BooleanField(default=False, verbose_name='O*NET hot technology')),
                ('onet_in_demand', models.BooleanField(default=False, verbose_name='O*NET in demand')),
                ('editor_edited_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('category', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='postings.skillcategory')),
            ],
            options={
                'verbose_name': 'historical skill',
                'verbose_name_plural': 'historical skills',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name='postingskill',
            constraint=models.UniqueConstraint(fields=('posting', 'skill'), name='postingskill_unique'),
        ),
        migrations.AddConstraint(
            model_name='postingskill',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['auto', 'accepted', 'rejected', 'added'])), name='postingskill_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='postingskill',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('end__isnull', True), ('start__isnull', True)), ('end__gt', models.F('start')), _connector='OR'), name='postingskill_span_valid'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(fields=['segment', 'posted_on'], name='posting_segment_posted_on'),
        ),
        migrations.AddConstraint(
            model_name='posting',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'published', 'archived'])), name='postings_posting_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='posting',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='postings_posting_published_has_date'),
        ),
        migrations.AddConstraint(
            model_name='posting',
            constraint=models.UniqueConstraint(fields=('source', 'external_id'), name='posting_source_external_id_unique'),
        ),
        migrations.AddConstraint(
            model_name='posting',
            constraint=models.CheckConstraint(condition=models.Q(('posted_on__gte', datetime.date(2000, 1, 1))), name='posting_posted_on_min'),
        ),
        migrations.AddConstraint(
            model_name='posting',
            constraint=models.CheckConstraint(condition=models.Q(('title', ''), _negated=True), name='posting_title_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='posting',
            constraint=models.CheckConstraint(condition=models.Q(('external_id', ''), _negated=True), name='posting_external_id_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='skillalias',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('text'), name='skillalias_text_unique_ci', violation_error_message='This alias already exists (aliases are compared ignoring case).'),
        ),
        migrations.AddConstraint(
            model_name='skillalias',
            constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='skillalias_text_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='skill',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'published', 'archived'])), name='postings_skill_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='skill',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='postings_skill_published_has_date'),
        ),
        migrations.AddConstraint(
            model_name='skill',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), name='skill_name_unique_ci', violation_error_message='A skill with this name already exists (names are compared ignoring case).'),
        ),
        migrations.AddConstraint(
            model_name='skill',
            constraint=models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='skill_name_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='skill',
            constraint=models.CheckConstraint(condition=models.Q(('type__in', ['tool', 'practice', 'soft_skill', 'certification'])), name='skill_type_valid'),
        ),
        migrations.CreateModel(
            name='DemandRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('incremental', 'Incremental (marked cells)'), ('full', 'Full recompute'), ('verify', 'Verify only')], max_length=12)),
                ('trigger', models.CharField(help_text='beat, task, command or admin', max_length=20)),
                ('started_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('marks', models.PositiveIntegerField(default=0, help_text='Dirty marks claimed.')),
                ('cells', models.PositiveIntegerField(default=0, help_text='Summary cells recomputed.')),
                ('drift', models.PositiveIntegerField(default=0, help_text='Stored cells that differed from the source.')),
                ('drift_sample', models.JSONField(blank=True, default=list, help_text='The first differences found.')),
                ('error', models.TextField(blank=True)),
            ],
            options={
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='DemandMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('segment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='segments.segment')),
                ('skill', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='postings.skill')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='SegmentMonthTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('computed_at', models.DateTimeField()),
                ('taxonomy_version', models.CharField(max_length=64)),
                ('extractor_version', models.CharField(max_length=40)),
                ('month', models.DateField()),
                ('postings', models.PositiveIntegerField()),
                ('segment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='month_totals', to='segments.segment')),
            ],
            options={
                'constraints': [models.UniqueConstraint(condition=models.Q(('segment__isnull', False)), fields=('segment', 'month'), name='segmentmonthtotal_unique'), models.UniqueConstraint(condition=models.Q(('segment__isnull', True)), fields=('month',), name='segmentmonthtotal_all_unique'), models.CheckConstraint(condition=models.Q(('postings__gt', 0)), name='segmentmonthtotal_postings_positive')],
            },
        ),
        migrations.CreateModel(
            name='SkillDemand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('computed_at', models.DateTimeField()),
                ('taxonomy_version', models.CharField(max_length=64)),
                ('extractor_version', models.CharField(max_length=40)),
                ('month', models.DateField()),
                ('postings', models.PositiveIntegerField()),
                ('segment', models.ForeignKey(blank=True, help_text='Empty for the row of all segments together.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='skill_demand', to='segments.segment')),
                ('skill', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='demand', to='postings.skill')),
            ],
            options={
                'verbose_name_plural': 'skill demand',
                'indexes': [models.Index(fields=['segment', 'month'], name='skilldemand_segment_month'), models.Index(fields=['skill', 'month'], name='skilldemand_skill_month')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('segment__isnull', False)), fields=('segment', 'skill', 'month'), name='skilldemand_cell_unique'), models.UniqueConstraint(condition=models.Q(('segment__isnull', True)), fields=('skill', 'month'), name='skilldemand_all_cell_unique'), models.CheckConstraint(condition=models.Q(('postings__gt', 0)), name='skilldemand_postings_positive')],
            },
        ),
        migrations.AddField(
            model_name='historicalposting',
            name='content_hash',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name='posting',
            name='content_hash',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=40),
        ),
        migrations.CreateModel(
            name='ImportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_name', models.CharField(max_length=255)),
                ('format', models.CharField(choices=[('csv', 'CSV'), ('jsonl', 'JSON Lines')], max_length=10)),
                ('content', models.BinaryField()),
                ('source', models.SlugField(default='import', max_length=60)),
                ('partial', models.BooleanField(default=False, help_text='Import the good rows and report the refused ones.')),
                ('create_employers', models.BooleanField(default=False, help_text='Create employers the file names but we lack.')),
                ('status', models.CharField(choices=[('previewing', 'Checking the file'), ('previewed', 'Checked: waiting for confirmation'), ('running', 'Importing'), ('done', 'Imported'), ('failed', 'Refused: nothing imported')], default='previewing', max_length=12)),
                ('rows_done', models.PositiveIntegerField(default=0)),
                ('preview', models.JSONField(blank=True, default=dict, help_text='What a dry run of the file reported.')),
                ('report', models.JSONField(blank=True, default=dict, help_text='What the import did.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='NearDuplicate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('similarity', models.FloatField(help_text='Estimated share of shared word sequences (Jaccard).')),
                ('status', models.CharField(choices=[('open', 'Waiting for an editor'), ('merged', 'Merged'), ('dismissed', 'Not a duplicate')], default='open', max_length=10)),
                ('found_at', models.DateTimeField(auto_now_add=True)),
                ('posting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='near_duplicates', to='postings.posting')),
                ('similar_to', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='postings.posting')),
            ],
            options={
                'ordering': ['-similarity', 'id'],
                'constraints': [models.UniqueConstraint(fields=('posting', 'similar_to'), name='nearduplicate_pair_unique'), models.CheckConstraint(condition=models.Q(('posting', models.F('similar_to')), _negated=True), name='nearduplicate_not_self')],
            },
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-posted_on', '-id'], name='posting_published_recent'),
        ),
        migrations.AddIndex(
            model_name='postingskill',
            index=models.Index(fields=['skill', 'posting'], name='postingskill_skill_posting'),
        ),
        migrations.AddField(
            model_name='historicalskill',
            name='editor_fields',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name='historicalskillalias',
            name='editor_edited',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='skill',
            name='editor_fields',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name='skillalias',
            name='editor_edited',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.CreateModel(
            name='SkillMerge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('merged_name', models.CharField(help_text='The name of the skill merged away.', max_length=255)),
                ('merged_slug', models.SlugField(max_length=255)),
                ('merged_id', models.PositiveIntegerField(help_text='The id the merged skill had.')),
                ('links_moved', models.PositiveIntegerField(default=0)),
                ('aliases_moved', models.PositiveIntegerField(default=0)),
                ('modules_moved', models.PositiveIntegerField(default=0)),
                ('merged_by', models.CharField(blank=True, max_length=150)),
                ('merged_at', models.DateTimeField(auto_now_add=True)),
                ('into', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='merges', to='postings.skill')),
            ],
            options={
                'ordering': ['-merged_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='postingskill',
            name='counted_month',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='postingskill',
            name='counted_segment_id',
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(condition=models.Q(('duplicate_of__isnull', True), ('status', 'published')), fields=['segment', 'posted_on'], name='posting_counted_segment_date'),
        ),
        migrations.AddIndex(
            model_name='postingskill',
            index=models.Index(condition=models.Q(('counted_month__isnull', False)), fields=['counted_segment_id', 'counted_month', 'skill'], name='postingskill_counted_cell'),
        ),
        migrations.RunPython(create_search_documents, drop_search_documents, elidable=False),
    ]
