# Two commands do everything on a fresh machine: `make build` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA_DIR ?=
AS_OF ?=

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)

.PHONY: build test venv lint demo-data bench clean

## The environment: created once, reinstalled only when the pins change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

## Seed, build, validate and publish on DuckDB (DATA_DIR=... AS_OF=... for your own export).
build: venv
	$(BIN)/python -m b2b_sales_kpis.build $(if $(DATA_DIR),--data-dir "$(DATA_DIR)") $(if $(AS_OF),--as-of "$(AS_OF)")

## The whole test suite.
test: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check src tests python_checks bench

## Regenerate the committed demo seeds from the generator.
demo-data: venv
	$(BIN)/python -m b2b_sales_kpis.demo_data

## Speed and memory figures.
bench: venv
	$(BIN)/python bench/benchmark.py

clean:
	rm -rf target logs warehouse/*.duckdb
