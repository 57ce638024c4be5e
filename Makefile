# Perspectives – developer entry points. `make` alone lists them.
#
# Without DATABASE_URL / REDIS_URL in the environment, `run`, `test` and `manage` start an
# embedded PostgreSQL (var/pgdata) and Redis (var/redis) through tools/devstack.py.

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEVSTACK := $(VPY) -m tools.devstack

PYTEST_ARGS ?= -n 2
# `make test DATE=2028-02-29` (or DATE=2027-03-27T23:30, Paris time) runs the suite as if on that day.
DATE ?=
# The parts whose results follow the calendar, run by `make test-dates` on each of these days.
TEST_DATES ?= 2027-01-01 2028-02-29 2026-12-31T23:30 2027-03-27T12:00
DATE_SENSITIVE_TESTS ?= tests/dashboards tests/payroll tests/entrepreneurs tests/governance tests/sales \
	tests/purchases tests/bank tests/onboarding \
	tests/accounting/test_closing.py tests/accounting/test_fec.py tests/core/test_demo.py
ARGS ?=
MYPY_TARGETS := perspectives entrepreneurs accounting payroll governance sales purchases bank top tools tests

# lint and messages import the settings without starting any service: placeholder values.
NO_SERVICES_ENV := \
	DJANGO_SETTINGS_MODULE=perspectives.settings \
	SECRET_KEY="$${SECRET_KEY:-lint-only-secret-key}" \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:8000}" \
	DATABASE_URL="$${DATABASE_URL:-postgres://perspectives_app@/perspectives}" \
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}"

# bash with pipefail, so that a filtered pipe still fails when its first command does.
SHELL := bash
.SHELLFLAGS := -o pipefail -c

# This machine's pip configuration names local indexes that may be empty: drop pip's
# warnings about them, keep everything else.
PIP_FILTER := grep -v "^WARNING: Location 'file:" >&2 || true

.DEFAULT_GOAL := help
.PHONY: help venv run test test-fast test-dates manage backup restore lint migrations-check lock \
	messages bench services stop clean

help: ## List the targets
	@echo "Perspectives – make targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: PYTHON=$(PYTHON)  PORT=8000  PYTEST_ARGS='$(PYTEST_ARGS)'  ARGS='...'"

$(STAMP): requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "error: Python >= 3.11 is required; '$(PYTHON)' is:" >&2; \
		$(PYTHON) --version >&2 || true; \
		echo "Run e.g. 'make PYTHON=python3.11 $(MAKECMDGOALS)'." >&2; \
		exit 1; }
	@test -x $(VPY) || { echo "[make] creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "[make] installing requirements/dev.txt into $(VENV)"
	@$(VPY) -m pip install --quiet --upgrade pip 2>&1 | { $(PIP_FILTER); }
	@$(VPY) -m pip install --quiet -r requirements/dev.txt 2>&1 | { $(PIP_FILTER); }
	@touch $@

venv: $(STAMP) ## Create/refresh the virtualenv (only re-installs when the lock file changes)

run: $(STAMP) ## Migrate, seed the demo, serve on http://127.0.0.1:$PORT with Celery worker + beat
	$(DEVSTACK) run $(if $(PORT),--port $(PORT))

test: $(STAMP) ## Run the test suite (make test PYTEST_ARGS="-k invoice -n 0", DATE=2028-02-29)
	PERSPECTIVES_TEST_DATE="$(DATE)" $(DEVSTACK) test $(PYTEST_ARGS)

test-fast: $(STAMP) ## The suite without its slow tests (browser, worker, faults, demo, commits)
	PERSPECTIVES_TEST_DATE="$(DATE)" $(DEVSTACK) test $(PYTEST_ARGS) -m "not slow"

test-dates: $(STAMP) ## Run the calendar-dependent tests as if on each of TEST_DATES
	@for day in $(TEST_DATES); do \
		echo "[make] date-sensitive tests as if on $$day"; \
		PERSPECTIVES_TEST_DATE="$$day" $(DEVSTACK) test $(PYTEST_ARGS) $(DATE_SENSITIVE_TESTS) \
			|| exit 1; \
	done

manage: $(STAMP) ## Run a manage.py command (make manage ARGS="createsuperuser")
	$(DEVSTACK) manage $(ARGS)

backup: $(STAMP) ## Back up the database and media files to var/backups/<time>/ (or BACKUP_DIR=…)
	$(DEVSTACK) manage backup $(if $(BACKUP_DIR),--output-dir "$(BACKUP_DIR)")

restore: $(STAMP) ## Restore make backup's folder: make restore BACKUP=var/backups/<time> [FORCE=1]
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=<backup folder> [FORCE=1]" >&2; exit 2; }
	$(DEVSTACK) manage restore "$(BACKUP)" $(if $(FORCE),--force)

services: $(STAMP) ## Start the embedded PostgreSQL/Redis and print their env exports
	$(DEVSTACK) services

stop: ## Stop the embedded PostgreSQL/Redis running under var/
	@if [ -x $(VPY) ]; then $(DEVSTACK) stop; fi

lint: $(STAMP) ## ruff check, ruff format --check, import contracts, mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(NO_SERVICES_ENV) $(VENV)/bin/mypy $(MYPY_TARGETS)

# Without a database: makemigrations only warns that it cannot check the applied history.
migrations-check: $(STAMP) ## Fail when a model change has no migration (no database needed)
	$(NO_SERVICES_ENV) $(VPY) -W ignore::RuntimeWarning manage.py makemigrations --check --dry-run

lock: $(STAMP) ## Re-lock requirements/base.txt and dev.txt from the *.in files
	@$(VPY) -m pip install --quiet pip-tools 2>&1 | { $(PIP_FILTER); }
	cd requirements && \
		../$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links \
			-o base.txt base.in && \
		../$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links \
			-o dev.txt dev.in

messages: $(STAMP) ## Update locale/en .po files and compile all .mo files (needs gettext)
	@command -v msgfmt >/dev/null || { \
		echo "error: gettext is not installed (apt-get install gettext)" >&2; exit 1; }
	$(NO_SERVICES_ENV) $(VPY) manage.py makemessages -l en --ignore '$(VENV)/*' --ignore 'var/*'
	$(NO_SERVICES_ENV) $(VPY) manage.py compilemessages --ignore '$(VENV)/*' --ignore 'var/*'

bench: $(STAMP) ## Run the benchmarks (manage.py run_benchmarks)
	$(DEVSTACK) manage run_benchmarks

clean: stop ## Stop the embedded services and delete var/ (database, Redis, static files)
	rm -rf var
