import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.test import override_settings

from careerhub.management.commands import create_local_admin

pytestmark = pytest.mark.django_db


def test_create_local_admin_refuses_outside_debug():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("create_local_admin")


@override_settings(DEBUG=True)
def test_create_local_admin_prints_working_credentials(tmp_path, monkeypatch, client):
    monkeypatch.setattr(create_local_admin, "CREDENTIALS_FILE", tmp_path / "password")
    out = io.StringIO()
    call_command("create_local_admin", stdout=out)
    password = out.getvalue().strip().rsplit(" ", 1)[-1]
    # django-axes needs the request authenticate() is given (its documented way for client.login)
    assert client.login(request=HttpRequest(), username="admin", password=password)
    # a second run prints the same password and keeps it working
    again = io.StringIO()
    call_command("create_local_admin", stdout=again)
    assert again.getvalue().strip().endswith(password)


def test_create_editor_group_adds_users_and_refuses_unknown_ones(django_user_model):
    user = django_user_model.objects.create_user("ada")
    with pytest.raises(CommandError, match="No such user: nobody"):
        call_command("create_editor_group", "ada", "nobody", stdout=io.StringIO())
    assert not user.groups.exists()
    call_command("create_editor_group", "ada", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name="Editors").exists()
