"""Classroom conventions of the stored notebooks: student cells without test plumbing, numbers instead
of verdicts, and figures sharp and column-wide on a projector."""

import base64
import json
import re
import struct

import pytest
from course_repo import NOTEBOOKS, SOURCES

from course_lib import style

NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
# A figure drawn at style.DPI and cropped to its content by the inline backend ('tight' bbox).
MIN_PNG_WIDTH = 780
MAX_PNG_WIDTH = int(style.MAX_WIDTH_IN * style.DPI) + 40
VERDICT = re.compile(r"(^|[:=]\s*)(True|False)\s*$")


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _png_width(b64: str) -> int:
    """The width in pixels of a base64 PNG (from its IHDR chunk)."""
    head = base64.b64decode(b64[:64])
    return struct.unpack(">I", head[16:20])[0]


@pytest.mark.parametrize("path", sorted(SOURCES.glob("[0-9][0-9]_*.py")), ids=lambda p: p.name)
def test_no_test_plumbing_in_student_cells(path):
    text = path.read_text()
    assert not re.search(r"^\s*assert\b", text, re.M), "checks belong in tests/, not in a student cell"
    assert "NBVAL" not in text, "nbval markers are cell tags (# %% tags=[\"nbval-ignore-output\"])"
    assert not re.search(r"\b(claim|erratum) [CE]\d+", text, re.I), "ids mean nothing to a student"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_no_output_is_a_bare_verdict(path):
    for cell in _cells(path):
        for out in cell.get("outputs", []):
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            for line in text.splitlines():
                assert not VERDICT.search(line.strip()), f"print the measured numbers, not {line.strip()!r}"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_stored_figures_are_column_wide(path):
    widths = [_png_width(out["data"]["image/png"]) for cell in _cells(path) for out in cell.get("outputs", [])
              if "image/png" in out.get("data", {})]
    assert widths, "a notebook with no figure"
    narrow = [w for w in widths if w < MIN_PNG_WIDTH]
    wide = [w for w in widths if w > MAX_PNG_WIDTH]
    assert not narrow and not wide, f"figure widths {widths} px: keep them {MIN_PNG_WIDTH}–{MAX_PNG_WIDTH} px"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_at_most_a_quarter_of_output_cells_are_exempt_from_nbval(path):
    cells = [c for c in _cells(path) if c["cell_type"] == "code" and c["outputs"]]
    ignored = [c for c in cells if "nbval-ignore-output" in c.get("metadata", {}).get("tags", [])]
    assert len(ignored) <= len(cells) / 4, f"{len(ignored)} of {len(cells)} output cells are ignored"
