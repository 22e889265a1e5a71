"""The slowest cells of every notebook, for the instructor's guide (INSTRUCTOR.md, "Slowest cells").

    python benchmarks/cells.py            # every notebook
    python benchmarks/cells.py 03 05      # the notebooks whose names start with these

Runs each stored notebook top to bottom headless (as `make notebooks` does, nothing is written)
and prints its total time and its slowest code cells with the section they belong to.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SLOWEST = 4


def _seconds(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def cell_times(path: Path) -> tuple[float, list[tuple[float, str, str]]]:
    """(total seconds, [(seconds, section heading, first line) per code cell])."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.widget_registry = {}  # as tools/build_notebooks.py: no mimicked Output widgets
    start = time.perf_counter()
    client.execute()
    total = time.perf_counter() - start
    rows, section = [], ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            headings = [line.lstrip("#").strip() for line in lines if line.startswith("##")]
            section = headings[-1] if headings else section
        elif cell.cell_type == "code":
            first = next((line for line in cell.source.splitlines() if line and not line.startswith("#")), "")
            rows.append((_seconds(cell), section, first))
    return total, rows


def main(prefixes: list[str]) -> None:
    os.environ.pop("MPLBACKEND", None)  # an exported backend would reach the kernel: no figures
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    paths = [p for p in paths if not prefixes or any(p.name.startswith(x) for x in prefixes)]
    print("| notebook | total (s) | slowest cells: seconds, section, first line |\n|---|---:|---|")
    for path in paths:
        total, rows = cell_times(path)
        slowest = sorted(rows, reverse=True)[:SLOWEST]
        cells = "<br>".join(f"{s:.1f} s · {section[:40]} · `{first[:50]}`" for s, section, first in slowest)
        print(f"| {path.stem} | {total:.1f} | {cells} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
