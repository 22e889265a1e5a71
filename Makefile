# Two commands for a newcomer: `make lab` (set up, open the course) and `make test` (set up, run every test).
# Both create and reuse a local virtual environment in .venv.
# `make lab` opens JupyterLab on your own copies of the notebooks (my-notebooks/, git-ignored);
# `make reset NB=03` puts the course's version of 03 back (your copy is kept in my-notebooks/backups/).
# It refuses while 03 is open in a running JupyterLab (close the tab first), unless FORCE=1.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600

.PHONY: venv lab reset test lint notebooks benchmark repoint clean test-frontends test-browser test-colab colab-venv playground

# torch, before everything else so that pip never picks the default (CUDA, several GB) build:
# 1. a torch already installed, or a wheel this machine already offers to pip (its find-links), is
#    taken as it is; 2. otherwise, on Linux, the CPU-only build from PyTorch's CPU wheel index
#    (TORCH_INDEX); 3. on macOS and Windows PyPI's wheels are CPU builds already: step 5 takes one.
# A CUDA build on purpose: `make venv TORCH_INDEX=https://download.pytorch.org/whl/cu126` (README).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_SPEC := $(shell sed -n 's/^ *"\(torch>=[0-9.]*\)",*$$/\1/p' pyproject.toml)
define install_torch
$(1) -c "import torch" 2>/dev/null \
|| $(1) -m pip install -q --no-index --no-deps "$(TORCH_SPEC)" 2>/dev/null \
|| [ "$$(uname -s)" != Linux ] \
|| $(1) -m pip install -q "$(TORCH_SPEC)" --index-url $(TORCH_INDEX) \
|| { echo "Could not install torch from $(TORCH_INDEX); set TORCH_INDEX (README, Install)" >&2; exit 1; }
endef

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(call install_torch,$(PY))
	$(PY) -m pip install -q -e ".[lab,test]"
	touch $(STAMP)

venv: $(STAMP)

# LAB_ARGS: more options for jupyter lab, e.g. LAB_ARGS="--no-browser --port=8899".
lab: venv
	$(PY) tools/lab.py $(LAB_ARGS)

reset: venv
	$(PY) tools/lab.py reset $(NB) $(if $(FORCE),--force)

# The course playground as a web page without code cells (Voilà), for projecting; a link may carry
# a state: http://localhost:8866/?state=v1:data=spiral%26layers=4
playground: venv
	$(VENV)/bin/voila playground/playground.ipynb --port=8866

# One worker per core (PYTEST_WORKERS=1 for one process); a notebook's cells stay on one worker.
PYTEST_WORKERS ?= auto
test: venv lint
	$(PY) -m pytest $(NBVAL) -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check course_lib tests tools benchmarks data/scripts notebooks/src

# Re-execute every notebook headless and store its outputs (what nbval compares against).
notebooks: venv
	$(PY) tools/build_notebooks.py $(NB)

# Every benchmarks/*.py: timings printed as tables (benchmarks, not timed tests).
benchmark: venv
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

# Point every Colab badge and setup cell at a fork: make repoint REPO=https://github.com/you/fork
repoint: venv
	$(PY) tools/repoint.py $(REPO) $(if $(BRANCH),--branch $(BRANCH),)

# Front-end tests (README, "Front-end tests"; .ci/run runs them after `make test`).
# test-browser: every notebook in JupyterLab, driven by headless Chromium (installs chromium and
# playwright where missing); screenshots in artifacts/screenshots/.
# test-colab: what differs on Colab's widget stack (ipywidgets 7.7.1): the widget, explorer, playground
# and exercise tests run in that environment, one notebook with explorers in a Colab-stack kernel, and
# the real Colab setup cell run against a local clone.
test-frontends: test-browser test-colab

test-browser: venv
	$(PY) -m pytest -m browser tests/browser $(PYTEST_ARGS)

# Colab's runtime before the setup cell: its pinned widget stack (tests/colab/requirements.txt),
# torch as above, and the course's dependencies from pyproject.toml, but not course_lib itself.
COLAB_VENV ?= .venv-colab
COLAB_STAMP := $(COLAB_VENV)/.installed
$(COLAB_STAMP): tests/colab/requirements.txt pyproject.toml
	test -x $(COLAB_VENV)/bin/python || $(PYTHON) -m venv $(COLAB_VENV)
	$(call install_torch,$(COLAB_VENV)/bin/python)
	$(COLAB_VENV)/bin/python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > $(COLAB_VENV)/course-deps.txt
	$(COLAB_VENV)/bin/python -m pip install -q -r tests/colab/requirements.txt -r $(COLAB_VENV)/course-deps.txt
	touch $(COLAB_STAMP)

colab-venv: $(COLAB_STAMP)

# Two workers: the widget tests (their own two workers) beside notebook 02's Colab kernel and the setup
# cell's pip install, which mostly wait.
test-colab: venv colab-venv
	COLAB_PYTHON=$(COLAB_VENV)/bin/python $(PY) -m pytest -m colab tests/colab -n 2 --dist load $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(COLAB_VENV) .pytest_cache .ruff_cache artifacts
