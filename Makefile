# The two commands in the README: `make run` and `make test`. Both build their own virtual
# environment in .venv and are safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := portal

.PHONY: run test test-tools translations assets clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/python -m babel.messages.frontend compile --use-fuzzy -d translations >/dev/null

# Start the portal with demo data on the embedded default: a SQLite file in instance/, emails kept in
# the outbox (read them in the back office). Never use this for a real agency: see the README.
run: translations
	@PORTAL_ENV=development $(BIN)/flask db upgrade
	@PORTAL_ENV=development $(BIN)/flask demo load
	@echo
	@echo "The portal is at http://$(HOST):$(PORT)/  (staff back office: http://$(HOST):$(PORT)/staff/)"
	@echo
	@PORTAL_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

# What the browser tests need beyond Python: Chromium and its driver, fonts for Urdu and Punjabi,
# Node.js for axe-core and the Nu HTML checker's package, and Java to run the checker.
test-tools:
	@missing=""; \
	 [ -x /usr/bin/chromium ] || missing="$$missing chromium chromium-driver"; \
	 command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	 command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	 fc-list 2>/dev/null | grep -q "Noto Nastaliq Urdu" || missing="$$missing fonts-noto-core"; \
	 if [ -n "$$missing" ]; then \
	   if [ "$$(id -u)" = 0 ]; then \
	     apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	   else \
	     echo "The browser tests need:$$missing. Install them with: sudo apt-get install$$missing" >&2; exit 1; \
	   fi; \
	 fi
	@[ -d frontend/node_modules/axe-core ] || (cd frontend && npm ci --no-fund --no-audit --silent)

# Run the whole suite. Set TEST_DATABASE_URL to run it on PostgreSQL (CI does).
test: $(STAMP) test-tools
	$(BIN)/python -m pytest --cov --cov-report=term --cov-fail-under=90 $(PYTEST_ARGS)

# Rebuild the committed CSS and JavaScript in static/ from GOV.UK Frontend (needs Node.js).
assets:
	bash frontend/build.sh

clean:
	rm -rf $(VENV) instance .pytest_cache .coverage
