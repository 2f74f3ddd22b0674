# peolc-needs: the two README commands are `make run` and `make test`.
# Everything installs into .venv from requirements.lock (pinned, hash-checked).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
PORT ?= 8501
ADDRESS ?= 127.0.0.1
DB ?= data/peolc.duckdb
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: run serve demo install check test test-fast e2e bench loadtest browser clean lock

## run: install, build the synthetic demo warehouse (if missing) and open the dashboard
run: install $(DB)
	$(BIN)/streamlit run dashboard.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true \
		--browser.gatherUsageStats false

## serve: open the dashboard on whatever warehouse PEOLC_DB (or data/peolc.duckdb) holds
serve: install
	$(BIN)/streamlit run dashboard.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true \
		--browser.gatherUsageStats false

$(DB): | $(STAMP)
	PEOLC_DB=$(DB) $(BIN)/peolc demo

## demo: rebuild the demo warehouse from scratch
demo: install
	PEOLC_DB=$(DB) $(BIN)/peolc demo

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "peolc-needs needs Python 3.11, found " + sys.version' \
		|| { echo "Install Python 3.11 (python3.11) and run again."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

## lock: re-resolve requirements.lock after changing pyproject.toml
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--no-header -o requirements.lock

## browser: Debian's chromium for the browser tests (installed when running as root)
browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; \
		fi; }

## check: ruff, mypy and the import-layer contracts
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

## test: the whole suite: static checks, unit, backtests, AppTest and browser tests
test: install browser check
	$(BIN)/pytest

## test-fast: everything but the browser and slow tests
test-fast: install
	$(BIN)/pytest -m "not e2e and not slow"

## bench: national-scale benchmarks; writes benchmarks/results.md
bench: install browser
	$(BIN)/python -m benchmarks.run

## loadtest: 20 concurrent dashboard sessions (websocket protocol; --client browser for Chromium) on loopback
loadtest: install browser
	$(BIN)/python -m benchmarks.loadtest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
