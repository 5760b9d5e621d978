# The two commands a newcomer needs: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint unit bench soak card clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/aipm run

lint: $(STAMP)
	$(BIN)/ruff check bot adapters app tests bench
	$(BIN)/mypy

# Two passes: everything on SQLite (the contract suite runs on both drivers), then the end-to-end suites again
# on a throwaway PostgreSQL cluster (skipped in one line where PostgreSQL is not installed, except under CI).
PG_PASS := tests/slack tests/discord tests/delivery tests/faults/test_kill9.py

unit: $(STAMP)
	$(BIN)/pytest -q
	AIPM_TEST_DB=postgres $(BIN)/pytest -q -p no:cacheprovider $(PG_PASS)

test: lint unit

bench: $(STAMP)
	$(BIN)/python -m bench

soak: $(STAMP)
	for i in $$(seq 20); do $(BIN)/pytest -q -p no:cacheprovider tests/faults/test_kill9.py tests/slack/test_slack_kill9.py || exit 1; done

card: $(STAMP)
	$(BIN)/python -m app.demo_card docs/progress-card.png
	$(BIN)/python -m app.demo_team docs/team-report.png

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
