"""The migration that makes a module's position unique renumbers the modules that existed before it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("curriculum", "0004_module_content")]
AFTER = [("curriculum", "0005_module_order_unique")]


@pytest.mark.django_db(transaction=True)
def test_existing_modules_are_numbered_one_to_n_per_track_by_order_then_id():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        # given modules from before the constraint: duplicates and gaps
        executor.migrate(BEFORE)
        apps = executor.loader.project_state(BEFORE).apps
        Track, Module = apps.get_model("curriculum", "Track"), apps.get_model("curriculum", "Module")
        one = Track.objects.create(title="One", slug="one", level="engineer", summary="x")
        two = Track.objects.create(title="Two", slug="two", level="senior", summary="x")
        rows = [(one, 5, "e"), (one, 1, "a"), (one, 1, "b"), (one, 3, "c"), (two, 4, "x"), (two, 4, "y")]
        for track, order, slug in rows:
            Module.objects.create(track=track, order=order, title=slug.upper(), slug=slug)
        # when the migration runs
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        # then each track is numbered 1..n, in the order shown before (order, then id)
        apps = executor.loader.project_state(AFTER).apps
        Module = apps.get_model("curriculum", "Module")
        numbered = list(Module.objects.order_by("track__slug", "order").values_list("track__slug", "order", "slug"))
        assert numbered == [
            ("one", 1, "a"), ("one", 2, "b"), ("one", 3, "c"), ("one", 4, "e"), ("two", 1, "x"), ("two", 2, "y")
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
