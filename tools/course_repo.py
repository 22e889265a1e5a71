"""The course's one repository setting, and the Colab badge and setup cell generated from it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"

SETUP_CELL = '''\
# Setup. On Google Colab: fetch the course and install course_lib, leaving Colab's own torch,
# numpy and ipywidgets untouched. Anywhere else this cell does nothing (`make lab` set you up).
import sys

COURSE_REPO = "{repository}"
COURSE_BRANCH = "{branch}"
COURSE_DIR = "/content/course"
if "google.colab" in sys.modules:
    import os
    import subprocess

    if not os.path.isdir(COURSE_DIR):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", COURSE_BRANCH, COURSE_REPO, COURSE_DIR],
                       check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", COURSE_DIR], check=True)
    sys.path.insert(0, COURSE_DIR)  # an editable install is only seen after a restart
    os.chdir(os.path.join(COURSE_DIR, "notebooks"))'''

BADGE = (
    "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
    "(https://colab.research.google.com/github/{slug}/blob/{branch}/notebooks/{notebook})"
)
BADGE_RE = re.compile(
    r"https://colab\.research\.google\.com/github/([^/\s]+/[^/\s]+)/blob/([^/\s]+)/notebooks/"
    r"([\w.-]+\.ipynb)"
)


def setting() -> dict[str, str]:
    """{"repository": URL, "branch": name} from pyproject.toml's [tool.course]."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        course = tomllib.load(f)["tool"]["course"]
    return {"repository": course["repository"].rstrip("/"), "branch": course["branch"]}


def slug(repository: str) -> str:
    """owner/name of a GitHub URL."""
    match = re.fullmatch(r"https://github\.com/([^/\s]+/[^/\s]+?)(\.git)?", repository.rstrip("/"))
    if not match:
        raise ValueError(f"repository must be https://github.com/<owner>/<name>, got {repository!r}")
    return match.group(1)


def setup_cell(config: dict[str, str] | None = None) -> str:
    """The first code cell of every notebook."""
    return SETUP_CELL.format(**(config or setting()))


def badge(notebook: str, config: dict[str, str] | None = None) -> str:
    """The Colab badge of one notebook file name."""
    config = config or setting()
    return BADGE.format(slug=slug(config["repository"]), branch=config["branch"], notebook=notebook)
