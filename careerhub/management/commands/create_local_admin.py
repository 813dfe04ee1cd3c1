import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS_FILE = settings.BASE_DIR / ".local-admin-password"


class Command(BaseCommand):
    help = (
        "For local use only: make sure a superuser `admin` exists and print its credentials. "
        "The password is generated once and kept in .local-admin-password (never committed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Username of the local superuser (default: admin).")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("create_local_admin runs only with DJANGO_DEBUG=1; it is not for production.")
        if CREDENTIALS_FILE.exists():
            password = CREDENTIALS_FILE.read_text(encoding="utf-8").strip()
        else:
            password = secrets.token_urlsafe(12)
            CREDENTIALS_FILE.write_text(password + "\n", encoding="utf-8")
            CREDENTIALS_FILE.chmod(0o600)
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        if created or not user.check_password(password):
            user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(f"Local admin at /admin/: user {username}, password {password}")
        )
