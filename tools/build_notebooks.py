"""Build the stored notebooks: convert each source in notebooks/src (jupytext percent format) to
.ipynb and execute it headless, top to bottom, storing its outputs (what nbval compares against).

    python tools/build_notebooks.py            # every notebook
    python tools/build_notebooks.py 02 03      # the notebooks whose names start with these
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course_repo import NOTEBOOKS, SOURCES, badge, setup_cell  # noqa: E402

TIMEOUT_S = 600


def sources(prefixes: list[str]) -> list[Path]:
    """The notebook sources whose names start with one of ``prefixes`` (all when empty)."""
    paths = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(x) for x in prefixes)]
    return paths


def check_header(nb: nbformat.NotebookNode, notebook_name: str) -> None:
    """The first markdown cell has the notebook's Colab badge; the first code cell is the setup cell."""
    first_md = next(c for c in nb.cells if c.cell_type == "markdown")
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    if badge(notebook_name) not in first_md.source:
        raise SystemExit(f"{notebook_name}: the first markdown cell must contain\n{badge(notebook_name)}")
    if first_code.source.strip() != setup_cell().strip():
        raise SystemExit(f"{notebook_name}: the first code cell must be the setup cell of "
                         "tools/course_repo.py (run `make repoint` after changing the setting)")


def build(source: Path) -> float:
    """Convert and execute one notebook; return its execution time in seconds."""
    nb = jupytext.read(source, fmt="py:percent")
    name = source.with_suffix(".ipynb").name
    check_header(nb, name)
    for i, cell in enumerate(nb.cells):  # stable ids keep diffs small
        cell["id"] = f"c{i:03d}"
        cell.metadata.pop("lines_to_next_cell", None)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    client = NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}},
                            store_widget_state=True, record_timing=False)  # no timestamps: clean diffs
    # Do not mimic a browser's Output widgets: what is drawn inside `with out:` is stored as the
    # cell's own output, exactly as nbval (which has no front end) will see it.
    client.widget_registry = {}
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata.get("language_info", {}).pop("version", None)
    nbformat.write(nb, NOTEBOOKS / name)
    return elapsed


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="e.g. 01 02 (default: all)")
    args = parser.parse_args()
    os.environ.pop("MPLBACKEND", None)  # an exported backend would reach the kernel: no figures
    paths = sources(args.prefixes)
    if not paths:
        raise SystemExit(f"no notebook sources match {args.prefixes} in {SOURCES}")
    for path in paths:
        elapsed = build(path)
        print(f"{path.stem}: executed headless in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
