"""Module content: outcomes, hours, Markdown body, resources, exercises, self-check questions and
prerequisites (the unique order in a track follows in 0005, once existing modules are renumbered)."""

import careerhub.core.fields
import django.core.validators
import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('curriculum', '0003_track_module_search_document'),
        ('postings', '0013_removed_skill_aliases'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Exercise',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(blank=True, help_text='Position, from 1; leave empty to add it last.')),
                ('title', models.CharField(max_length=200)),
                ('brief', models.TextField(help_text='What to do.')),
                ('acceptance_criteria', careerhub.core.fields.StringListField(blank=True, default=list, help_text='How to tell it is done, one criterion per line.')),
                ('hours', models.DecimalField(blank=True, decimal_places=1, help_text='Estimated hours.', max_digits=4, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.1')), django.core.validators.MaxValueValidator(Decimal('200'))])),
            ],
            options={
                'ordering': ['module', 'order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalExercise',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(blank=True, help_text='Position, from 1; leave empty to add it last.')),
                ('title', models.CharField(max_length=200)),
                ('brief', models.TextField(help_text='What to do.')),
                ('acceptance_criteria', careerhub.core.fields.StringListField(blank=True, default=list, help_text='How to tell it is done, one criterion per line.')),
                ('hours', models.DecimalField(blank=True, decimal_places=1, help_text='Estimated hours.', max_digits=4, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.1')), django.core.validators.MaxValueValidator(Decimal('200'))])),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical exercise',
                'verbose_name_plural': 'historical exercises',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalModule_prerequisites',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalModule_prerequisites',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalResource',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(blank=True, help_text='Position, from 1; leave empty to add it last.')),
                ('title', models.CharField(max_length=200)),
                ('url', models.URLField(max_length=500, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='URL')),
                ('kind', models.CharField(choices=[('documentation', 'Documentation'), ('course', 'Course'), ('book', 'Book'), ('article', 'Article'), ('video', 'Video'), ('repository', 'Repository'), ('paper', 'Paper')], max_length=16)),
                ('free', models.BooleanField(default=True, help_text='Free to use (untick when it costs money).')),
                ('minutes', models.PositiveIntegerField(blank=True, help_text='About how long it takes, in minutes.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10000)])),
                ('note', models.CharField(blank=True, help_text='Optional: what to read in it, or why.', max_length=300)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical resource',
                'verbose_name_plural': 'historical resources',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSelfCheckQuestion',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(blank=True, help_text='Position, from 1; leave empty to add it last.')),
                ('question', models.TextField()),
                ('answer', models.TextField()),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical self-check question',
                'verbose_name_plural': 'historical self-check questions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Resource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(blank=True, help_text='Position, from 1; leave empty to add it last.')),
                ('title', models.CharField(max_length=200)),
                ('url', models.URLField(max_length=500, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='URL')),
                ('kind', models.CharField(choices=[('documentation', 'Documentation'), ('course', 'Course'), ('book', 'Book'), ('article', 'Article'), ('video', 'Video'), ('repository', 'Repository'), ('paper', 'Paper')], max_length=16)),
                ('free', models.BooleanField(default=True, help_text='Free to use (untick when it costs money).')),
                ('minutes', models.PositiveIntegerField(blank=True, help_text='About how long it takes, in minutes.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10000)])),
                ('note', models.CharField(blank=True, help_text='Optional: what to read in it, or why.', max_length=300)),
            ],
            options={
                'ordering': ['module', 'order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SelfCheckQuestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(blank=True, help_text='Position, from 1; leave empty to add it last.')),
                ('question', models.TextField()),
                ('answer', models.TextField()),
            ],
            options={
                'verbose_name': 'self-check question',
                'ordering': ['module', 'order', 'id'],
            },
        ),
        migrations.AddField(
            model_name='historicalmodule',
            name='hours',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='Estimated hours of study, exercises included.', max_digits=4, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.1')), django.core.validators.MaxValueValidator(Decimal('200'))]),
        ),
        migrations.AddField(
            model_name='historicalmodule',
            name='outcomes',
            field=careerhub.core.fields.StringListField(blank=True, default=list, help_text='What a learner will be able to do afterwards, one per line, each completing “You will be able to …” (start with a verb, no full stop).'),
        ),
        migrations.AddField(
            model_name='module',
            name='hours',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='Estimated hours of study, exercises included.', max_digits=4, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.1')), django.core.validators.MaxValueValidator(Decimal('200'))]),
        ),
        migrations.AddField(
            model_name='module',
            name='outcomes',
            field=careerhub.core.fields.StringListField(blank=True, default=list, help_text='What a learner will be able to do afterwards, one per line, each completing “You will be able to …” (start with a verb, no full stop).'),
        ),
        migrations.AddField(
            model_name='module',
            name='prerequisites',
            field=models.ManyToManyField(blank=True, help_text='Modules to know first, in this track or another.', related_name='required_by', to='curriculum.module'),
        ),
        migrations.AlterField(
            model_name='historicalmodule',
            name='body',
            field=models.TextField(blank=True, help_text='The teaching text, in Markdown (CommonMark, with tables).'),
        ),
        migrations.AlterField(
            model_name='historicalmodule',
            name='order',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Position in the track, from 1; leave empty to add the module last.'),
        ),
        migrations.AlterField(
            model_name='module',
            name='body',
            field=models.TextField(blank=True, help_text='The teaching text, in Markdown (CommonMark, with tables).'),
        ),
        migrations.AlterField(
            model_name='module',
            name='order',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Position in the track, from 1; leave empty to add the module last.'),
        ),
        migrations.AddConstraint(
            model_name='module',
            constraint=models.CheckConstraint(condition=models.Q(('hours__isnull', True), models.Q(('hours__gt', 0), ('hours__lte', Decimal('200'))), _connector='OR'), name='module_hours_in_range'),
        ),
        migrations.AddField(
            model_name='exercise',
            name='module',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exercises', to='curriculum.module'),
        ),
        migrations.AddField(
            model_name='historicalexercise',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalexercise',
            name='module',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='curriculum.module'),
        ),
        migrations.AddField(
            model_name='historicalmodule_prerequisites',
            name='from_module',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='curriculum.module'),
        ),
        migrations.AddField(
            model_name='historicalmodule_prerequisites',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='curriculum.historicalmodule'),
        ),
        migrations.AddField(
            model_name='historicalmodule_prerequisites',
            name='to_module',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='curriculum.module'),
        ),
        migrations.AddField(
            model_name='historicalresource',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalresource',
            name='module',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='curriculum.module'),
        ),
        migrations.AddField(
            model_name='historicalselfcheckquestion',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalselfcheckquestion',
            name='module',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='curriculum.module'),
        ),
        migrations.AddField(
            model_name='resource',
            name='module',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='resources', to='curriculum.module'),
        ),
        migrations.AddField(
            model_name='selfcheckquestion',
            name='module',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='self_check_questions', to='curriculum.module'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('title', ''), _negated=True), name='exercise_title_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('order__gte', 1)), name='exercise_order_positive'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('hours__isnull', True), models.Q(('hours__gt', 0), ('hours__lte', Decimal('200'))), _connector='OR'), name='exercise_hours_in_range'),
        ),
        migrations.AddConstraint(
            model_name='resource',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['documentation', 'course', 'book', 'article', 'video', 'repository', 'paper'])), name='resource_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='resource',
            constraint=models.CheckConstraint(condition=models.Q(('title', ''), _negated=True), name='resource_title_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='resource',
            constraint=models.CheckConstraint(condition=models.Q(('order__gte', 1)), name='resource_order_positive'),
        ),
        migrations.AddConstraint(
            model_name='resource',
            constraint=models.CheckConstraint(condition=models.Q(('minutes__isnull', True), models.Q(('minutes__gte', 1), ('minutes__lte', 10000)), _connector='OR'), name='resource_minutes_in_range'),
        ),
        migrations.AddConstraint(
            model_name='selfcheckquestion',
            constraint=models.CheckConstraint(condition=models.Q(('question', ''), _negated=True), name='self_check_question_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='selfcheckquestion',
            constraint=models.CheckConstraint(condition=models.Q(('order__gte', 1)), name='self_check_order_positive'),
        ),
    ]
