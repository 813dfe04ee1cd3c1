from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from careerhub.core.services import editor_group_sync


class Command(BaseCommand):
    help = (
        "Create the editors' group, or bring its permissions up to date (every `migrate` does this too). "
        "Editors may add, change, publish and delete content and read its history."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="Users to add to the group (they also become staff).")

    def handle(self, *args, usernames, **options):
        group = editor_group_sync()
        self.stdout.write(f"Group “{group.name}”: {group.permissions.count()} permissions.")
        users = get_user_model().objects.filter(username__in=usernames)
        missing = sorted(set(usernames) - {user.username for user in users})
        if missing:
            raise CommandError(f"No such user: {', '.join(missing)}. Nobody was added.")
        for user in users:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
            self.stdout.write(f"Added {user.username}.")
