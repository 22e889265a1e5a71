"""Colab's stack for the tests: the .venv-colab interpreter (`make colab-venv`) and kernels run by it.

The test harness (pytest, nbclient) runs in the main environment; only the kernels run in
Colab's stack, exactly as Colab runs its own front end apart from the kernel.
"""

from __future__ import annotations

import json
import os

import pytest
from colab_stack import ROOT


@pytest.fixture(scope="session")
def colab_python() -> str:
    """The Python of the Colab-stack environment."""
    python = os.path.abspath(os.environ.get("COLAB_PYTHON", ROOT / ".venv-colab" / "bin" / "python"))
    if not os.access(python, os.X_OK):
        pytest.fail(f"{python} is missing: run `make test-colab`, which builds .venv-colab")
    return python


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """kernel(python, env) -> the name of a kernelspec that runs ipykernel with that interpreter."""
    kernels = tmp_path / "jupyter" / "kernels"
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # it would reach the kernel: no figures

    def make(python: str, env: dict | None = None) -> str:
        name = f"k{len(list(kernels.glob('*'))) if kernels.exists() else 0}"
        (kernels / name).mkdir(parents=True)
        spec = {"argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": name, "language": "python", "env": env or {}}
        (kernels / name / "kernel.json").write_text(json.dumps(spec))
        return name

    return make
