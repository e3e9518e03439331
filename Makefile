PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install dataset test lint lock

$(BIN)/broadsheet: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/python -m compileall -q src
	touch $@

install: $(BIN)/broadsheet

dataset: install
	$(BIN)/broadsheet build

lint: install
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy

test: lint
	$(BIN)/broadsheet schema --check
	$(BIN)/pytest -q

lock:
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock
