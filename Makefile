# `make run` and `make test` set everything up on a fresh machine (see README.md).
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
PLANS   ?= data/plans
PORT    ?= 8501
PYTHON3 ?= python3

.PHONY: install run tag app test test-fast lint format-check types check bench system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Tag every plan in $(PLANS) (ingesting what is new), then open the app.
run: $(STAMP)
	$(VENV)/bin/compare tag $(PLANS)
	$(MAKE) app

tag: $(STAMP)
	$(VENV)/bin/compare tag $(PLANS)

app: $(STAMP)
	$(PY) -m streamlit run app.py --server.port $(PORT)

SOURCES := compare tests benchmarks app.py

lint: $(STAMP)
	$(VENV)/bin/ruff check $(SOURCES)

format-check: $(STAMP)
	$(VENV)/bin/ruff format --check $(SOURCES)

## Types: mypy with check_untyped_defs (configured in pyproject.toml).
types: $(STAMP)
	$(PY) -m mypy compare

check: lint format-check types

## Lint, format and type checks, then the whole test suite (pytest's exit 5, "no tests
## collected", is an error here).
test: check
	$(PY) -m pytest

## The same checks and tests without the real-browser and LibreOffice tests.
test-fast: check
	$(PY) -m pytest -q -m "not browser and not office"

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

## System packages some tests use (Chromium for the browser test, LibreOffice for the
## Excel-opens-cleanly test); those tests skip with a reason where these are absent.
system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-dejavu-core >/dev/null

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
