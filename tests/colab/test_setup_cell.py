"""The notebooks' real Colab setup cell, run in a Colab-like kernel against a local clone.

A stand-in ``google.colab`` module makes the cell take its Colab branch. Only the repository,
branch and folder settings are replaced: the repository is a local git repository (file://), the
folder a temporary one. The kernel's interpreter is a throwaway environment that sees Colab's
preinstalled stack (.venv-colab) through a .pth file, so what the cell installs lands in the
throwaway environment and .venv-colab stays as it is. Run with `make test-colab`.
"""

from __future__ import annotations

import json
import re
import subprocess

import nbformat
import pytest
from colab_stack import NOTEBOOKS, ROOT, execute, python_json, stream_text

pytestmark = pytest.mark.colab

PREINSTALLED = """\
import importlib, json
out = {}
for name in ("torch", "numpy", "ipywidgets"):
    m = importlib.import_module(name)
    out[name] = [m.__version__, m.__file__]
try:
    import course_lib
    out["course_lib"] = course_lib.__file__
except ImportError:
    out["course_lib"] = None
print(json.dumps(out))"""
PIP_LIST = """\
import json, subprocess, sys
pip = subprocess.run([sys.executable, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True,
                     check=True)
print(json.dumps(sorted(pip.stdout.split())))"""
AFTER_CELL = """\
import json, os, sys, course_lib
print(json.dumps({"course_lib": course_lib.__file__, "cwd": os.getcwd(), "path0": sys.path[0]}))"""


def _replace_setting(cell: str, name: str, value: str) -> str:
    cell, n = re.subn(rf'^{name} = ".*"$', f'{name} = "{value}"', cell, flags=re.MULTILINE)
    assert n == 1, f"the setup cell must set {name} exactly once"
    return cell


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


def test_setup_cell_installs_course_lib_from_the_clone_and_nothing_else(tmp_path, colab_python, kernel):
    setup = next(c for c in nbformat.read(NOTEBOOKS[0], as_version=4).cells if c.cell_type == "code").source
    # A repository to clone, on a branch of its own (CI's checkout may be a detached HEAD).
    origin = tmp_path / "origin"
    _git("clone", "-q", str(ROOT), str(origin), cwd=tmp_path)
    _git("switch", "-q", "-c", "colab-setup-test", cwd=origin)
    course_dir = tmp_path / "content" / "course"
    cell = _replace_setting(setup, "COURSE_REPO", f"file://{origin}")
    cell = _replace_setting(cell, "COURSE_BRANCH", "colab-setup-test")
    cell = _replace_setting(cell, "COURSE_DIR", str(course_dir))

    # A Colab runtime: the throwaway environment sees .venv-colab's packages as preinstalled.
    runtime = tmp_path / "runtime"
    subprocess.run([colab_python, "-m", "venv", str(runtime)], check=True, timeout=300)
    python = str(runtime / "bin" / "python")
    site = python_json(python, "import json, sysconfig; print(json.dumps(sysconfig.get_paths()['purelib']))",
                       tmp_path)
    colab_site = python_json(colab_python, "import json, sysconfig; print(json.dumps(sysconfig.get_paths()"
                             "['purelib']))", tmp_path)
    (runtime / site.removeprefix(str(runtime) + "/") / "colab_preinstalled.pth").write_text(colab_site + "\n")
    # ... and google.colab is importable, as it is there.
    standin = tmp_path / "standin" / "google" / "colab"
    standin.mkdir(parents=True)
    (standin / "__init__.py").write_text('"""Stand-in for Colab\'s google.colab module."""\n')

    before = python_json(python, PREINSTALLED, tmp_path)
    packages_before = python_json(python, PIP_LIST, tmp_path)
    assert before["course_lib"] is None, "course_lib must not be installed before the setup cell"

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import google.colab  # Colab imports it at start-up"),
                nbformat.v4.new_code_cell(cell),
                nbformat.v4.new_code_cell(AFTER_CELL),  # no restart between the two
                nbformat.v4.new_code_cell(cell)]  # running the setup cell again is harmless
    name = kernel(python, {"PYTHONPATH": str(tmp_path / "standin")})
    execute(nb, name, cwd=tmp_path)

    assert (course_dir / "course_lib" / "__init__.py").is_file(), "the cell did not clone the course"
    in_kernel = json.loads(stream_text(nb.cells[2]).strip().splitlines()[-1])
    assert in_kernel["course_lib"] == str(course_dir / "course_lib" / "__init__.py")
    assert in_kernel["cwd"] == str(course_dir / "notebooks")

    after = python_json(python, PREINSTALLED, tmp_path)
    assert after["course_lib"] == str(course_dir / "course_lib" / "__init__.py"), \
        "course_lib is not installed from the clone"
    for name in ("torch", "numpy", "ipywidgets"):
        assert after[name] == before[name], f"the setup cell changed {name}"
    assert after["ipywidgets"][0] == "7.7.1"
    packages_after = python_json(python, PIP_LIST, tmp_path)
    added = sorted(set(packages_after) - set(packages_before))
    assert set(packages_before) <= set(packages_after), "the setup cell removed or changed a package"
    assert len(added) == 1 and added[0].replace("_", "-").startswith("course-lib"), added
