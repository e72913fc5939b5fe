# The two commands of the README:
#   make demo   installs casebook and builds the demo site with PDFs into site/
#   make test   installs what the tests need and runs the whole suite
# Both work on a fresh Debian machine with Python 3.11+ (root or sudo for apt).

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_RUNTIME = fonts-dejavu-core libharfbuzz-subset0
APT_TEST    = chromium poppler-utils default-jre-headless fonts-noto-core

.PHONY: demo test install install-test system-runtime system-test clean

demo: install
	$(VENV)/bin/casebook build --private

test: install-test
	bash tools/run-tests.sh

install: system-runtime $(VENV)/.installed

install-test: system-test $(VENV)/.installed-test node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-runtime:
	@bash tools/apt-ensure.sh $(APT_RUNTIME)

system-test:
	@bash tools/apt-ensure.sh $(APT_RUNTIME) $(APT_TEST)

clean:
	rm -rf site private .casebook-cache $(VENV) node_modules
