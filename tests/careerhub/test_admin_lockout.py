"""Admin logins are limited (django-axes): repeated failures lock a user name out from an address, logged,
until the cool-off ends or an admin deletes the attempts in the admin."""

import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory, make_editor

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # UserFactory's


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})


def test_six_wrong_passwords_lock_out_even_the_right_one_until_an_admin_unlocks(settings, caplog):
    # given: an editor, and someone guessing the editor's password from one address
    assert settings.AXES_FAILURE_LIMIT == 5
    editor = make_editor()
    guesser = Client(REMOTE_ADDR="203.0.113.20")
    caplog.set_level(logging.WARNING, logger="axes")

    # when: six wrong passwords
    answers = [log_in(guesser, editor.username, f"guess {n}") for n in range(6)]

    # then: the first failures are plain refusals, then the pair is locked out, even with the right password
    assert [answer.status_code for answer in answers[:4]] == [200] * 4
    assert answers[-1].status_code == 429
    assert log_in(guesser, editor.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in guesser.session
    assert "Locking out" in caplog.text or "locked out" in caplog.text.lower()
    # the lockout is per user name and address: the editor at another address still logs in
    assert log_in(Client(REMOTE_ADDR="198.51.100.21"), editor.username, PASSWORD).status_code == 302

    # when: an admin deletes the attempts in the admin (Axes: access attempts)
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert attempts
    listing = reverse("admin:axes_accessattempt_changelist")
    assert editor.username in admin.get(listing).content.decode()
    admin.post(listing, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})

    # then: the right password works again from the guessing address
    assert not AccessAttempt.objects.exists()
    assert log_in(guesser, editor.username, PASSWORD).status_code == 302


def test_the_lockout_honours_the_trusted_proxy_setting(settings):
    # given: no trusted proxy, so a client cannot escape the lockout by writing X-Forwarded-For
    editor = make_editor()
    client = Client(REMOTE_ADDR="203.0.113.22")
    for n in range(6):
        client.post(
            reverse("admin:login"),
            {"username": editor.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        )
    # then: all six counted against the one connecting address
    assert AccessAttempt.objects.get().ip_address == "203.0.113.22"
    assert log_in(client, editor.username, PASSWORD).status_code == 429
