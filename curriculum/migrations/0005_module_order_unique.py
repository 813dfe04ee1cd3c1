"""A module's position is unique in its track: existing modules are first renumbered 1..n per track,
by their order and then id (so duplicates keep the order they were shown in)."""

from django.db import migrations, models


def renumber(apps, schema_editor):
    Module = apps.get_model("curriculum", "Module")
    positions: dict[int, int] = {}
    changed = []
    for module in Module.objects.order_by("track_id", "order", "id").only("id", "track_id", "order"):
        position = positions[module.track_id] = positions.get(module.track_id, 0) + 1
        if module.order != position:
            module.order = position
            changed.append(module)
    Module.objects.bulk_update(changed, ["order"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("curriculum", "0004_module_content")]

    operations = [
        migrations.RunPython(renumber, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="module",
            constraint=models.UniqueConstraint(fields=("track", "order"), name="module_order_unique_in_track"),
        ),
    ]
