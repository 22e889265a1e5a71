# Two commands for a newcomer: `make lab` (set up, open the course) and `make test` (set up, run every test).
# Both create and reuse a local virtual environment in .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600

.PHONY: venv lab test lint notebooks benchmark repoint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch: take a wheel this machine already has (pip's find-links) if there is one, so no CUDA
	# stack is pulled; otherwise this step does nothing and the next one installs an ordinary torch.
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q --no-index --no-deps torch 2>/dev/null || true
	$(PY) -m pip install -q -e ".[lab,test]"
	touch $(STAMP)

venv: $(STAMP)

lab: venv
	$(VENV)/bin/jupyter lab notebooks/

test: venv lint
	$(PY) -m pytest $(NBVAL) $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check course_lib tests tools notebooks/src

# Re-execute every notebook headless and store its outputs (what nbval compares against).
notebooks: venv
	$(PY) tools/build_notebooks.py $(NB)

# Every tools/benchmark_*.py: timings printed as tables (benchmarks, not timed tests).
benchmark: venv
	for b in tools/benchmark_*.py; do $(PY) $$b || exit 1; done

# Point every Colab badge and setup cell at a fork: make repoint REPO=https://github.com/you/fork
repoint: venv
	$(PY) tools/repoint.py $(REPO) $(if $(BRANCH),--branch $(BRANCH),)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
