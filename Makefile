# The two commands a newcomer needs: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OPTIMIZER_STAMP := $(VENV)/.optimizer

.PHONY: run test lint unit bench soak card clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -e '.[dev]'  # no setuptools "editable installation" banner
	touch $(STAMP)

# The FSRS optimizer's fit needs torch. Its tests install it only as a CPU build (torch==2.13.0+cpu), which
# exists only where that wheel is on hand (pip's find-links): a plain torch from PyPI is a CUDA build of several
# GB. Elsewhere the two fit tests are skipped, with a line saying so; under CI they must run.
$(OPTIMIZER_STAMP): $(STAMP)
	@if $(BIN)/pip install --quiet 'torch==2.13.0+cpu' 2>/dev/null; then \
		PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -e '.[optimizer]'; \
	else \
		echo "no CPU build of torch on hand: the FSRS optimizer's fit tests are skipped (README: Desired retention)"; \
	fi
	touch $@

run: $(STAMP)
	$(BIN)/aipm run

lint: $(STAMP)
	$(BIN)/ruff check bot adapters app tests bench
	$(BIN)/mypy

# Two passes: everything on SQLite (the contract suite runs on both drivers), then the end-to-end suites again
# on a throwaway PostgreSQL cluster (skipped in one line where PostgreSQL is not installed, except under CI).
PG_PASS := tests/slack tests/discord tests/delivery tests/faults/test_kill9.py

unit: $(STAMP) $(OPTIMIZER_STAMP)
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
