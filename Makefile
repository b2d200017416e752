# Omstillingsportalen. Quick start: `make run`, then `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The embedded default: SQLite, Celery tasks in-process (no broker), console e-mail.
DEV_ENV := DEBUG=$${DEBUG:-1}
# `make run PORT=8080` serves on another port.
PORT ?= 8000

.PHONY: run test setup assets migrate lint format messages compilemessages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --omit-lockfile-registry-resolved
	touch $@

# Vendor assets are copied into our static files (not committed; no CDN at run time).
static/vendor/.installed: node_modules/.installed scripts/vendor-assets.sh
	sh scripts/vendor-assets.sh

setup: $(VENV)/.installed static/vendor/.installed

assets: static/vendor/.installed

migrate: setup
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

# Translations (Danish is the source language; English follows in locale/en).
compilemessages: setup
	@if command -v msgfmt >/dev/null; then \
	  $(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	else echo "gettext (msgfmt) is not installed: translations are not compiled."; fi

run: migrate compilemessages
	$(DEV_ENV) $(BIN)/python manage.py load_plan
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Omstillingsportalen kører på http://127.0.0.1:$(PORT) (stop med Ctrl+C)."
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on every core (pytest-xdist: `make test PYTEST_WORKERS=0` runs it in this one
# process) in a random order (pytest-randomly: the seed is in the header; repeat an order with
# `make test PYTEST_ARGS=--randomly-seed=N`, keep the file order with `-p no:randomly`).
PYTEST_WORKERS ?= auto

test: setup compilemessages
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: setup
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=static --ignore=tests

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3
