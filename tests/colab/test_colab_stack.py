"""Every notebook runs top to bottom on Colab's widget stack (ipywidgets 7.7.1, IPython 7.34).

The kernel runs in .venv-colab (tests/colab/requirements.txt) with course_lib on its path, as
the setup cell leaves it on Colab. Run with `make test-colab`.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from colab_stack import NOTEBOOKS, ROOT, execute, stream_text

pytestmark = pytest.mark.colab

PINNED = dict(re.findall(r"^([A-Za-z0-9_-]+)==([0-9.]+)", (ROOT / "tests/colab/requirements.txt").read_text(),
                         re.MULTILINE))
VERSIONS = """\
import json, os, IPython, ipykernel, ipywidgets, widgetsnbextension, course_lib
print(json.dumps({"ipywidgets": ipywidgets.__version__, "ipython": IPython.__version__,
                  "widgetsnbextension": widgetsnbextension.__version__, "ipykernel": ipykernel.__version__,
                  "course_lib": course_lib.__file__}))"""


def test_requirements_pin_colabs_widget_stack():
    assert PINNED["ipywidgets"] == "7.7.1"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom_on_colabs_stack(path, colab_python, kernel):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nb.cells.append(nbformat.v4.new_code_cell(VERSIONS))
    name = kernel(colab_python, {"PYTHONPATH": str(ROOT)})
    execute(nb, name, cwd=path.parent)  # raises CellExecutionError on the first error

    versions = json.loads(stream_text(nb.cells[-1]).strip().splitlines()[-1])
    assert versions["ipywidgets"] == PINNED["ipywidgets"]
    assert versions["ipython"] == PINNED["ipython"]
    assert versions["widgetsnbextension"].startswith("3.6.")
    assert versions["course_lib"].startswith(str(ROOT / "course_lib"))
    for i, cell in enumerate(nb.cells):
        stderr = stream_text(cell, "stderr")
        assert "Traceback" not in stderr, f"cell {i} printed a traceback:\n{stderr}"
    # The widgets were built by ipywidgets 7 (controls model 1.5.0; 8.x would say 2.0.0).
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = state.get("state", {})
    stored = json.dumps([c.get("outputs", []) for c in nbformat.read(path, as_version=4).cells])
    if "application/vnd.jupyter.widget-view+json" in stored:
        assert models, "the notebook shows widgets but none were created on Colab's stack"
    controls = {m["model_module_version"] for m in models.values()
                if m["model_module"] == "@jupyter-widgets/controls"}
    assert controls <= {"1.5.0"}, f"widget models not from ipywidgets 7.7.1: {controls}"
