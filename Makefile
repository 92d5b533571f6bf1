# caseflow — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
E2E := tests/e2e

.PHONY: run test install install-test venv migrate demo serve worker lint translations bench clean-db browser pdf-libs

## make run: install, migrate, load demo data if empty, start the worker, serve on 127.0.0.1:5000
run: install migrate demo
	@echo "caseflow: starting the worker and the web server on http://$(HOST):$(PORT)"
	@set -m; $(FLASK) worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT) --no-reload

## make test: install what the tests need (Python packages, Debian's chromium, axe-core) and run them all
test: install-test browser
	@$(PY) -m pytest -n 2 --dist loadgroup --durations=15

venv: $(VENV)/.created
$(VENV)/.created:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "caseflow needs Python 3.11 or newer"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3-venv is missing; installing it (Debian)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv; \
	  else sudo apt-get install -y python3-venv; fi; \
	  $(PYTHON) -m venv $(VENV); }
	@$(PY) -m pip install -q --upgrade pip setuptools wheel
	@touch $@

install: venv pdf-libs $(VENV)/.installed
$(VENV)/.installed: pyproject.toml $(VENV)/.created
	@echo "caseflow: installing Python packages"
	@$(PY) -m pip install -q -e .
	@touch $@

install-test: install $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	@echo "caseflow: installing test packages"
	@$(PY) -m pip install -q -e '.[test]'
	@touch $@

## Debian's pango and HarfBuzz (with its subsetter) for WeasyPrint's PDFs; the fonts are in static/fonts
PDF_LIBS := pango-1.0 pangoft2-1.0 harfbuzz-subset
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
pdf-libs:
	@if ! $(PYTHON) -c 'import ctypes.util as u, sys; sys.exit(any(u.find_library(n) is None for n in sys.argv[1:]))' $(PDF_LIBS); then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then echo "caseflow: installing pango and HarfBuzz for PDFs (Debian)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_DEBS) >/dev/null; \
	  else echo "caseflow: pango or HarfBuzz is missing; PDFs cannot be rendered (sudo apt-get install $(PDF_DEBS))"; fi; \
	fi

## Debian's chromium for browser tests (never a browser download), LibreOffice Calc to check the XLSX files,
## and axe-core from npm
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then echo "caseflow: installing chromium, poppler-utils and LibreOffice Calc (Debian)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core libreoffice-calc-nogui >/dev/null; \
	  else echo "caseflow: chromium or soffice is missing; those tests will be skipped (sudo apt-get install chromium libreoffice-calc-nogui)"; fi; \
	fi
	@if [ ! -f $(E2E)/node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null 2>&1; then echo "caseflow: installing axe-core (npm)"; \
	    npm ci --prefix $(E2E) --no-audit --no-fund --silent; \
	  else echo "caseflow: npm is missing; accessibility checks will be skipped"; fi; \
	fi

migrate: install
	@$(FLASK) db upgrade

demo: install
	@$(FLASK) demo load

serve: install
	@$(FLASK) run --host $(HOST) --port $(PORT)

worker: install
	@$(FLASK) worker

lint: install-test
	@$(VENV)/bin/ruff check caseflow tests

## extract strings, update the catalogues and compile them
translations: install
	@$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _n:1,2 -k lazy_ngettext:1,2 -k _p:1c,2 -k lazy_pgettext:1c,2 --ignore-dirs '.*' -o caseflow/translations/messages.pot --no-location --sort-output --omit-header .
	@$(VENV)/bin/pybabel update -i caseflow/translations/messages.pot -d caseflow/translations --no-fuzzy-matching
	@$(VENV)/bin/pybabel compile -d caseflow/translations --statistics

## make bench: the import and early-warning benchmark on PostgreSQL and SQLite (sizes: BENCH_ROWS, BENCH_PUPILS),
## then the HTTP benchmark (docs/benchmarks.md; e.g. BENCH_HTTP_ARGS="--database caseflow_bench_riga --reuse")
BENCH_HTTP_ARGS ?= --scale 1
BENCH_ROWS ?= 2000000
BENCH_PUPILS ?= 70000
bench: install-test
	@for backend in postgresql sqlite; do \
	  $(PY) -m bench.imports --rows $(BENCH_ROWS) --pupils $(BENCH_PUPILS) --backend $$backend || exit 1; \
	done
	@if ! command -v wrk >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; fi
	@$(PY) -m bench.http $(BENCH_HTTP_ARGS)

clean-db:
	rm -f instance/caseflow.db instance/caseflow.db-wal instance/caseflow.db-shm
