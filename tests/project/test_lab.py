"""`make lab`'s working copies (tools/lab.py): students work in my-notebooks/, the course stays pristine."""

import json
import shutil
import subprocess

import lab
import pytest
from course_repo import ROOT

GIT = ["git", "-c", "user.name=course", "-c", "user.email=course@example.invalid",
       "-c", "init.defaultBranch=main"]


def _git(*args, cwd):
    done = subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60)
    return done.stdout


def _notebook(*sources: str) -> str:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
              "source": s} for i, s in enumerate(sources)]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def _edit(path, source: str) -> None:
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "mine", "metadata": {},
                        "outputs": [], "source": source})
    path.write_text(json.dumps(nb))


def _run(path) -> None:
    """What running a cell and saving does to a copy: outputs and metadata change, sources do not."""
    nb = json.loads(path.read_text())
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran\n"}]
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.99"}
    path.write_text(json.dumps(nb))


@pytest.fixture
def course(tmp_path):
    """A course repository with two notebooks and the real .gitignore."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / "01_a.ipynb").write_text(_notebook("x = 1"))
    (root / "notebooks" / "02_b.ipynb").write_text(_notebook("y = 2"))
    shutil.copy(ROOT / ".gitignore", root / ".gitignore")
    _git("init", "-q", cwd=root)
    _git("add", "-A", cwd=root)
    _git("commit", "-qm", "course v1", cwd=root)
    return root


def test_first_sync_copies_every_notebook_and_git_ignores_the_copies(course):
    assert lab.sync(course) == ["01_a.ipynb: copied", "02_b.ipynb: copied"]
    for name in ("01_a.ipynb", "02_b.ipynb"):
        assert (course / lab.COPIES / name).read_text() == lab.student_version(course / "notebooks" / name)
    assert _git("status", "--porcelain", "--untracked-files=all", cwd=course) == ""


def test_a_session_in_the_copies_leaves_the_course_and_git_status_clean(course):
    lab.sync(course)
    _run(course / lab.COPIES / "01_a.ipynb")
    _edit(course / lab.COPIES / "02_b.ipynb", "my_answer = 42")
    assert _git("status", "--porcelain", "--untracked-files=all", cwd=course) == ""
    assert lab.sync(course) == ["01_a.ipynb: up to date", "02_b.ipynb: yours (edited), kept"]
    assert "my_answer = 42" in (course / lab.COPIES / "02_b.ipynb").read_text(), "sync overwrote an edit"
    assert "ran" in (course / lab.COPIES / "01_a.ipynb").read_text()


def test_git_pull_of_a_new_course_version_never_conflicts_and_keeps_edited_copies(course, tmp_path):
    student = tmp_path / "student"
    _git("clone", "-q", str(course), str(student), cwd=tmp_path)
    lab.sync(student)
    _run(student / lab.COPIES / "01_a.ipynb")  # run only: no edit
    _edit(student / lab.COPIES / "02_b.ipynb", "my_answer = 42")
    # The course publishes a new version of both notebooks.
    (course / "notebooks" / "01_a.ipynb").write_text(_notebook("x = 1", "print(x)"))
    (course / "notebooks" / "02_b.ipynb").write_text(_notebook("y = 3"))
    _git("commit", "-qam", "course v2", cwd=course)

    _git("pull", "-q", "--ff-only", cwd=student)
    report = lab.sync(student)
    assert report[0] == "01_a.ipynb: updated to the course's new version"
    assert report[1].startswith("02_b.ipynb: yours (edited), kept; the course has a new version")
    updated = (student / lab.COPIES / "01_a.ipynb").read_text()
    assert updated == lab.student_version(student / "notebooks" / "01_a.ipynb")
    assert "my_answer = 42" in (student / lab.COPIES / "02_b.ipynb").read_text()
    assert _git("status", "--porcelain", "--untracked-files=all", cwd=student) == ""


def test_reset_restores_the_course_version_and_keeps_the_old_copy(course):
    lab.sync(course)
    copy = course / lab.COPIES / "02_b.ipynb"
    _edit(copy, "my_answer = 42")
    edited = copy.read_text()
    report = lab.reset("02", course)
    assert report[0].startswith("02_b.ipynb: reset to the course's version; yours: my-notebooks/backups/")
    assert copy.read_text() == lab.student_version(course / "notebooks" / "02_b.ipynb")
    [backup] = (course / lab.COPIES / lab.BACKUPS).glob("02_b-*.ipynb")
    assert backup.read_text() == edited
    assert lab.sync(course)[1] == "02_b.ipynb: up to date"
    assert _git("status", "--porcelain", "--untracked-files=all", cwd=course) == ""


def test_reset_all_and_bad_names(course):
    lab.sync(course)
    assert len(lab.reset("all", course)) == 2
    with pytest.raises(SystemExit, match="NB must start a notebook's name .*01_a.ipynb.*got '07'"):
        lab.reset("07", course)
    with pytest.raises(SystemExit, match="got ''"):
        lab.reset("", course)


def test_lab_opens_the_copies_and_allows_root_only_as_root(monkeypatch):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 0)
    command = lab.lab_command(ROOT, ["--no-browser"])
    assert f"--ServerApp.root_dir={ROOT / lab.COPIES}" in command and "--allow-root" in command
    assert command[-1] == "--no-browser"
    monkeypatch.setattr(lab.os, "geteuid", lambda: 1000)
    assert "--allow-root" not in lab.lab_command(ROOT)


def test_overrides_turn_news_off_and_keep_other_settings(tmp_path):
    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    assert lab.write_overrides(str(tmp_path)) == path
    settings = json.loads(path.read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}


def test_the_copies_are_git_ignored_and_outside_the_test_paths():
    assert f"{lab.COPIES}/" in (ROOT / ".gitignore").read_text().splitlines()
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as f:
        assert lab.COPIES not in tomllib.load(f)["tool"]["pytest"]["ini_options"]["testpaths"]


def test_the_makefile_finds_the_torch_bound_it_installs_first():
    """The Makefile installs torch before everything else with pyproject.toml's bound (read by sed)."""
    import re

    lines = (ROOT / "pyproject.toml").read_text().splitlines()
    assert len([line for line in lines if re.fullmatch(r' *"(torch>=[0-9.]*)",*', line)]) == 1
    makefile = (ROOT / "Makefile").read_text()
    assert "TORCH_INDEX ?= https://download.pytorch.org/whl/cpu" in makefile
    assert makefile.index("$(call install_torch,$(PY))") < makefile.index('pip install -q -e ".[lab,test]"')


def test_a_copy_starts_unrun_so_students_predict_before_they_see(course):
    nb = json.loads((course / "notebooks" / "01_a.ipynb").read_text())
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "stored\n"}]
    nb["cells"][0]["execution_count"] = 1
    (course / "notebooks" / "01_a.ipynb").write_text(json.dumps(nb))
    lab.sync(course)
    copy = json.loads((course / lab.COPIES / "01_a.ipynb").read_text())
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in copy["cells"])
    assert [c["source"] for c in copy["cells"]] == [c["source"] for c in nb["cells"]]


@pytest.fixture
def lab_with_open(course, monkeypatch):
    """A fake running Jupyter server (its sessions API answers over HTTP) with 02_b.ipynb open."""
    import http.server
    import threading

    sessions = [{"id": "s1", "path": "02_b.ipynb", "type": "notebook", "notebook": {"path": "02_b.ipynb"}}]
    seen_tokens = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            seen_tokens.append(self.headers.get("Authorization"))
            body = json.dumps(sessions if self.path == "/api/sessions" else []).encode()
            self.send_response(200 if self.path == "/api/sessions" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    monkeypatch.setattr(lab, "_running_servers", lambda: [
        {"url": url, "token": "secret", "root_dir": str(course / lab.COPIES)},
        {"url": "http://127.0.0.1:9/", "token": "", "root_dir": "/elsewhere"},  # a dead server: ignored
    ])
    yield url, seen_tokens
    server.shutdown()


def test_reset_refuses_while_the_notebook_is_open_in_lab(course, lab_with_open):
    url, seen_tokens = lab_with_open
    lab.sync(course)
    copy = course / lab.COPIES / "02_b.ipynb"
    _edit(copy, "my_answer = 42")
    edited = copy.read_text()
    with pytest.raises(SystemExit, match=r"Not reset: 02_b.ipynb \(open in http://127.0.0.1:\d+/\)\. .*"
                                         r"Close and Shut Down Notebook.*FORCE=1"):
        lab.reset("02", course)
    assert copy.read_text() == edited and "token secret" in seen_tokens  # nothing touched
    assert lab.open_in_lab(course / lab.COPIES, ["01_a.ipynb"]) == {}
    assert lab.reset("01", course)[0].startswith("01_a.ipynb: reset")  # another notebook: fine
    assert lab.reset("02", course, force=True)[0].startswith("02_b.ipynb: reset to the course's version")


def test_reset_without_a_running_lab_asks_nothing(course, monkeypatch):
    monkeypatch.setattr(lab, "_running_servers", lambda: [])
    lab.sync(course)
    assert lab.reset("all", course)[0].startswith("01_a.ipynb: reset")
