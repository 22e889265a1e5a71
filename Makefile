# Two commands for a newcomer: `make lab` (set up, open the course) and `make test` (set up, run every test).
# Both create and reuse a local virtual environment in .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600

.PHONY: venv lab test lint notebooks benchmark repoint clean test-frontends test-browser test-colab colab-venv playground

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

# The course playground as a web page without code cells (Voilà), for projecting; a link may carry
# a state: http://localhost:8866/?state=v1:data=spiral%26layers=4
playground: venv
	$(VENV)/bin/voila playground/playground.ipynb --port=8866

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

# Front-end tests (README, "Front-end tests"; .ci/run runs them after `make test`).
# test-browser: every notebook in JupyterLab, driven by headless Chromium (installs chromium and
# playwright where missing); screenshots in artifacts/screenshots/.
# test-colab: every notebook in a second environment with Colab's widget stack (ipywidgets 7.7.1),
# and the real Colab setup cell run against a local clone.
test-frontends: test-browser test-colab

test-browser: venv
	$(PY) -m pytest -m browser tests/browser $(PYTEST_ARGS)

# Colab's runtime before the setup cell: its pinned widget stack (tests/colab/requirements.txt),
# torch as above, and the course's dependencies from pyproject.toml, but not course_lib itself.
COLAB_VENV ?= .venv-colab
COLAB_STAMP := $(COLAB_VENV)/.installed
$(COLAB_STAMP): tests/colab/requirements.txt pyproject.toml
	test -x $(COLAB_VENV)/bin/python || $(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -c "import torch" 2>/dev/null || $(COLAB_VENV)/bin/python -m pip install -q --no-index --no-deps torch 2>/dev/null || true
	$(COLAB_VENV)/bin/python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > $(COLAB_VENV)/course-deps.txt
	$(COLAB_VENV)/bin/python -m pip install -q -r tests/colab/requirements.txt -r $(COLAB_VENV)/course-deps.txt
	touch $(COLAB_STAMP)

colab-venv: $(COLAB_STAMP)

test-colab: venv colab-venv
	COLAB_PYTHON=$(COLAB_VENV)/bin/python $(PY) -m pytest -m colab tests/colab $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(COLAB_VENV) .pytest_cache .ruff_cache artifacts
