# Two commands matter: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
VENDOR := app/static/vendor

.PHONY: run test lint format install assets translations chromium dist clean bench worker

run: install
	SINERGI_ENV=development $(FLASK) db upgrade
	SINERGI_ENV=development $(FLASK) seed demo
	SINERGI_ENV=development $(FLASK) run --host 127.0.0.1 --port 5000

# The background worker with beat (periodic jobs) beside `make run`, when CELERY_BROKER_URL names
# a broker (run both with the same CELERY_BROKER_URL); without one, tasks run inside `make run`.
worker: install
	@test -n "$$CELERY_BROKER_URL" || { echo "make worker needs CELERY_BROKER_URL, e.g. CELERY_BROKER_URL=redis://127.0.0.1:6379/1 (for make run too)"; exit 1; }
	SINERGI_ENV=development $(BIN)/celery -A app.worker worker --beat --loglevel=info --concurrency=2 --schedule instance/celerybeat-schedule

test: install chromium
	$(BIN)/pytest $(PYTEST_ARGS)

# City-scale load under gunicorn beside bare Flask (needs Debian wrk, Redis and PostgreSQL);
# writes bench/RESULTS.md. Not part of `make test`.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "bench needs wrk: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python bench/city_bench.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(BIN)/.installed assets translations

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Front-end assets come from npm and are served by the app itself (venues may be offline);
# the same script runs when the package is built, so a wheel serves what `make run` serves.
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: $(BIN)/.installed package.json package-lock.json scripts/build_assets.py
	$(BIN)/python scripts/build_assets.py assets
	touch $@

translations: $(BIN)/.installed
	$(BIN)/python scripts/build_assets.py catalogues

# Extract new strings into the English catalogue (run after changing user-visible text).
# No locations and sorted by message, so that two branches adding strings rarely conflict.
messages: $(BIN)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 --no-location --sort-output --omit-header -o app/translations/messages.pot .
	$(BIN)/pybabel -q update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete

# A wheel that carries the npm assets and compiled catalogues (what the Production section installs).
dist: $(BIN)/.installed
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

chromium:
	@bash scripts/ensure-chromium.sh

clean:
	rm -rf $(VENV) node_modules $(VENDOR) build dist instance/sinergi.db
