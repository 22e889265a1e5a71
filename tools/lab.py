"""Open the course in JupyterLab on the student's own copies of the notebooks (`make lab`).

    python tools/lab.py [jupyter lab options]   # make your copies, then start JupyterLab on them
    python tools/lab.py sync                    # only make or update your copies
    python tools/lab.py reset 03                # your copy of 03 back to the course's version
    python tools/lab.py reset 03 --force        # ... even while 03 is open in a running JupyterLab

The course's notebooks (notebooks/NN_*.ipynb) are never opened: JupyterLab starts in
my-notebooks/, a git-ignored folder of working copies, so saving, autosave and edits land in the
copies, `git status` stays clean, `make test` keeps passing and `git pull` never meets local
changes. `sync` copies a notebook that has no copy yet; when the course's version changes, it
replaces a copy whose cells the student has not edited (running cells is not editing) and keeps an
edited one, saying how to take the new version. `reset` keeps the old copy in
my-notebooks/backups/, and refuses while the notebook is open in a running JupyterLab (found
through Jupyter's list of running servers and each server's sessions API): Lab's next autosave
would write the old copy back over the reset ("File Changed", with Overwrite as its default).
A copy starts unrun, without outputs: students predict before they see a result.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIES = "my-notebooks"  # at the repository root, git-ignored
MANIFEST = ".course-versions.json"  # in COPIES: the course version each copy was made from
BACKUPS = "backups"  # in COPIES

# JupyterLab defaults for the course (overrides.json in the environment's lab settings): no news
# or update pop-ups on the first screen, whole notebook names in the file browser, and no launcher
# tiles for jupytext's text notebooks (a maintainer's tool, installed for the tests). Students' own
# settings still win over these.
OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "jupyterlab-jupytext:plugin": {"auto:percent": False, "md:myst": False},
    # The file browser's "Last Modified" column cut the notebooks' names at the default width.
    "@jupyterlab/filebrowser-extension:browser": {"showLastModifiedColumn": False},
}


def course_notebooks(root: Path = ROOT) -> list[Path]:
    """The course's stored notebooks, NN_*.ipynb."""
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def cells_digest(path: Path) -> str:
    """A hash of a notebook's cell types and sources: what a student edits, not outputs or metadata."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [[c["cell_type"], c["source"] if isinstance(c["source"], str) else "".join(c["source"])]
             for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def student_version(course: Path) -> str:
    """The course notebook as a student's copy starts: every cell unrun, no stored outputs.

    Students predict before they run (the notebooks' predict-then-run questions), so the copy shows
    no figure or number until its cell runs; the course's own notebooks keep their outputs (nbval).
    """
    nb = json.loads(course.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.get("metadata", {}).pop("widgets", None)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def _copy(course: Path, copy: Path) -> None:
    """Write the student's copy of ``course``."""
    copy.write_text(student_version(course), encoding="utf-8")


def _load_manifest(copies: Path) -> dict[str, str]:
    try:
        return json.loads((copies / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def _save_manifest(copies: Path, manifest: dict[str, str]) -> None:
    (copies / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def sync(root: Path = ROOT) -> list[str]:
    """Make missing copies, update copies the student has not edited; one line per notebook."""
    copies = root / COPIES
    copies.mkdir(exist_ok=True)
    manifest = _load_manifest(copies)
    report = []
    for course in course_notebooks(root):
        copy, course_digest = copies / course.name, cells_digest(course)
        if not copy.exists():
            _copy(course, copy)
            manifest[course.name] = course_digest
            report.append(f"{course.name}: copied")
            continue
        copy_digest = cells_digest(copy)
        if copy_digest == course_digest:  # the same cells as the course's: nothing to do
            manifest[course.name] = course_digest
            report.append(f"{course.name}: up to date")
        elif copy_digest == manifest.get(course.name):  # unedited copy of an older course version
            _copy(course, copy)
            manifest[course.name] = course_digest
            report.append(f"{course.name}: updated to the course's new version")
        elif manifest.get(course.name) == course_digest:
            report.append(f"{course.name}: yours (edited), kept")
        else:
            report.append(f"{course.name}: yours (edited), kept; the course has a new version: `make "
                          f"reset NB={course.name[:2]}` takes it (your copy goes to {COPIES}/{BACKUPS}/)")
    _save_manifest(copies, manifest)
    return report


def _running_servers() -> list[dict]:
    """Jupyter servers running on this machine, as Jupyter lists them (none if it cannot tell)."""
    try:
        from jupyter_server.serverapp import list_running_servers
    except ImportError:
        return []
    try:
        return list(list_running_servers())
    except (OSError, ValueError):
        return []


def _sessions(server: dict) -> list[dict]:
    """A server's sessions (one per notebook open with a kernel); none if it does not answer."""
    headers = {"Authorization": f"token {server['token']}"} if server.get("token") else {}
    request = urllib.request.Request(server["url"].rstrip("/") + "/api/sessions", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return []


def open_in_lab(copies: Path, names: list[str]) -> dict[str, str]:
    """The notebooks among ``names`` in ``copies`` that a running Jupyter server has open: name -> its URL."""
    found = {}
    for server in _running_servers():
        root = Path(server.get("root_dir") or server.get("notebook_dir") or ".")
        for session in _sessions(server):
            relative = session.get("path") or (session.get("notebook") or {}).get("path") or ""
            path = (root / relative).resolve()
            if path.parent == copies.resolve() and path.name in names:
                found[path.name] = server["url"]
    return found


def reset(prefix: str, root: Path = ROOT, *, force: bool = False) -> list[str]:
    """Replace the copies of the notebooks named ``prefix``* (``all``: every one) by the course's.

    Refuses (SystemExit) while one of them is open in a running JupyterLab, unless ``force``.
    """
    chosen = [p for p in course_notebooks(root) if prefix == "all" or p.name.startswith(prefix)]
    if not prefix or not chosen:
        names = ", ".join(p.name for p in course_notebooks(root))
        raise SystemExit(f"NB must start a notebook's name (one of {names}) or be 'all', got {prefix!r}")
    copies = root / COPIES
    open_now = {} if force else open_in_lab(copies, [p.name for p in chosen])
    if open_now:
        listed = ", ".join(f"{name} (open in {url})" for name, url in sorted(open_now.items()))
        raise SystemExit(
            f"Not reset: {listed}. JupyterLab's next autosave would write your old copy back over the "
            "course's version. In JupyterLab, close the notebook's tab and shut its kernel down "
            "(File → Close and Shut Down Notebook), then run `make reset` again. Or reset anyway with "
            "`make reset NB=... FORCE=1` and then, in the open tab, File → Reload Notebook from Disk "
            "(if Lab asks about a changed file, choose Revert, not Overwrite).")
    copies.mkdir(exist_ok=True)
    manifest = _load_manifest(copies)
    report = []
    for course in chosen:
        copy = copies / course.name
        if copy.exists() and copy.read_text(encoding="utf-8") != student_version(course):
            backup = copies / BACKUPS / f"{copy.stem}-{time.strftime('%Y%m%d-%H%M%S')}.ipynb"
            backup.parent.mkdir(exist_ok=True)
            shutil.move(copy, backup)
            report.append(f"{course.name}: reset to the course's version; yours: {backup.relative_to(root)}")
        else:
            report.append(f"{course.name}: reset to the course's version")
        _copy(course, copy)
        manifest[course.name] = cells_digest(course)
    _save_manifest(copies, manifest)
    return report


def write_overrides(prefix: str = sys.prefix) -> Path:
    """Merge OVERRIDES into the environment's JupyterLab overrides.json; its path."""
    path = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    try:
        current = json.loads(path.read_text())
    except (OSError, ValueError):
        current = {}
    merged = {**current, **{k: {**current.get(k, {}), **v} for k, v in OVERRIDES.items()}}
    if merged != current:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(merged, indent=2) + "\n")
    return path


def lab_command(root: Path = ROOT, extra: list[str] | None = None) -> list[str]:
    """The command that starts JupyterLab on the copies (with --allow-root only when run as root)."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root / COPIES}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers, cloud VMs: Jupyter refuses root without it
    return command + list(extra or [])


def main(argv: list[str]) -> None:
    if argv[:1] in (["sync"], ["reset"]):
        parser = argparse.ArgumentParser(prog="tools/lab.py")
        parser.add_argument("action", choices=["sync", "reset"])
        parser.add_argument("notebook", nargs="?", default="", help="reset: 01, 03_architecture, ... or all")
        parser.add_argument("--force", action="store_true", help="reset: even while open in JupyterLab")
        args = parser.parse_args(argv)
        report = sync() if args.action == "sync" else reset(args.notebook, force=args.force)
        print("\n".join(f"  {COPIES}/{line}" for line in report))
        return
    print(f"Your copies of the notebooks are in {COPIES}/ (the course's own stay untouched):")
    print("\n".join(f"  {line}" for line in sync()))
    print("Reset one to the course's version with `make reset NB=03`.")
    try:
        write_overrides()
    except OSError as error:  # a read-only environment: Lab still starts, with its own defaults
        print(f"(JupyterLab's news pop-up stays on: cannot write its settings: {error})")
    command = lab_command(extra=argv)
    sys.stdout.flush()
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
