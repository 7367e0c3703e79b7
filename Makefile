# The two commands of the README: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wcl

.PHONY: run test install install-dev services lint i18n worker

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/flask i18n compile

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/flask i18n compile
	npm ci --no-audit --no-fund --loglevel=error  # axe-core for the browser tests

# Install, migrate, load demo data and serve on http://localhost:5000
# (SQLite + inline jobs by default; with REDIS_URL set a worker starts too).
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	@if [ -n "$$REDIS_URL" ]; then $(BIN)/python -m workers.worker webhooks receipts emails & $(BIN)/python -m workers.worker default & $(BIN)/python -m workers.cron & fi; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The test suite on PostgreSQL + Redis (see scripts/services.sh).
test: install-dev services
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

services:
	@bash scripts/services.sh

lint: install-dev
	$(BIN)/ruff check wcl tests workers bench migrations config.py
	$(BIN)/ruff format --check wcl tests workers bench migrations config.py

worker: install
	$(BIN)/python -m workers.worker
