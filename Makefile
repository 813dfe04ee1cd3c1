# CareerHub. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run migrate seed test test-fast lint check worker beat clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed ## Create .venv and install the pinned dependencies

migrate: install ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

seed: migrate ## Load the seed content and the labelled demo postings (idempotent)
	$(BIN)/python manage.py load_seed_content
	$(BIN)/python manage.py load_demo_postings

run: seed ## Install, migrate, load content, create a local admin and serve on http://127.0.0.1:8000
	DJANGO_DEBUG=1 $(BIN)/python manage.py create_local_admin
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install ## Run the linters, the import contracts and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest

test-fast: install ## Quick loop: the linters, the import contracts and the tests, without browser and slow tests
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -m "not browser and not slow"

lint: install ## Run ruff and the import contracts (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check: install ## Django's deployment checks under production settings (needs DJANGO_SECRET_KEY)
	DJANGO_SETTINGS_MODULE=careerhub.settings.production $(BIN)/python manage.py check --deploy --fail-level WARNING

worker: install ## Run a Celery worker (needs CELERY_BROKER_URL)
	$(BIN)/celery -A careerhub worker --loglevel=INFO

beat: install ## Run the Celery beat scheduler (needs CELERY_BROKER_URL)
	$(BIN)/celery -A careerhub beat --loglevel=INFO

clean: ## Remove the virtualenv, the local database and caches
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache staticfiles
