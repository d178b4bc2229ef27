# Shouhou (售后). `make run` serves the product, `make test` runs the whole suite; each sets up
# whatever is missing first (Python environment, front-end files, translations, database).
# Steps that are already done are skipped, so repeated runs start quickly.

SHELL := /bin/bash
.DEFAULT_GOAL := help

HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

PYTHON ?= python3
# Always `python -m uv`: under pyenv the `uv` binary may not be on PATH for this Python.
UV := $(PYTHON) -m uv
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
PYTEST_ARGS ?=
# In-process by default: on the shared two-core machines `-n 2` measured slower, not faster.
# PYTEST_WORKERS=2 runs the suite under pytest-xdist (every test is independent of the others).
PYTEST_WORKERS ?= 0
XDIST := $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS),)

PO_FILES := $(wildcard shouhou/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
MAKEMESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var --ignore=test-artifacts

.PHONY: help run dev test lint browser-test messages setup python frontend translations db

help:
	@echo "make run           set everything up, then serve http://$(HOST):$(PORT)/ with the job consumer (DEBUG=0)"
	@echo "make dev           the same with DEBUG=1: Django's debug pages and code reloading (this machine only)"
	@echo "make test          set everything up, then run the whole test suite (browser tests excluded)"
	@echo "make browser-test  the Playwright journeys in headless Chromium (/usr/bin/chromium)"
	@echo "make lint          ruff, the import layers (lint-imports), Django system checks, missing-migration check"
	@echo "make messages      extract translatable strings (zh_Hans) and compile the catalogues"

# The demo is served as in production (DEBUG=0): debug pages list every URL and setting to whoever
# reaches the port. `make dev` keeps them, and reloads on code changes, for development.
run: export DEBUG = 0
run: setup db
	@scripts/serve.sh

dev: export DEBUG = 1
dev: export WEB_RELOAD = 1
dev: setup db
	@scripts/serve.sh

test: SEED_OUTPUT := >/dev/null
test: setup db
	@$(PY) manage.py makemigrations --check --dry-run --no-input >/dev/null || \
		{ echo "Model changes without a migration: run makemigrations for the app."; exit 1; }
	$(PYTEST) -m "not browser" $(XDIST) -q -rfEs $(PYTEST_ARGS)

browser-test: setup
	@test -x /usr/bin/chromium || { echo "Chromium is missing: apt-get install chromium (or run .ci/run)."; exit 1; }
	$(PYTEST) -m browser -q -rfEs $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: no browser tests collected

lint: python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports  # the layers contract in pyproject.toml (docs/dev/architecture.md)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run --no-input

messages: python
	$(PY) scripts/build_catalogue.py
	$(PY) manage.py compilemessages --locale=zh_Hans $(MAKEMESSAGES_IGNORE)

setup: python frontend translations

python: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock .python-version
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv || \
		$(PYTHON) -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen
	@touch $@

frontend: var/vendor/.copied

node_modules/.installed: package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 and npm (apt-get install nodejs npm)."; exit 1; }
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

var/vendor/.copied: node_modules/.installed scripts/vendor.sh
	scripts/vendor.sh
	@mkdir -p var/staticfiles  # STATIC_ROOT; whitenoise warns while it is absent
	@touch $@

translations: $(MO_FILES)

%.mo: %.po
	@if command -v msgfmt >/dev/null; then msgfmt --check-format -o $@ $<; \
	else echo "gettext (msgfmt) is missing, so the UI shows English: apt-get install gettext"; fi

db: python
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo $(SEED_OUTPUT)
