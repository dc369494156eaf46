# Two entry points for a fresh machine (Python >= 3.11 with venv, and make):
#   make maps   install cablemap into .venv and build the maps from the embedded sample
#   make test   install cablemap with its test tools into .venv, lint (ruff, mypy), run the tests
# and for development:
#   make test-fast   the inner loop: the tests that are neither slow nor online (< 30 s)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: maps test test-fast install install-test lint bench sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"

maps: install
	$(BIN)/cablemap build

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cablemap

# two workers: the machine's two cores (tests that share expensive fixtures are grouped on one)
test: install-test lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# no full releases, whole builds, wheel, notebooks or browser (`slow`, set in tests/conftest.py);
# reinstalls only when pyproject.toml changed (a new version or dependency)
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not slow and not web"

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

bench: install-test
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_score.py
	$(BIN)/python benchmarks/bench_stack.py
	$(BIN)/python benchmarks/bench_resilience.py
	$(BIN)/python benchmarks/bench_scenarios.py
	$(BIN)/python benchmarks/bench_maps.py
	$(BIN)/python benchmarks/bench_briefs.py
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/measure_inference.py --sweep
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_simulate.py



# Re-synthesise the embedded sample's routes after editing geodata/sample/facts/*.csv
sample: install-test
	$(BIN)/python geodata/sample/make_sample.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache maps/*.html
