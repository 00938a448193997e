# cep — every task a person or CI runs. `make` alone lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE := tests/node
NODE_STAMP := $(NODE)/node_modules/.installed
REPORTS := reports

.PHONY: help install system-deps serve site test lint spec bench mutate clean

help: ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

system-deps: ## install Debian's graphviz, chromium, nodejs, npm and a Java runtime when they are missing
	@missing=""; command -v dot >/dev/null || missing="$$missing graphviz"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=sudo; \
	  else echo "error: please install these Debian packages:$$missing (apt-get install$$missing)" >&2; exit 1; fi; \
	  echo "installing$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[docs,test,report,simulate]'
	touch $@

$(NODE_STAMP): $(NODE)/package.json $(NODE)/package-lock.json
	npm ci --prefix $(NODE) --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

install: system-deps $(STAMP) $(NODE_STAMP) ## create .venv with cep and everything it needs

serve: install ## validate, build everything and serve the manual on http://127.0.0.1:8000
	$(BIN)/cep validate
	@mkdir -p $(REPORTS)
	-$(BIN)/cep spec -- -q --cucumberjson=$(REPORTS)/cucumber.json  # the Verified behaviour page shows its results
	$(BIN)/cep serve --dev-addr 127.0.0.1:8000

site: install ## build the manual into site/
	$(BIN)/cep build --site-dir site

lint: install ## ruff, and zizmor on the GitHub workflows adopters copy
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(BIN)/zizmor --offline --quiet .github/workflows

test: install lint ## every check and test: validate, lint, unit tests, the Gherkin specification
	$(BIN)/cep validate
	$(BIN)/cep check
	@mkdir -p $(REPORTS)
	$(BIN)/pytest -q --cucumberjson=$(REPORTS)/cucumber.json

bench: install ## benchmarks under scripts/bench (medians against a floor)
	@for b in scripts/bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

mutate: install ## how much the specification guards: definition and code mutants against the features alone
	$(BIN)/python -m cep.mutation

clean: ## remove what the build made
	rm -rf site $(REPORTS) .pytest_cache .ruff_cache
