"""What differs on Colab's widget stack (ipywidgets 7.7.1, IPython 7.34) is tested on it.

The kernel-side code is the same on both stacks (nbval runs every notebook on the main one), so
this file runs only what the widget stack changes: the widget, explorer, playground and exercise
tests, in .venv-colab's interpreter, and one notebook with explorers in a Colab-stack kernel, whose
stored widget models must come from ipywidgets 7 (the setup cell: test_setup_cell.py). Run with
`make test-colab`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import nbformat
import pytest
from colab_stack import NOTEBOOKS, ROOT, execute, python_json, stream_text

pytestmark = pytest.mark.colab

PINNED = dict(re.findall(r"^([A-Za-z0-9_-]+)==([0-9.]+)", (ROOT / "tests/colab/requirements.txt").read_text(),
                         re.MULTILINE))
# The tests that build widgets: every explorer factory, the playground, the exercises' widgets.
WIDGET_TESTS = ["tests/core/test_widgets.py", "tests/playground", "tests/exercises",
                *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("tests/*/test_explorer_sweep*.py"))]
# Left to `make test` (the same code on both stacks, no widget in them): peft comparisons (peft is a test
# oracle, not part of Colab's stack) and the playground's claims measured over seeds.
DESELECT = ("not peft and not contrast_on_every_seed and not learn_the_circle_with and not learn_the_spiral "
            "and not starve_layer_one")
# A notebook with explorers that is quick to run: its widget state is checked as Colab stores it.
NOTEBOOK = next(p for p in NOTEBOOKS if p.name.startswith("02_"))
VERSIONS = """\
import json, IPython, ipykernel, ipywidgets, widgetsnbextension, course_lib
print(json.dumps({"ipywidgets": ipywidgets.__version__, "ipython": IPython.__version__,
                  "widgetsnbextension": widgetsnbextension.__version__, "ipykernel": ipykernel.__version__,
                  "course_lib": course_lib.__file__}))"""


def test_requirements_pin_colabs_widget_stack():
    assert PINNED["ipywidgets"] == "7.7.1"


def test_widget_tests_pass_on_colabs_stack(colab_python):
    # The sweeps set each control to its ends only here (COURSE_SWEEP=ends): what this stack changes is
    # the widget layer; `make test` sweeps every value on the main stack.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COURSE_SWEEP": "ends"}
    env.pop("MPLBACKEND", None)
    versions = python_json(colab_python, VERSIONS, ROOT, env)
    assert versions["ipywidgets"] == PINNED["ipywidgets"]
    assert versions["ipython"] == PINNED["ipython"]
    assert versions["course_lib"].startswith(str(ROOT / "course_lib"))
    result = subprocess.run([colab_python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", DESELECT,
                             "-n", "auto", "--dist", "loadfile", *WIDGET_TESTS],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    output = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, f"widget tests failed on Colab's stack:\n{output}"


def test_a_notebook_with_explorers_runs_in_a_colab_kernel(colab_python, kernel):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nb.cells.append(nbformat.v4.new_code_cell(VERSIONS))
    execute(nb, kernel(colab_python, {"PYTHONPATH": str(ROOT)}), cwd=NOTEBOOK.parent)

    versions = json.loads(stream_text(nb.cells[-1]).strip().splitlines()[-1])
    assert versions["ipywidgets"] == PINNED["ipywidgets"]
    assert versions["widgetsnbextension"].startswith("3.6.")
    for i, cell in enumerate(nb.cells):
        stderr = stream_text(cell, "stderr")
        assert "Traceback" not in stderr, f"cell {i} printed a traceback:\n{stderr}"
    # The widgets were built by ipywidgets 7 (controls model 1.5.0; 8.x would say 2.0.0).
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = state.get("state", {})
    assert models, "the notebook shows widgets but none were created on Colab's stack"
    controls = {m["model_module_version"] for m in models.values()
                if m["model_module"] == "@jupyter-widgets/controls"}
    assert controls <= {"1.5.0"}, f"widget models not from ipywidgets 7.7.1: {controls}"
