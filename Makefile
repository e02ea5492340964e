# bundlesmith — `make run` and `make test` set up everything they need (idempotent, quiet when done).
SHELL   := bash
.SHELLFLAGS := -eo pipefail -c
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-run
TSTAMP  := $(VENV)/.installed-test
WORKSPACE ?= samples/acme

.PHONY: run test install install-test chromium goldens bench clean

# The service on the local target: prints the admin API's URLs (and a token for the run), Ctrl-C stops.
run: $(STAMP)
	@echo "admin API on http://127.0.0.1:8585 (send the token printed below: curl -H 'Authorization: Bearer <token>' http://127.0.0.1:8585/api/v1/sources; reference at /docs); files in $(WORKSPACE)/public"
	@$(BIN)/bundlesmith serve $(WORKSPACE) --env local

JSDEPS  := tests/js/node_modules/.installed

# The floors first (import-linter contracts in pyproject.toml): a wrong import fails before any test runs.
test: $(TSTAMP) chromium $(JSDEPS)
	@out=$$($(BIN)/lint-imports --no-cache --no-logo 2>&1) || { echo "$$out"; exit 1; }
	@$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Segment's own packages, which browser tests check our output against (npm registry; never bundled).
$(JSDEPS): tests/js/package.json tests/js/package-lock.json
	@npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

install: $(STAMP)
install-test: $(TSTAMP)

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e . 2>&1 | { grep -v 'is ignored: it is neither' || true; }
	@touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | { grep -v 'is ignored: it is neither' || true; }
	@touch $@ $(STAMP)

# Debian's chromium drives every browser test (Playwright is pointed at /usr/bin/chromium).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Debian's chromium (browser tests)"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

goldens: $(STAMP)
	@$(BIN)/python -m tests.goldens

bench: $(STAMP)
	@$(BIN)/python bench/build_scale.py

clean:
	rm -rf $(VENV) dist build *.egg-info tests/js/node_modules
