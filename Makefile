# Tarifa: one task runner for people and CI.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen
export TARIFA_TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432
export TARIFA_TEST_AMQP_URL ?= amqp://guest:guest@127.0.0.1:5672/
SOURCES := shared/src services/*/src
PACKAGES := -p tarifa -p accounts -p rating -p invoicing -p payments -p notifications -p selfcare -p tarifa_cli
CONTRACT_CHECK := $(wildcard ../shared/tools/contract-check)

.PHONY: help install servers selfcare run demo test test-quick check docs bench clean

help:
	@echo "make run    install what is missing, prepare databases, start the five services and the cabinet"
	@echo "make demo   a billing month for 100 subscribers on local servers: e-bills, mail page, SMS log"
	@echo "make test   install what is missing and run the whole test suite"
	@echo "make check  ruff, mypy --strict, import-linter, Kubernetes and compose files, contract check"
	@echo "make docs   regenerate docs/openapi and docs/asyncapi"
	@echo "make bench  print throughput figures against a baseline measured in the same run"

$(CURDIR)/.tools/bin/uv:
	python3.11 -m venv .tools && .tools/bin/pip install --quiet 'uv>=0.5'

.venv/.installed: uv.lock pyproject.toml shared/pyproject.toml services/*/pyproject.toml | $(UV)
	$(UV) sync --frozen
	touch $@

install: .venv/.installed
	@deploy/local/system-packages

servers:
	@deploy/local/ensure-servers

selfcare: install
	$(RUN) python -m selfcare build

run: install servers
	$(RUN) python deploy/local/run.py

demo: install servers
	$(RUN) python deploy/local/demo.py $(DEMO_ARGS)

test: install servers selfcare
	$(RUN) pytest shared/tests services/*/tests tests -q

test-quick: install servers selfcare
	$(RUN) pytest shared/tests services/*/tests tests -q -m "not slow"

check: install
	$(RUN) ruff check .
	$(RUN) mypy --strict $(PACKAGES)
	$(RUN) mypy --strict deploy/local/run.py deploy/local/generate_docs.py deploy/check_manifests.py
	MYPYPATH=deploy/local $(RUN) mypy --strict deploy/local/demo.py deploy/local/mailcatcher.py
	$(RUN) lint-imports
	$(RUN) python deploy/check_manifests.py
ifneq ($(CONTRACT_CHECK),)
	$(CONTRACT_CHECK) .
endif

docs: install
	$(RUN) python deploy/local/generate_docs.py

bench: install servers
	$(RUN) python tests/bench/run.py

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
