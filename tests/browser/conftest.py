"""What the browser test needs, installed where missing: Debian's chromium and Python's playwright.

Playwright's own browser download does not work on the course's machines, so the test drives the
system Chromium (``/usr/bin/chromium``) instead; ``playwright install`` is never called.
"""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
INSTALL_TIMEOUT_S = 900
LAB_START_TIMEOUT_S = 180

# JupyterLab settings for a test run: never write the notebook back (autosave would replace its
# stored headless outputs), render every cell (windowing would leave off-screen widgets out of the
# page), and no news or update pop-ups over the screenshots.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": '{"autosave": false}',
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        '{"windowingMode": "none", "scrollPastEnd": false}',
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
}


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
    """JupyterLab on a free port of 127.0.0.1, serving a throwaway copy of the course; its base URL."""
    with tempfile.TemporaryDirectory(prefix="course-lab-") as tmp:
        tmp = Path(tmp)
        course = tmp / "course"
        shutil.copytree(ROOT, course, ignore=shutil.ignore_patterns(
            ".venv*", ".git", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", "artifacts",
            ".hypothesis", "build", "dist"))
        settings = tmp / "settings"
        for name, text in LAB_SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(text)
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernels inherit it
        env.update(JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
        log = open(tmp / "lab.log", "w")
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
             "--ServerApp.password=", f"--ServerApp.root_dir={course}", "--LabApp.expose_app_in_browser=True",
             f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}"],
            cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + LAB_START_TIMEOUT_S
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status", timeout=5)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("JupyterLab did not start:\n" + (tmp / "lab.log").read_text()[-3000:])
                    time.sleep(1)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
