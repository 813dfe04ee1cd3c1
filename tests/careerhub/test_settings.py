import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from careerhub.settings.base import env_bool

PROJECT = settings.BASE_DIR


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="careerhub.settings.production",
        DJANGO_SECRET_KEY="k" * 20 + "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5",
        DJANGO_ALLOWED_HOSTS="careerhub.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="careerhub.settings.production")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_local_defaults_are_safe_and_tasks_run_eagerly_without_a_broker():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_TASK_ACKS_LATE)",
        CELERY_BROKER_URL="",
    )
    assert result.stdout.split() == ["False", "True", "True"], result.stderr


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is expected


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be a boolean"):
        env_bool("X_FLAG")


@pytest.mark.parametrize(("cache_url", "expected"), [("redis://127.0.0.1:6379/13", "3600"), ("", "0")])
def test_production_caches_api_answers_only_with_a_shared_cache(cache_url, expected):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.CAREERHUB_API_CACHE_SECONDS)",
        DJANGO_SETTINGS_MODULE="careerhub.settings.production",
        DJANGO_SECRET_KEY="k" * 20 + "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5",
        CACHE_URL=cache_url,
        CELERY_BROKER_URL="",
        CAREERHUB_API_CACHE_SECONDS="",
    )
    assert result.stdout.split() == [expected], result.stderr
