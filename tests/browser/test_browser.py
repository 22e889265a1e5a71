"""Every notebook as a student sees it: JupyterLab in headless Chromium, started as `make lab`
starts it (on the working copies in my-notebooks/, autosave on).

For each notebook: run all cells, wait for the kernel, assert no error output and that every
widget rendered, move every slider with the keyboard, assert that what is drawn changes and record
the time from the key press to the new figure on the page (printed as a table at the end: a
measurement, not a timed assertion), add a cell as a student would and let autosave write the
copy, and save a full-page screenshot to artifacts/screenshots/. Then, at 1280×720 with the side bar
closed, scroll to each explorer (a widget with controls and a picture) and check that its controls
and its picture both lie inside the visible notebook, no slider squeezed (a screenshot of each, in
artifacts/screenshots/NN-explorer-K.png; issue 25). Then the whole session must have
left the course pristine: `git status` clean, the tracked notebooks unchanged, the student's
edits kept by the next `make lab`. Run with `make test-browser`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import lab as course_lab
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
SAVE_TIMEOUT_S = 90  # autosave runs every few seconds in this test (conftest.py, LAB_SETTINGS)
MOVES = {"threshold": 5}  # key presses per slider (a median needs several); others: MOVES_DEFAULT
MOVES_DEFAULT = 3

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
  disabled: !!s.querySelector('[disabled]') || s.classList.contains('mod-disabled'),
  playground: (s.closest('.jp-Cell').textContent || '').includes('Course playground'),
}))"""
RUN_FINISHED = """(i) => {
  const cell = document.querySelectorAll('.jp-Notebook .widget-slider')[i].closest('.jp-Cell');
  return !cell.querySelector('.widget-button.mod-warning, .jupyter-button.mod-warning');
}"""
DISPLAY_OF_SLIDER = """(i) => {
  const slider = document.querySelectorAll('.jp-Notebook .widget-slider')[i];
  const area = slider.closest('.jp-Cell').querySelector('.jp-Cell-outputArea').cloneNode(true);
  for (const s of area.querySelectorAll('.widget-slider, .jupyter-widget-slider')) s.remove();
  const parts = [area.textContent];
  for (const img of area.querySelectorAll('img')) parts.push(img.src);
  for (const svg of area.querySelectorAll('svg')) parts.push(svg.outerHTML);
  return parts.join('\\n');
}"""


# Before a key press: remember the slider's display; from the keydown on, watch every frame for the
# new figure: when the display had pictures, different pictures, all decoded (an HTML table or a
# line of text beside them may change sooner); otherwise any change. The milliseconds in between.
WATCH = """(i) => {
  const display = (i) => {
    const slider = document.querySelectorAll('.jp-Notebook .widget-slider')[i];
    const area = slider.closest('.jp-Cell').querySelector('.jp-Cell-outputArea');
    const copy = area.cloneNode(true);
    for (const s of copy.querySelectorAll('.widget-slider, .jupyter-widget-slider')) s.remove();
    const images = Array.from(copy.querySelectorAll('img')).map(img => img.src)
      .concat(Array.from(copy.querySelectorAll('svg')).map(svg => svg.outerHTML));
    const ready = Array.from(area.querySelectorAll('img')).every(img => img.complete && img.naturalWidth > 0);
    return {text: copy.textContent, images: images.join('\\n'), count: images.length, ready};
  };
  const before = display(i);
  const watch = window.__latency = {t0: null, ms: null, anyMs: null, waited: 0};
  document.addEventListener('keydown', () => { watch.t0 = performance.now(); }, {capture: true, once: true});
  const tick = () => {
    if (window.__latency !== watch) return;  // a newer watch took over
    if (watch.t0 !== null) {
      const now = display(i);
      watch.waited = performance.now() - watch.t0;
      if (watch.anyMs === null && (now.text !== before.text || now.images !== before.images)) {
        watch.anyMs = watch.waited;
      }
      const changed = before.count > 0
        ? now.images !== before.images && now.count >= before.count && now.ready
        : now.text !== before.text || now.images !== before.images;
      if (changed) { watch.ms = performance.now() - watch.t0; return; }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
READOUT_CHANGED = """([i, r]) => (document.querySelectorAll('.jp-Notebook .widget-slider')[i]
  .querySelector('.widget-readout') || {}).textContent !== r"""


# The explorers of the open notebook: widget outputs with a control and a picture (the playground's
# tabs below its projector view, .pg-panels, are scrolled to on purpose: not part of the fit).
CONTROLS = ".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox"
EXPLORERS = f"""() => Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea-output'))
  .filter(o => o.querySelector('.jupyter-widgets') && o.querySelector('img')
               && o.querySelector('{CONTROLS}')
               && !o.querySelector('.pg-panels'))"""
TRACKS = ".widget-slider .slider-container, .widget-slider .ui-slider"  # ipywidgets 8, 7
SCROLL_TO_EXPLORER = f"""(k) => ({EXPLORERS})()[k].scrollIntoView({{block: 'start'}})"""
# Where explorer k's controls and picture lie, against the notebook's visible area.
EXPLORER_FIT = f"""(k) => {{
  const o = ({EXPLORERS})()[k];
  const panel = (o.closest('.jp-WindowedPanel-outer') || o.closest('.jp-Notebook')).getBoundingClientRect();
  const top = Math.max(0, panel.top), bottom = Math.min(window.innerHeight, panel.bottom);
  const inside = (el) => {{
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.top >= top - 1 && r.bottom <= bottom + 1 && r.left >= -1
      && r.right <= window.innerWidth + 1;
  }};
  const controls = Array.from(o.querySelectorAll('{CONTROLS}'));
  const picture = o.querySelector('img');
  const tracks = Array.from(o.querySelectorAll('{TRACKS}')).map(t => t.getBoundingClientRect().width);
  return {{title: ((o.querySelector('.widget-html') || {{}}).textContent || '').slice(0, 60),
          controls: controls.length, controlsInside: controls.filter(inside).length,
          pictureInside: inside(picture), pictureBottom: Math.round(picture.getBoundingClientRect().bottom),
          visibleBottom: Math.round(bottom), narrowestTrack: Math.round(Math.min(1e6, ...tracks))}};
}}"""
MIN_TRACK_PX = 120  # a slider's track at least this wide (the depth slider was squeezed to ~20 px)


def _state(page):
    return page.evaluate(NOTEBOOK_STATE)


def _check_projector_fit(page, notebook: str) -> list[str]:
    """At 1280×720, each explorer scrolled to the top: its controls and picture visible together.
    Screenshots of each in artifacts/screenshots/; what does not fit, one line each."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_timeout(800)  # Lab lays itself out again
    problems = []
    for k in range(page.evaluate(f"() => ({EXPLORERS})().length")):
        page.evaluate(SCROLL_TO_EXPLORER, k)
        page.wait_for_timeout(400)
        fit = page.evaluate(EXPLORER_FIT, k)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{Path(notebook).stem[:2]}-explorer-{k}.png"))
        where = f"{notebook} explorer {k} ({fit['title']!r})"
        if fit["controlsInside"] < fit["controls"]:
            problems.append(f"{where}: {fit['controls'] - fit['controlsInside']} of {fit['controls']} "
                            "controls outside the screen")
        if not fit["pictureInside"]:
            problems.append(f"{where}: picture ends at {fit['pictureBottom']} px, the screen at "
                            f"{fit['visibleBottom']} px")
        if fit["narrowestTrack"] < MIN_TRACK_PX:
            problems.append(f"{where}: a slider's track is {fit['narrowestTrack']} px wide")
    return problems


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


def _open(page, lab, name: str):
    # A workspace of its own, reset: Lab would otherwise reopen the previous notebook as well.
    # JupyterLab serves my-notebooks/ (as `make lab` does): the student's copy of the notebook.
    page.goto(f"{lab.base}/lab/workspaces/{Path(name).stem}/tree/{name}?reset")
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


def _move_sliders(page, notebook: str, latencies: list[dict]) -> list[str]:
    """Move every slider with the keyboard, a few steps one way (the other way at its end); assert
    its cell's display changes each time and record how long that took. The moves, as text."""
    sliders = page.evaluate(SLIDERS)
    moved = []
    for i, slider in enumerate(sliders):
        label = slider["label"].strip()
        if slider["disabled"]:  # greyed out: it changes nothing in the current setting
            continue
        if slider["playground"]:  # it trains in a background thread, so the kernel's idle state says
            continue  # nothing of it here; tests/browser/test_playground_page.py drives it on its page
        handle = page.locator(".jp-Notebook .widget-slider").nth(i).locator(HANDLE).first
        handle.scroll_into_view_if_needed()
        seen, key, readout = {slider["readout"]}, "ArrowRight", slider["readout"]
        for _ in range(MOVES.get(label, MOVES_DEFAULT)):
            before_readout = readout
            for attempt in (key, "ArrowLeft"):  # at the maximum, step down instead
                key = attempt
                page.evaluate(WATCH, i)
                handle.focus()
                page.keyboard.press(key)
                try:
                    page.wait_for_function(READOUT_CHANGED, arg=[i, before_readout], timeout=2000)
                    break
                except Exception:
                    continue
            readout = page.evaluate(SLIDERS)[i]["readout"]
            assert readout != before_readout, f"slider {label!r} did not move with the keyboard"
            watch = _wait(page, _new_figure, SLIDER_TIMEOUT_S,
                          f"the display to change after moving {label!r} from {before_readout} to {readout}")
            ms = watch["ms"] if watch["ms"] is not None else watch["anyMs"]
            _wait(page, _idle, SLIDER_TIMEOUT_S, f"the kernel after moving slider {label!r}")
            # A widget that trains in a background thread (the playground) leaves the kernel idle while
            # it runs: wait until its stop button is off again before the next move.
            page.wait_for_function(RUN_FINISHED, arg=i, timeout=SLIDER_TIMEOUT_S * 1000)
            _assert_no_errors(page, _state(page))
            shown = page.evaluate(DISPLAY_OF_SLIDER, i)
            for failure in DRAW_FAILURES:  # an explorer shows a failed redraw as a message, not an error
                assert failure not in shown, f"moving slider {label!r} to {readout}: {failure!r} is displayed"
            latencies.append({"notebook": notebook, "index": i, "label": label, "from": before_readout,
                              "to": readout, "ms": round(ms, 1), "new": readout not in seen,
                              "first_ms": round(watch["anyMs"], 1) if watch["anyMs"] is not None else None,
                              "figure": watch["ms"] is not None})
            seen.add(readout)
        moved.append(f"{label} {slider['readout']}->{readout}")
    return moved


def _new_figure(page):
    """The watch once the new figure is shown, or once only text changed and no figure followed."""
    watch = page.evaluate("() => window.__latency")
    if watch["ms"] is not None or (watch["anyMs"] is not None and watch["waited"] - watch["anyMs"] > 15_000):
        return watch
    return None


def _edit_and_autosave(page, lab, name: str) -> str:
    """Add a cell at the end as a student would; wait for autosave to write the copy. Its source."""
    source = f"my_note = 'written in the browser test, {name}'"
    page.evaluate("""async (source) => {
      const app = window.jupyterapp, nb = app.shell.currentWidget.content;
      nb.activeCellIndex = nb.widgets.length - 1;
      await app.commands.execute('notebook:insert-cell-below');
      nb.activeCell.model.sharedModel.setSource(source);
    }""", source)
    copy = lab.copies / name
    _wait(page, lambda p: not p.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty")
          and source in copy.read_text(), SAVE_TIMEOUT_S, f"autosave to write {copy}")
    return source


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
        moved = _move_sliders(page, notebook.name, lab.latencies)
        expected = json.loads((notebook).read_text())
        conventional = [m for m in moved if m.split(" ")[0] in CONVENTION]
        print(f"{notebook.name}: {state['cells']} code cells, {state['widgetViews']} widget outputs, "
              f"sliders moved: {moved} (convention sliders: {conventional})")
        if any("widget-view" in json.dumps(c.get("outputs", [])) for c in expected["cells"]):
            assert state["widgetViews"] > 0, "the stored notebook shows widgets but the browser run has none"
        widget_errors = [m for m in console_errors if "widget" in m.lower()]
        assert not widget_errors, "widget errors in the browser console:\n" + "\n".join(widget_errors)
        lab.edited[notebook.name] = _edit_and_autosave(page, lab, notebook.name)
        misfits = _check_projector_fit(page, notebook.name)
        assert not misfits, "explorers that do not fit a 1280×720 projector:\n" + "\n".join(misfits)
    finally:
        try:  # the screenshot shows what went wrong, if anything; never hide the test's own failure
            shot = _screenshot(page, notebook.name)
            shot.with_suffix(".html").write_text(page.content())
            print(f"screenshot: {shot.relative_to(ROOT)}")
            page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        except Exception as exc:
            print(f"no screenshot of {notebook.name}: {exc}")
        page.close()


def test_the_session_left_the_course_pristine_and_the_students_work_saved(lab):
    """After every notebook was run, its sliders moved, a cell added and autosaved in the copies:
    git sees no change, the tracked notebooks are byte for byte the repository's (on which `make test`
    ran nbval), and the next `make lab` keeps the edits."""
    if not lab.edited:
        pytest.skip("no notebook was opened in this session")
    assert lab.git("status", "--porcelain", "--untracked-files=all") == "", "the session changed the course"
    for name, source in lab.edited.items():
        assert source in (lab.copies / name).read_text(), f"the student's cell in {name} was not saved"
        assert (lab.course / "notebooks" / name).read_bytes() == (ROOT / "notebooks" / name).read_bytes()
    report = course_lab.sync(lab.course)  # the next `make lab`
    for name, source in lab.edited.items():
        assert f"{name}: yours (edited), kept" in report
        assert source in (lab.copies / name).read_text(), f"the next `make lab` lost the edit in {name}"
