"""Point every Colab badge and setup cell at another repository (a fork).

    python tools/repoint.py https://github.com/<you>/<fork> [--branch main]

Rewrites the setting in pyproject.toml, the badges in README.md, and the badge and setup cell of
every notebook (sources and stored notebooks; no re-execution is needed: on a machine other than
Colab the setup cell prints nothing).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course_repo import BADGE_RE, NOTEBOOKS, ROOT, SOURCES, setting, setup_cell, slug  # noqa: E402


def _rewrite_text(text: str, old: dict[str, str], new: dict[str, str]) -> str:
    """Replace badges and the setup cell of ``old`` by those of ``new`` in a text."""
    text = BADGE_RE.sub(
        lambda m: f"https://colab.research.google.com/github/{slug(new['repository'])}/blob/"
        f"{new['branch']}/notebooks/{m.group(3)}", text)
    return text.replace(setup_cell(old), setup_cell(new))


def repoint(repository: str, branch: str) -> list[Path]:
    """Rewrite every file that holds the setting; return the files changed."""
    old, new = setting(), {"repository": repository.rstrip("/"), "branch": branch}
    slug(new["repository"])  # validates
    changed = []
    pyproject = ROOT / "pyproject.toml"
    text = pyproject.read_text()
    text = re.sub(r'(?m)^repository = ".*"$', f'repository = "{new["repository"]}"', text)
    text = re.sub(r'(?m)^branch = ".*"$', f'branch = "{new["branch"]}"', text)
    pyproject.write_text(text)
    changed.append(pyproject)
    for path in [ROOT / "README.md", *sorted(SOURCES.glob("*.py"))]:
        before = path.read_text()
        after = _rewrite_text(before, old, new)
        if after != before:
            path.write_text(after)
            changed.append(path)
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            src = "".join(cell["source"])
            new_src = _rewrite_text(src, old, new)
            if new_src != src:
                cell["source"] = new_src.splitlines(keepends=True)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        changed.append(path)
    return changed


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repository", help="https://github.com/<owner>/<name>")
    parser.add_argument("--branch", default="main")
    args = parser.parse_args()
    for path in repoint(args.repository, args.branch):
        print("updated", path.relative_to(ROOT))


if __name__ == "__main__":
    main()
