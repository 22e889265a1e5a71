"""The playground page (`make playground`): Voilà serving playground/playground.ipynb, in headless Chromium.

Opens the page at 1280×720 (a projector), waits for the widgets and the main figure, and checks that
every control of the projector view and the main picture lie inside the screen together (screenshot
artifacts/screenshots/playground_page_1280x720.png). Asserts that no code cell and no error is shown,
then moves a retraining control (layers), the epoch scrubber and the threshold with the
keyboard, presses reset, step and play, reads a weight's hover text in the weights graph, and asserts
that the figure each one drives changes. Prints the browser-side latency of each move (key press to
new image) and saves a full-page screenshot too. Run with `make test-browser`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
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
TRACKS = ".widget-slider .slider-container, .widget-slider .ui-slider"  # ipywidgets 8, 7
CONTROLS = ".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox, .widget-text, button"
# Where the projector view's controls and main picture lie, against the window (the page at its top).
PROJECTOR_FIT = f"""() => {{
  const view = document.querySelector('.pg-main');
  const inside = (el) => {{  // inside the window and on top at its centre (not clipped, not covered)
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
    return r.width > 0 && r.height > 0 && r.top >= -1 && r.left >= -1 && r.bottom <= window.innerHeight + 1
      && r.right <= window.innerWidth + 1 && hit !== null && (el.contains(hit) || hit.contains(el));
  }};
  const controls = Array.from(view.querySelectorAll('{CONTROLS}'));
  const picture = view.querySelector('{FIGURES}');
  const r = picture.getBoundingClientRect();
  const tracks = Array.from(view.querySelectorAll('{TRACKS}'))
    .map(t => Math.round(t.getBoundingClientRect().width));
  return {{controls: controls.length, narrowestTrack: Math.min(...tracks),
          outside: controls.filter(c => !inside(c))
            .map(c => (c.textContent || c.className).trim().slice(0, 30)),
          pictureInside: inside(picture), picture: [r.left, r.top, r.right, r.bottom].map(Math.round),
          naturalWidth: picture.naturalWidth, shownWidth: Math.round(r.width)}};
}}"""
EPOCH_TEXT = """() => (Array.from(document.querySelectorAll('.widget-html'))
  .map(e => e.textContent).find(t => /^epoch \\d+ \\/ \\d+/.test(t.trim())) || '').trim()"""


@pytest.fixture(scope="module")
def voila_page(free_port, serving):
    """Voilà on a free port of 127.0.0.1 serving the playground page; its URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    with tempfile.TemporaryDirectory(prefix="course-voila-") as tmp:
        env.update(JUPYTER_RUNTIME_DIR=str(Path(tmp) / "runtime"))
        command = [sys.executable, "-m", "voila", str(PAGE), "--no-browser", f"--port={port}",
                   "--Voila.ip=127.0.0.1", "--ServerApp.port_retries=0"]
        base = f"http://127.0.0.1:{port}/"
        log = Path(tmp) / "voila.log"
        with serving(command, f"{base}voila/static/voila.js", START_TIMEOUT_S, log, "Voilà", cwd=PAGE.parent,
                     env=env):
            yield base


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


def _button(page, name: str):
    return page.locator(".pg-main button").filter(has_text=name).first


def test_playground_page_in_voila(voila_page, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(voila_page, timeout=RENDER_TIMEOUT_S * 1000)
        _wait_for(page, lambda: len(page.evaluate(IMAGE_SOURCES)) >= 1, RENDER_TIMEOUT_S,
                  "the playground's run figure")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_timeout(500)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "playground_page_1280x720.png"))
        fit = page.evaluate(PROJECTOR_FIT)
        print(f"playground page at 1280×720: {fit}")
        assert fit["controls"] >= 30 and not fit["outside"], f"controls outside the screen: {fit['outside']}"
        assert fit["pictureInside"], f"the main picture at {fit['picture']} is not inside 1280×720"
        assert fit["narrowestTrack"] >= 120, f"a slider's track is {fit['narrowestTrack']} px wide"
        assert fit["shownWidth"] >= 0.95 * fit["naturalWidth"], "the main picture is shown scaled down"
        text = page.inner_text("body")
        for failure in ("Traceback", "Could not draw", "Error displaying widget", "page.show()"):
            assert failure not in text, f"the page shows {failure!r}"
        assert page.locator(".widget-slider").count() >= 15
        assert page.evaluate(SLIDER_INDEX, "lr") >= 0 and page.evaluate(SLIDER_INDEX, "batch_size") >= 0
        _wait_for(page, lambda: "done" in page.evaluate(EPOCH_TEXT), MOVE_TIMEOUT_S, "the first run's end")
        times = {"layers (retrain: first live picture)": _move(page, "layers", "ArrowRight", 0)}
        page.wait_for_timeout(300)
        _wait_for(page, lambda: "done" in page.evaluate(EPOCH_TEXT), MOVE_TIMEOUT_S, "the new run to finish")
        times["epoch (scrub)"] = _move(page, "epoch", "ArrowLeft", 0)
        # Reset: the untrained network, held at epoch 0; step: one epoch; play: on to the last.
        before = page.evaluate(IMAGE_SOURCES)[0]
        _button(page, "reset").click()
        _wait_for(page, lambda: page.evaluate(EPOCH_TEXT).startswith("epoch 0 /"), MOVE_TIMEOUT_S,
                  "reset to hold at epoch 0")
        _wait_for(page, lambda: page.evaluate(IMAGE_SOURCES)[0] != before, MOVE_TIMEOUT_S, "reset to redraw")
        _button(page, "step").click()
        _wait_for(page, lambda: page.evaluate(EPOCH_TEXT).startswith("epoch 1 /"), MOVE_TIMEOUT_S,
                  "step to train one epoch")
        _button(page, "play").click()
        _wait_for(page, lambda: "done" in page.evaluate(EPOCH_TEXT), MOVE_TIMEOUT_S, "play to finish the run")
        _tab(page, "evaluate (test)").click()  # drawn when its tab opens
        _wait_for(page, lambda: len(page.evaluate(IMAGE_SOURCES)) >= 2, RENDER_TIMEOUT_S,
                  "the evaluation figure")
        times["threshold"] = _move(page, "threshold", "ArrowRight", 1)
        _tab(page, "weights graph").click()
        area = page.locator("map area[title^='w = ']").first
        area.wait_for(state="attached", timeout=MOVE_TIMEOUT_S * 1000)
        assert page.locator("img[usemap]").first.is_visible()
        print(f"weights graph hover text: {area.get_attribute('title')!r}, "
              f"{page.locator('map area').count()} areas")
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
