# 善治 Hub — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed
# The machine's PostgreSQL (trust auth); override to test elsewhere.
PG_TEST_URL ?= postgresql+psycopg://root@127.0.0.1:5432/test
# The port `make run` serves on: HUB_PORT from the environment, or make run PORT=….
HUB_PORT ?= 5000
PORT ?= $(HUB_PORT)
CATALOGS := $(wildcard hub/translations/*/LC_MESSAGES/messages.po)
export FLASK_APP := hub

.PHONY: install run test test-sqlite test-postgres e2e lint format messages \
	translations browser services clean bench

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(TEST_STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $@

translations: $(RUN_STAMP) $(CATALOGS)
	$(BIN)/pybabel -q compile -d hub/translations

install: $(RUN_STAMP) translations

## Serve the demo on http://127.0.0.1:5000 (demo data is loaded on first start only).
## Another port: HUB_PORT=5001 make run, or make run PORT=5001. A busy port is
## reported before anything is migrated or seeded.
run: install
	@$(BIN)/python -m hub.ops.port $(PORT)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed demo --if-empty
	HUB_OUTBOX_DELIVER_INLINE=1 $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## Debian's Chromium and CJK fonts for the browser tests, and nginx for the
## proxy tests (tests/system/test_proxy.py); root installs them.
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' \
		|| ! test -x /usr/sbin/nginx; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq chromium fonts-noto-cjk nginx >/dev/null; \
		else \
			echo "browser tests need: sudo apt-get install -y chromium fonts-noto-cjk nginx"; \
		fi; \
	fi

## PostgreSQL and Redis, started if this machine has them but they are down.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
		{ command -v pg_ctlcluster >/dev/null && \
		  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; } || true
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || \
		{ command -v redis-server >/dev/null && redis-server --daemonize yes --bind 127.0.0.1 \
		  --port 6379 --save "" --appendonly no; } || true

## The whole suite: on SQLite (with the browser journeys) and on PostgreSQL, both
## passes at once, each on two xdist workers (PostgreSQL: a database per worker).
## Each pass's output is printed whole when it ends.
test: $(TEST_STAMP) translations browser services
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: $(TEST_STAMP) translations
	$(BIN)/pytest -q -n 2 --dist loadgroup -m "not postgres_only"

# Browser journeys and tests of SQLite files of their own (seeds, backups) never
# touch the suite's database: they run once, in the SQLite pass.
test-postgres: $(TEST_STAMP) translations
	HUB_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -n 2 --dist loadgroup \
		-m "not e2e and not sqlite_file"

e2e: $(TEST_STAMP) translations browser
	$(BIN)/pytest -q tests/e2e

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check hub tests

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format hub tests

## Re-extract translatable strings and merge them into the catalogs.
messages: $(RUN_STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext \
		-k _p:1c,2 -k pgettext:1c,2 -k lazy_pgettext:1c,2 \
		-k npgettext:1c,2,3 -k lazy_npgettext:1c,2,3 \
		-o hub/translations/messages.pot hub templates
	$(BIN)/pybabel -q update -i hub/translations/messages.pot -d hub/translations

## City-scale benchmark on PostgreSQL with gunicorn and wrk; writes docs/benchmarks.md.
## Seeds the `bench` database with `flask seed city` once (about 5 minutes), then
## about 8 minutes of load. BENCH_SCALE=0.1 for a quick run.
bench: install services
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "make bench needs wrk: sudo apt-get install -y wrk"; exit 1; \
		fi; \
	}
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
