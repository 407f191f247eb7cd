# The README's commands. Each target creates the virtualenv and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA_DIR ?= .dawsos
STAMP := $(VENV)/.installed
# Debian's chromium: the dashboard's browser test and make demo's screenshots.
CHROMIUM := /usr/bin/chromium

export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: demo test lint typecheck template-check pytest bench serve clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "DawsOS needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Playwright drives the system Chromium and never downloads a browser of its own.
# (root installs it directly; anyone else through sudo)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "no Chromium at $(CHROMIUM) and no apt-get:" \
	  "install Chromium and set DAWSOS_CHROMIUM to it (make test's browser test needs it)"; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

demo: $(STAMP)  ## start the embedded stack, run the whole job once, print what it did
	@# the screenshots want Chromium; without one the demo says so and goes on
	-@[ -n "$$DAWSOS_CHROMIUM" ] || $(MAKE) --no-print-directory $(CHROMIUM)
	$(BIN)/dawsos demo --data-dir $(DATA_DIR)

serve: $(STAMP)  ## the local API on http://127.0.0.1:3000 until Ctrl-C
	$(BIN)/dawsos serve --data-dir $(DATA_DIR)

test: lint typecheck template-check pytest  ## everything CI runs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

TEMPLATES := template.yaml infra/database.yaml

template-check: $(STAMP)  ## cfn-lint and sam validate on the main and the database stacks
	$(BIN)/cfn-lint $(TEMPLATES)
	for t in $(TEMPLATES); do $(BIN)/sam validate --lint --template $$t || exit 1; done

pytest: $(STAMP)
	@[ -n "$$DAWSOS_CHROMIUM" ] || $(MAKE) --no-print-directory $(CHROMIUM)
	$(BIN)/pytest

bench: $(STAMP)  ## ratios measured in one run; never pass/fail on time
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .aws-sam
