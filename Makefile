# The two commands a newcomer needs: `make run` and `make test`. Both bootstrap themselves.
PYTHON ?= python3
VENV := .venv
# Hugging Face `datasets` for one export test, in a venv of its own: its top-level package name
# is our Django app's (datasets/), so the two cannot share an interpreter.
HF_VENV := .venv-hf
PY := $(VENV)/bin/python
FRONTEND_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json

# The suite runs against PostgreSQL and Redis, as production does.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/annolake
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test check pytest vitest e2e bootstrap bootstrap-dev frontend clean

run: bootstrap frontend
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py run_embedded --follow-jobs

test: bootstrap-dev frontend $(HF_VENV)/.installed
	scripts/ensure-system.sh chromium compose services
	$(MAKE) --no-print-directory check vitest pytest

check:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') docker-compose config -q

vitest: frontend/node_modules/.installed
	cd frontend && npm test

pytest:
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest

bootstrap: $(VENV)/.installed
bootstrap-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml client/pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -e '.[dev]' -e ./client
	touch $(VENV)/.installed $@

$(HF_VENV)/.installed: tests/datasets/hf-requirements.txt
	$(PYTHON) -m venv $(HF_VENV)
	$(HF_VENV)/bin/pip install -q -r tests/datasets/hf-requirements.txt
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	scripts/ensure-system.sh node
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend: frontend/dist/index.html

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SRC)
	cd frontend && npm run build

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var
