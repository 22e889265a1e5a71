"""Every notebook as a student sees it: JupyterLab in headless Chromium.

For each notebook: run all cells, wait for the kernel, assert no error output and that every
widget rendered, move every slider with the keyboard and assert that what is drawn changes, and
save a full-page screenshot to artifacts/screenshots/. Run with `make test-browser`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# The course's slider convention: these descriptions must redraw. Every other slider is moved too.
CONVENTION = ("threshold", "lr", "batch_size")
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
HANDLE = ".noUi-handle, .ui-slider-handle"  # ipywidgets 8, 7
DRAW_FAILURES = ("Could not draw", "Traceback", "Error displaying widget")
OPEN_TIMEOUT_S = 180
RUN_TIMEOUT_S = 900
SLIDER_TIMEOUT_S = 180
WIDGET_TIMEOUT_S = 60

# State of the open notebook: kernel status, code cells not yet run, error outputs, widget outputs.
NOTEBOOK_STATE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext) return null;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  const errors = [], stderr = [];
  let widgetViews = 0;
  for (const [i, c] of cells.entries()) {
    for (const out of c.model.outputs.toJSON()) {
      if (out.output_type === 'error') errors.push(`code cell ${i}: ${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream' && out.name === 'stderr') stderr.push(`code cell ${i}: ${out.text}`);
      if (out.data && out.data['application/vnd.jupyter.widget-view+json']) widgetViews += 1;
    }
  }
  return {status: kernel ? kernel.status : 'none', ready: w.context.isReady,
          pending: cells.filter(c => c.model.executionCount === null ||
                                     (c.promptNode && c.promptNode.textContent.includes('*'))).length,
          cells: cells.length, errors, stderr, widgetViews};
}"""

# What the cell holding slider `i` displays: the text, images and SVG of its output area, less
# the sliders themselves (their readouts change with the slider, whatever else does).
SLIDERS = """() => Array.from(document.querySelectorAll('.jp-Notebook .widget-slider')).map(s => ({
  label: (s.querySelector('.widget-label') || {}).textContent || '',
  readout: (s.querySelector('.widget-readout') || {}).textContent || '',
}))"""
DISPLAY_OF_SLIDER = """(i) => {
  const slider = document.querySelectorAll('.jp-Notebook .widget-slider')[i];
  const area = slider.closest('.jp-Cell').querySelector('.jp-Cell-outputArea').cloneNode(true);
  for (const s of area.querySelectorAll('.widget-slider, .jupyter-widget-slider')) s.remove();
  const parts = [area.textContent];
  for (const img of area.querySelectorAll('img')) parts.push(img.src);
  for (const svg of area.querySelectorAll('svg')) parts.push(svg.outerHTML);
  return parts.join('\\n');
}"""


def _state(page):
    return page.evaluate(NOTEBOOK_STATE)


def _wait(page, condition, timeout_s: float, what: str):
    """Poll ``condition(page)`` until it returns a true value; fail after ``timeout_s`` saying ``what``."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = condition(page)
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}; last state: {_state(page)}")
        page.wait_for_timeout(500)


def _idle(page):
    """The notebook's state once the kernel is idle with every code cell run (or an error shown)."""
    state = _state(page)
    if state and state["ready"] and state["status"] == "idle" and (state["pending"] == 0 or state["errors"]):
        return state
    return None


def _open(page, lab: str, name: str):
    # A workspace of its own, reset: Lab would otherwise reopen the previous notebook as well.
    page.goto(f"{lab}/lab/workspaces/{Path(name).stem}/tree/notebooks/{name}?reset")
    page.wait_for_function("""(name) => {
      const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
      return w && w.context && w.context.path.endsWith(name);
    }""", arg=name, timeout=60_000)
    _wait(page, lambda p: (s := _state(p)) and s["ready"] and s["status"] == "idle", OPEN_TIMEOUT_S,
          "the notebook and its kernel")
    # One document, no side bars: the screenshot shows the notebook only.
    page.evaluate("""async () => {
      const app = window.jupyterapp;
      app.shell.collapseLeft(); app.shell.collapseRight();
      await app.commands.execute('application:set-mode', {mode: 'single-document'});
    }""")


def _run_all(page) -> dict:
    page.evaluate("""async () => {
      await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
      await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }""")
    page.wait_for_timeout(2000)  # let the first cells be queued before watching for idle
    _wait(page, _idle, RUN_TIMEOUT_S, "all cells to run")
    page.wait_for_timeout(1000)  # idle twice: the queue did not just pause between two cells
    return _wait(page, _idle, RUN_TIMEOUT_S, "all cells to run")


def _assert_no_errors(page, state: dict) -> None:
    assert not state["errors"], "error outputs:\n" + "\n".join(state["errors"])
    tracebacks = [t for t in state["stderr"] if "Traceback" in t or "Error:" in t]
    assert not tracebacks, "stderr with a traceback:\n" + "\n".join(tracebacks)
    shown = page.locator(STDERR).all_inner_texts()
    assert not [t for t in shown if "Traceback" in t], "a traceback is displayed:\n" + "\n".join(shown)


def _assert_widgets_rendered(page, state: dict) -> None:
    _wait(page, lambda p: "Loading widget" not in p.inner_text(".jp-Notebook"), WIDGET_TIMEOUT_S,
          "widgets to finish loading")
    text = page.inner_text(".jp-Notebook")
    assert "Error displaying widget" not in text
    views = page.locator(".jp-OutputArea-output:has(> .jupyter-widgets)")
    assert views.count() == state["widgetViews"], \
        f"{state['widgetViews']} widget outputs, but {views.count()} rendered as widgets"


def _move_sliders(page) -> list[str]:
    """Move every slider one step with the keyboard; assert its cell's display changed. Their labels."""
    sliders = page.evaluate(SLIDERS)
    moved = []
    for i, slider in enumerate(sliders):
        label = slider["label"].strip()
        before = page.evaluate(DISPLAY_OF_SLIDER, i)
        handle = page.locator(".jp-Notebook .widget-slider").nth(i).locator(HANDLE).first
        handle.scroll_into_view_if_needed()
        handle.focus()
        for key in ("ArrowRight", "ArrowLeft", "ArrowLeft"):  # at the maximum, step down instead
            page.keyboard.press(key)
            page.wait_for_timeout(300)
            if page.evaluate(SLIDERS)[i]["readout"] != slider["readout"]:
                break
        readout = page.evaluate(SLIDERS)[i]["readout"]
        assert readout != slider["readout"], f"slider {label!r} did not move with the keyboard"
        _wait(page, lambda p, i=i, before=before: p.evaluate(DISPLAY_OF_SLIDER, i) != before,
              SLIDER_TIMEOUT_S, f"the display to change after moving slider {label!r} "
              f"from {slider['readout']} to {readout}")
        _wait(page, _idle, SLIDER_TIMEOUT_S, f"the kernel after moving slider {label!r}")
        _assert_no_errors(page, _state(page))
        shown = page.evaluate(DISPLAY_OF_SLIDER, i)
        for failure in DRAW_FAILURES:  # an explorer shows a failed redraw as a message, not an error
            assert failure not in shown, f"moving slider {label!r} to {readout}: {failure!r} is displayed"
        moved.append(f"{label} {slider['readout']}->{readout}")
    return moved


def _screenshot(page, name: str) -> Path:
    """The whole notebook, top to bottom, in one PNG."""
    height = page.evaluate("""() => {
      const nb = window.jupyterapp.shell.currentWidget.content.node;
      const scroller = nb.querySelector('.jp-WindowedPanel-outer') || nb;
      return scroller.scrollHeight + (window.innerHeight - scroller.clientHeight);
    }""")
    page.set_viewport_size({"width": 1280, "height": min(max(height, 800), 32_000)})
    page.evaluate("""() => {
      const nb = window.jupyterapp.shell.currentWidget.content.node;
      (nb.querySelector('.jp-WindowedPanel-outer') || nb).scrollTop = 0;
    }""")
    page.wait_for_timeout(1500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{Path(name).stem}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_in_jupyterlab(notebook, lab, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    try:
        _open(page, lab, notebook.name)
        state = _run_all(page)
        _assert_no_errors(page, state)
        assert state["pending"] == 0, "some cells did not run"
        _assert_widgets_rendered(page, state)
        moved = _move_sliders(page)
        expected = json.loads((notebook).read_text())
        conventional = [m for m in moved if m.split(" ")[0] in CONVENTION]
        print(f"{notebook.name}: {state['cells']} code cells, {state['widgetViews']} widget outputs, "
              f"sliders moved: {moved} (convention sliders: {conventional})")
        if any("widget-view" in json.dumps(c.get("outputs", [])) for c in expected["cells"]):
            assert state["widgetViews"] > 0, "the stored notebook shows widgets but the browser run has none"
        widget_errors = [m for m in console_errors if "widget" in m.lower()]
        assert not widget_errors, "widget errors in the browser console:\n" + "\n".join(widget_errors)
    finally:
        try:  # the screenshot shows what went wrong, if anything; never hide the test's own failure
            shot = _screenshot(page, notebook.name)
            shot.with_suffix(".html").write_text(page.content())
            print(f"screenshot: {shot.relative_to(ROOT)}")
            page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        except Exception as exc:
            print(f"no screenshot of {notebook.name}: {exc}")
        page.close()
