# Cliffhanger — every target creates the virtual environment first if it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	@scripts/ensure-system-deps
	$(BIN)/cliffhanger demo $(ARGS)

test: $(STAMP)
	@scripts/ensure-chromium && scripts/ensure-system-deps
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check agent tools integrations tests

bench: $(STAMP)
	$(BIN)/python bench/render.py

clean:
	rm -rf out .cliffhanger
