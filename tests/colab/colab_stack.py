"""Helpers of the Colab-stack tests: run code and notebooks in another interpreter."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Every notebook runs in well under a minute; a cell still running after this is a failure.
CELL_TIMEOUT_S = 180
# nbclient asks the kernel for its kernel_info before the first cell and waits `timeout` for the
# answer, then goes on without it. With this kernel stack the answer is sometimes lost (seen twice
# in CI-like runs: an idle kernel, a stall of exactly the timeout, then a pass): wait briefly.
KERNEL_INFO_TIMEOUT_S = 20


def python_json(python: str, code: str, cwd: Path, env: dict | None = None):
    """Run ``code`` in a fresh ``python`` process; the JSON it prints last."""
    result = subprocess.run([python, "-c", code], cwd=cwd, capture_output=True, text=True, check=True,
                            timeout=300, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def execute(nb: nbformat.NotebookNode, kernel_name: str, cwd: Path) -> nbformat.NotebookNode:
    """Execute ``nb`` top to bottom (raises on the first error); the executed notebook."""
    client = NotebookClient(nb, timeout=KERNEL_INFO_TIMEOUT_S, timeout_func=lambda cell: CELL_TIMEOUT_S,
                            kernel_name=kernel_name,
                            resources={"metadata": {"path": str(cwd)}}, store_widget_state=True)
    client.execute()
    return nb


def stream_text(cell, name: str = "stdout") -> str:
    """What a cell printed to ``name``."""
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.name == name)
