# sanshi: two commands from a fresh clone. `make demo` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
export SANSHI_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install install-dev assets lint typecheck serve clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("sanshi needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

# The dashboard's chart library (ECharts, pinned, from the npm registry; skipped once there)
# and the Chinese font the PDFs use.
assets: install
	$(BIN)/sanshi fetch-assets
	@test -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null; } || echo "sanshi: PDFs (certificates, monthly reports) need a Chinese font: apt-get install fonts-wqy-microhei (or set SANSHI_CERTIFICATE_FONT / SANSHI_REPORT_FONT)"

demo: install assets
	$(BIN)/sanshi migrate --noinput -v0
	$(BIN)/sanshi import-divisions -v0
	$(BIN)/sanshi demo
	$(BIN)/sanshi rollup
	$(BIN)/sanshi collectstatic --noinput -v0
	@echo "sanshi: serving the Beihai demo on http://127.0.0.1:$(PORT)/ with its task worker and SLA sweep (Ctrl-C stops all)"
	$(BIN)/sanshi serve --port $(PORT) --workers 2

# One test worker per core (pytest-xdist); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: install-dev assets
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadscope

lint: install-dev
	$(BIN)/ruff check sanshi bench
	$(BIN)/ruff format --check sanshi bench

typecheck: install-dev
	$(BIN)/mypy sanshi

clean:
	rm -rf $(VENV) var
