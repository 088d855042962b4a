# Quick start: `make run` serves the seeded app, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test assets bench loadtest

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "Again on PostgreSQL ($$TEST_DATABASE_URL):"; $(BIN)/pytest --postgresql; \
	else \
		echo "PostgreSQL run skipped: TEST_DATABASE_URL is not set."; \
	fi

# Not part of `make test` (they take minutes). The benchmark builds its
# databases under instance/bench/ and writes instance/bench/results.json.
bench: install
	$(BIN)/python bench/run.py

# gunicorn (4 workers) and locust on loopback, SQLite then PostgreSQL
# (LOADTEST_DATABASE_URL, by default lobbytracker_load on the local server).
loadtest: install
	$(BIN)/python bench/loadtest.py

# Refreshes the vendored front-end files in static/vendor from the npm
# registry; they are committed so that running the app needs no Node.js.
assets:
	npm ci --no-audit --no-fund
	rm -rf static/vendor && mkdir -p static/vendor/utrecht static/vendor/lato/files
	cp node_modules/@utrecht/component-library-css/dist/index.css static/vendor/utrecht/component-library.css
	cp node_modules/@utrecht/design-tokens/dist/theme.css static/vendor/utrecht/design-tokens.css
	cp node_modules/@fontsource/lato/400.css static/vendor/lato/400.css
	cp node_modules/@fontsource/lato/700.css static/vendor/lato/700.css
	cp node_modules/@fontsource/lato/files/lato-latin-*-normal.woff* static/vendor/lato/files/
	find static/vendor/lato/files -type f ! -name '*-400-*' ! -name '*-700-*' -delete
