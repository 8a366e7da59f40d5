# Academy — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 5000
AXE    := .npm/node_modules/axe-core/axe.min.js
export ACADEMY_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test lint typecheck pytest translations compile-translations bench clean axe-core

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

compile-translations: $(STAMP)
	@$(BIN)/pybabel compile -d translations -D messages

## make run: set everything up and serve the demo academy on http://127.0.0.1:$(PORT)
run: compile-translations
	ACADEMY_PRODUCTION=false $(BIN)/academy demo
	ACADEMY_PRODUCTION=false $(BIN)/academy serve --host 127.0.0.1 --port $(PORT)

## make test: lint and run the whole test suite (TEST_DATABASE_URL selects PostgreSQL)
test: compile-translations lint pytest

lint: $(STAMP)
	$(BIN)/ruff check academy tests bench
	$(BIN)/ruff format --check academy tests bench

typecheck: $(STAMP)
	$(BIN)/mypy academy

pytest: $(STAMP) $(AXE)
	$(BIN)/pytest

## make axe-core: fetch axe-core for the browser journeys' accessibility checks (needs npm;
## without it the journeys skip and say why)
axe-core: $(AXE)

$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-save --no-audit --no-fund --prefix .npm axe-core@4 \
		|| echo "Could not fetch axe-core: the browser journeys will be skipped."; \
	else \
		echo "npm not found: the browser journeys will be skipped (no axe-core)."; \
	fi

## make translations: extract new strings, update every catalogue, compile
translations: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-by-file -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot academy
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations -D messages
	$(BIN)/pybabel compile -d translations -D messages --statistics

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .npm test-artifacts
