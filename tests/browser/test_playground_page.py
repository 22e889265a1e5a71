"""The playground page (`make playground`): Voilà serving playground/playground.ipynb, in headless Chromium.

Opens the page, waits for the widgets and both figures, asserts that no code cell and no error is
shown, then moves a retraining control (hidden layers), the epoch scrubber and the threshold with the
keyboard, presses replay, and asserts that the figure each one drives changes. Prints the browser-side
latency of each move (key press to new image) and saves a screenshot to artifacts/screenshots/.
Run with `make test-browser`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "playground" / "playground.ipynb"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
START_TIMEOUT_S = 180
RENDER_TIMEOUT_S = 240
MOVE_TIMEOUT_S = 120
FIGURES = ".widget-output img"  # the run figure, then the evaluation figure (its tab opened)

SLIDER_INDEX = """(label) => Array.from(document.querySelectorAll('.widget-slider')).findIndex(
  s => ((s.querySelector('.widget-label') || {}).textContent || '').trim() === label)"""
IMAGE_SOURCES = f"""() => Array.from(document.querySelectorAll('{FIGURES}')).map(img => img.src)"""


@pytest.fixture(scope="module")
def voila_page(free_port):
    """Voilà on a free port of 127.0.0.1 serving the playground page; its URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    with tempfile.TemporaryDirectory(prefix="course-voila-") as tmp:
        env.update(JUPYTER_RUNTIME_DIR=str(Path(tmp) / "runtime"))
        log = open(Path(tmp) / "voila.log", "w")
        server = subprocess.Popen(
            [sys.executable, "-m", "voila", str(PAGE), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1", "--ServerApp.port_retries=0"],
            cwd=PAGE.parent, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    urllib.request.urlopen(f"{base}voila/static/voila.js", timeout=5)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("Voilà did not start:\n" + (Path(tmp) / "voila.log").read_text()[-3000:])
                    time.sleep(1)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()


def _wait_for(page, condition, timeout_s: float, what: str):
    """Poll ``condition()`` until true; fail after ``timeout_s`` saying ``what``."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        page.wait_for_timeout(50)


def _move(page, label: str, key: str, figure: int) -> float:
    """Press ``key`` on slider ``label``; wait for figure ``figure`` to change; the seconds it took."""
    index = page.evaluate(SLIDER_INDEX, label)
    assert index >= 0, f"no slider labelled {label!r}"
    before = page.evaluate(IMAGE_SOURCES)[figure]
    handle = page.locator(".widget-slider").nth(index).locator(".noUi-handle, .ui-slider-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    start = time.monotonic()
    page.keyboard.press(key)
    _wait_for(page, lambda: page.evaluate(IMAGE_SOURCES)[figure] != before, MOVE_TIMEOUT_S,
              f"figure {figure} to change after moving {label!r}")
    return time.monotonic() - start


def _tab(page, title: str):
    """The tab bar's tab titled ``title`` (Lumino's class names: ipywidgets 8 and 7)."""
    return page.locator(".lm-TabBar-tab, .p-TabBar-tab").filter(has_text=title).first


def test_playground_page_in_voila(voila_page, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(voila_page, timeout=RENDER_TIMEOUT_S * 1000)
        _wait_for(page, lambda: len(page.evaluate(IMAGE_SOURCES)) >= 1, RENDER_TIMEOUT_S,
                  "the playground's run figure")
        text = page.inner_text("body")
        for failure in ("Traceback", "Could not draw", "Error displaying widget", "page.show()"):
            assert failure not in text, f"the page shows {failure!r}"
        assert page.locator(".widget-slider").count() >= 15
        assert page.evaluate(SLIDER_INDEX, "lr") >= 0 and page.evaluate(SLIDER_INDEX, "batch_size") >= 0
        times = {
            "hidden layers (retrain)": _move(page, "hidden layers", "ArrowRight", 0),
            "epoch (scrub)": _move(page, "epoch", "ArrowLeft", 0),
        }
        _tab(page, "evaluate on test points").click()  # drawn when its tab opens
        _wait_for(page, lambda: len(page.evaluate(IMAGE_SOURCES)) >= 2, RENDER_TIMEOUT_S,
                  "the evaluation figure")
        times["threshold"] = _move(page, "threshold", "ArrowRight", 1)
        _tab(page, "network").click()
        before = page.evaluate(IMAGE_SOURCES)[0]
        page.get_by_role("button", name="▶ replay").click()
        _wait_for(page, lambda: page.evaluate(IMAGE_SOURCES)[0] != before, MOVE_TIMEOUT_S, "replay to redraw")
        _wait_for(page, lambda: "Could not draw" not in page.inner_text("body"), 5, "no failed redraw")
        print("playground page, key press to new figure: "
              + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in times.items()))
        widget_errors = [m for m in console_errors if "widget" in m.lower()]
        assert not widget_errors, "widget errors in the browser console:\n" + "\n".join(widget_errors)
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = page.evaluate("""() => Math.max(...Array.from(document.querySelectorAll('*'))
          .map(e => e.scrollHeight))""")
        page.set_viewport_size({"width": 1280, "height": min(max(height, 900), 12_000)})
        page.evaluate("() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SCREENSHOTS / "playground_page.png"), full_page=True)
        page.close()
