"""What the browser test needs, installed where missing: Debian's chromium and Python's playwright;
and JupyterLab started the way `make lab` starts it, on a throwaway git copy of the course.

Playwright's own browser download does not work on the course's machines, so the test drives the
system Chromium (``/usr/bin/chromium``) instead; ``playwright install`` is never called.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import lab as course_lab  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
INSTALL_TIMEOUT_S = 900
LAB_START_TIMEOUT_S = 180

# JupyterLab settings for a test run, besides `make lab`'s own (tools/lab.py, OVERRIDES): autosave
# on, as a student has it, but every few seconds instead of every two minutes; every cell rendered
# (windowing would leave off-screen widgets out of the page).
AUTOSAVE_INTERVAL_S = 5
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {"autosave": True, "autosaveInterval": AUTOSAVE_INTERVAL_S},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none", "scrollPastEnd": False},
    **course_lab.OVERRIDES,
}
GIT = ["git", "-c", "user.name=course", "-c", "user.email=course@example.invalid",
       "-c", "init.defaultBranch=main"]


@dataclass
class Lab:
    """A running JupyterLab: its base URL, the course copy it serves, what the tests recorded."""

    base: str
    course: Path
    edited: dict[str, str] = field(default_factory=dict)  # notebook name -> the cell a test added
    latencies: list[dict] = field(default_factory=list)  # one row per slider move

    @property
    def copies(self) -> Path:
        return self.course / course_lab.COPIES

    def git(self, *args: str) -> str:
        return subprocess.run([*GIT, *args], cwd=self.course, check=True, capture_output=True, text=True,
                              timeout=120).stdout


_LAB: list[Lab] = []  # the session's Lab, for the latency table at the end


def _ensure_chromium() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.geteuid() != 0:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (sudo apt-get install -y chromium)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, timeout=INSTALL_TIMEOUT_S)
    subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, env=env,
                   timeout=INSTALL_TIMEOUT_S)
    assert os.path.exists(CHROMIUM), f"apt-get installed chromium but {CHROMIUM} is not there"
    return CHROMIUM


def _ensure_playwright() -> None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "playwright>=1.40"], check=True,
                       timeout=INSTALL_TIMEOUT_S)
        importlib.invalidate_caches()  # so this process sees the package it just installed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(command: list[str], url: str, timeout_s: float, log_path: Path, what: str, **popen):
    """Run the server ``command`` (its output to ``log_path``) until ``url`` answers, yield it, and stop
    it afterwards; fail with the end of its log if it exits or ``timeout_s`` passes first."""
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **popen)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    urllib.request.urlopen(url, timeout=5)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"{what} did not start:\n" + log_path.read_text()[-3000:])
                    time.sleep(1)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


@pytest.fixture(scope="session")
def serving():
    """``served``, for the test modules that start a server of their own."""
    return served


@pytest.fixture(scope="session")
def free_port():
    """A function that finds a free port of 127.0.0.1 (for the servers the browser tests start)."""
    return _free_port


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by playwright."""
    executable = _ensure_chromium()
    _ensure_playwright()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def lab():
    """JupyterLab as `make lab` starts it (tools/lab.py: on the working copies in my-notebooks/, with
    its settings), on a free port of 127.0.0.1, serving a throwaway git repository of the course."""
    with tempfile.TemporaryDirectory(prefix="course-lab-") as tmp:
        tmp = Path(tmp)
        course = tmp / "course"
        shutil.copytree(ROOT, course, ignore=shutil.ignore_patterns(
            ".venv*", ".git", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", "artifacts",
            ".hypothesis", "build", "dist", course_lab.COPIES))
        running = Lab(base="", course=course)
        running.git("init", "-q")
        running.git("add", "-A")
        running.git("commit", "-qm", "the course as tested")
        course_lab.sync(course)
        settings = tmp / "settings"
        for name, values in LAB_SETTINGS.items():
            package, plugin = name.split(":")
            path = settings / package / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernels inherit it
        env.update(JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
        command = course_lab.lab_command(course, [
            "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}"])
        running.base = f"http://127.0.0.1:{port}"
        with served(command, f"{running.base}/api/status", LAB_START_TIMEOUT_S, tmp / "lab.log", "JupyterLab",
                    cwd=course, env=env):
            _LAB.append(running)
            yield running


# A class laptop runs several kernels: COURSE_BROWSER_LOAD=kernel keeps another Jupyter kernel busy
# training a small MLP (one thread, in a loop) for the whole session, so the latencies are measured
# under that load (`make test-browser COURSE_BROWSER_LOAD=kernel`; issue 25). Any other value names a
# load started outside (.ci/run: the Colab step beside this one). Unset: no load started.
LOAD = os.environ.get("COURSE_BROWSER_LOAD", "")
BUSY_KERNEL_CODE = """\
import torch
from torch import nn
torch.set_num_threads(1)
torch.manual_seed(0)
X, y = torch.randn(2048, 64), torch.randint(0, 10, (2048,))
model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
while True:
    for i in range(0, 2048, 64):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X[i:i + 64]), y[i:i + 64]).backward()
        opt.step()
"""


@pytest.fixture(scope="session", autouse=True)
def busy_kernel():
    """With COURSE_BROWSER_LOAD=kernel: another kernel training a model throughout the session."""
    if LOAD != "kernel":
        yield None
        return
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    client.execute(BUSY_KERNEL_CODE)  # never waited for: it runs until the kernel is shut down
    try:
        yield manager
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


# Targets (issue: "latency in a real browser"): a threshold slider redraws in a median <= 150 ms;
# any other slider shows a value it has not shown before (it may retrain) within 1 s, 2 s with another
# kernel busy.
THRESHOLD_MEDIAN_MS = 150
NEW_VALUE_MS = 2000 if LOAD else 1000


def latency_table(rows: list[dict]) -> list[str]:
    """One line per slider: key press to new figure on the page, in ms (a measurement, not a test)."""
    lines = [f"{'notebook':<24} {'slider':<14} {'moves':>5} {'median':>7} {'max':>7} {'new max':>8} "
             f"{'first':>6}  target"]
    order: dict[tuple[str, int, str], list[dict]] = {}
    for row in rows:
        order.setdefault((row["notebook"], row["index"], row["label"]), []).append(row)
    for (notebook, _, label), moves in order.items():
        times = sorted(m["ms"] for m in moves)
        new = [m["ms"] for m in moves if m["new"]]
        median = statistics.median(times)
        if label == "threshold":
            met = median <= THRESHOLD_MEDIAN_MS
            target = f"median <= {THRESHOLD_MEDIAN_MS}: {'met' if met else 'MISSED'}"
        else:
            worst = max(new) if new else max(times)
            target = f"new value <= {NEW_VALUE_MS}: {'met' if worst <= NEW_VALUE_MS else 'MISSED'}"
        # first: median time to the first change on the page (a "training …" line, a table), if sooner
        first = [m["first_ms"] for m in moves if m.get("first_ms") is not None]
        lines.append(f"{notebook:<24} {label[:14]:<14} {len(times):>5} {median:>7.0f} {max(times):>7.0f} "
                     f"{(max(new) if new else float('nan')):>8.0f} "
                     f"{(statistics.median(first) if first else float('nan')):>6.0f}  {target}")
    return lines


def pytest_terminal_summary(terminalreporter):
    rows = [row for running in _LAB for row in running.latencies]
    if not rows:
        return
    condition = {"kernel": "another kernel busy training an MLP", "": "no other load started"}.get(LOAD, LOAD)
    terminalreporter.section(f"slider latency in Chromium, {condition}: key press to new figure (ms)")
    for line in latency_table(rows):
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"load average at the end (1, 5, 15 min): {os.getloadavg()}")
    out = ROOT / "artifacts" / f"slider_latencies{'_loaded' if LOAD == 'kernel' else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=1))
    terminalreporter.write_line(f"(every move: {out.relative_to(ROOT)})")
