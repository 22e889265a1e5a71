"""Building blocks for the interactive parts, written for ipywidgets 7.7.1 (Colab) and 8.x.

The pattern that works on Colab, JupyterLab and VS Code: an ``Output`` widget of fixed minimum
height, redrawn with ``clear_output(wait=True)`` and ``plt.show()`` inside it. Sliders that
retrain use ``continuous_update=False`` and a cache keyed by their value, so a value seen before
answers at once. Every explorer keeps what it drew (``figure``) and computed (``state``), so tests
can move a slider without a browser and assert on the result.
"""

from __future__ import annotations

import asyncio
import base64
import io
import re
import time
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython.display import Image, display
from matplotlib.figure import Figure

from .checks import check_instance, check_int, checked
from .live_training import LiveTraining

STATIC_TEXT = "[interactive figure: run this cell in Jupyter or Colab to use its controls]"
FAST, SMALL = 1, 6  # PNG compression levels: a slider move wants speed, a stored picture size

# A text widget's hover text is ``tooltip`` on ipywidgets 8 and ``description_tooltip`` on 7 (Colab).
_TOOLTIP = "tooltip" if int(W.__version__.split(".")[0]) >= 8 else "description_tooltip"


@checked
def tooltip(text: str) -> dict[str, str]:
    """Keyword arguments that give a widget hover text on ipywidgets 7 (Colab) and 8 alike."""
    return {_TOOLTIP: text}


@checked
def _figure_png(fig: Figure, compress_level: int = FAST) -> bytes:
    """``fig`` as PNG bytes, as the notebook's inline backend draws it.

    A figure with a layout engine (the course style's constrained layout) keeps everything inside
    itself: it is rendered once at its own size. Any other is cropped to its content ("tight", as
    the inline backend does), which renders it twice (about 40 % more per redraw).
    """
    check_instance("fig", fig, Figure, "a matplotlib Figure")
    check_int("compress_level", compress_level, low=0, high=9)
    buffer = io.BytesIO()
    crop = None if fig.get_layout_engine() is not None else "tight"
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches=crop, facecolor="white",
                pil_kwargs={"compress_level": compress_level})
    return buffer.getvalue()


def _close_new_figures(before: set[int]) -> None:
    """Close the pyplot figures opened since ``before`` (their picture is drawn, or the draw failed)."""
    for number in set(plt.get_fignums()) - before:
        plt.close(number)


def _pixels(name: str, css: str) -> int:
    """The number of pixels of a CSS length like "360px"."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*px\s*", css)
    if match is None:
        raise ValueError(f"{name} must be a length in pixels like '360px', got {css!r}")
    return round(float(match.group(1)))


@checked
def display_widget(widget: W.Widget, text: str = STATIC_TEXT) -> None:
    """Display ``widget`` as ipywidgets 7 and 8 do, with a readable text where no front end renders it.

    The same message as ``display(widget)`` (a widget view by model id), but its plain-text
    fallback, shown by static viewers and stored in the notebook, is ``text`` instead of the
    widget's long repr.
    """
    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    display({"text/plain": text, "application/vnd.jupyter.widget-view+json": view}, raw=True)


def _png_output(png: bytes, text: str = "[figure]") -> dict:
    """PNG bytes as one display_data output, for an Output widget's ``outputs``."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": text}}


def _text_output(text: str) -> dict:
    """``text`` as one stream output, for an Output widget's ``outputs``."""
    return {"output_type": "stream", "name": "stdout", "text": text + "\n"}


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's running asyncio loop, or None (plain Python, tests)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _epoch_text(epoch: int, epochs: int | None, state: str) -> str:
    """The epoch counter: "epoch 12 / 40" and whether it trains, holds or is done."""
    return f"<b>epoch {epoch} / {epochs}</b> <span style='color:#555'>{state}</span>"


class Explorer:
    """Controls above a picture, redrawn on every change: the one base of every explorer in the course.

    Two ways to fill it. A function: ``Explorer(controls, draw)`` with ``draw(**values)`` returning
    ``(figure, state)``; the figure is drawn to a PNG and closed, so pyplot keeps nothing. Or a
    subclass that sets ``self.controls`` (and optionally ``self.panel``), calls ``_build_widget`` and
    implements ``update(**values) -> state`` and ``render() -> PNG bytes`` (``PngExplorer``); a
    subclass with a layout of its own (the playground) calls ``_setup`` instead and sets ``widget``.

    The base handles what every explorer needs in class: the layout (title, a row of controls that
    wraps instead of squeezing a slider, the picture, a secondary panel below it), redraws that never
    break the widget (an error becomes a "Could not draw" line and is kept in ``errors``, and a figure
    the failed draw had opened is closed, not leaked into the page), pictures cached per value when
    ``cache`` is set (a value seen before answers at once), and the time of every redraw
    (``redraw_seconds``; ``redraw_cpu_seconds`` is what an idle machine would wait). Tests move a
    control (``controls[name].value = ...``) and read ``state``, ``figure``, ``png`` and ``errors``.

    An explorer that trains in the background (the playground) also gets TensorFlow Playground's
    transport: ``start_live(train, epochs)`` runs ``train`` in a worker thread (``LiveTraining``), the
    buttons of ``_transport()`` play, pause, step and reset it, and the explorer's ``_on_live(live)``
    draws the run as it grows and ``_on_live_end(live)`` shows how it ended; the kernel stays free.
    """

    panel: W.Widget | None = None
    # Explorers that train on a new value (seconds under a class load) say so at once, beside the
    # controls, until the new picture is shown: e.g. "training lr = {lr:.3g} …" (formatted with the
    # controls' values). None: a redraw is quick and shows nothing in between.
    busy_text: str | None = None
    cache_pictures: bool = False  # True: draw depends only on the controls' values; keep each PNG
    continuous: bool = False  # True: sliders send values while dragged (only for redraws of a few ms)
    compress_level: int = FAST
    # How a picture reaches an Output: False, inside ``with output:`` (the pattern Colab documents);
    # True, by setting its ``outputs`` (for pictures drawn from an event-loop task, outside any cell).
    direct_outputs: bool = False

    @checked
    def __init__(self, controls: dict[str, W.Widget], draw: Callable[..., Any], *,
                 min_height: str = "360px", title: str | None = None, cache: bool = False,
                 panel: W.Widget | None = None, busy_text: str | None = None):
        self.controls = controls
        self._draw = draw
        self.cache_pictures = cache
        if busy_text is not None:
            self.busy_text = busy_text
        if panel is not None:
            self.panel = panel
        self._build_widget(title, _pixels("min_height", min_height))

    def _setup(self, min_height_px: int) -> None:
        """What every explorer keeps: the picture's output, the status line, errors, timings, caches."""
        self.figure = getattr(self, "figure", None)
        self.errors: list[str] = []
        self.redraw_seconds: list[float] = []
        self.redraw_cpu_seconds: list[float] = []
        self.timings: dict[str, float] = {}
        self.png: bytes | None = None
        self.pictures_cache: dict[Hashable, tuple[bytes, Any, Any]] = {}
        self.output = W.Output(layout=W.Layout(min_height=f"{min_height_px}px"))
        self.status = W.HTML("", layout=W.Layout(margin="0 0 0 12px"))
        self.live: LiveTraining | None = None
        self._task: asyncio.Task | None = None
        for control in self.controls.values():
            if hasattr(control, "continuous_update") and not self.continuous:
                control.continuous_update = False
            control.observe(self._on_change, names="value")

    def _build_widget(self, title: str | None, min_height_px: int) -> None:
        """Assemble title, controls, picture and panel; observe the controls."""
        self.state: Any = getattr(self, "state", None)
        self._setup(min_height_px)
        for control in self.controls.values():
            control.layout.flex = "0 0 auto"  # never squeezed: a row too narrow wraps instead
        self.header = W.HTML(f"<b>{title}</b>") if title else None
        self.controls_box = W.HBox([*self.controls.values(), self.status],
                                   layout=W.Layout(flex_flow="row wrap", align_items="center"))
        parts = [self.header, self.controls_box, self.output, self.panel]
        self.widget = W.VBox([p for p in parts if p is not None])

    def _guarded(self, target: W.Widget, draw: Callable[[], Any]) -> bool:
        """Run ``draw`` (which fills ``target``); on an error show "Could not draw ..." in ``target``
        instead (an Output or an HTML widget) and keep it in ``errors``. False when it failed."""
        before = set(plt.get_fignums())
        try:
            draw()
            return True
        except Exception as exc:  # show, never break the widget
            message = f"Could not draw this setting: {type(exc).__name__}: {exc}"
            self.errors.append(f"{type(exc).__name__}: {exc}")
            if isinstance(target, W.Output):
                self._show(target, text=message)
            else:
                target.value = f"<pre>{message}</pre>"
            return False
        finally:
            _close_new_figures(before)  # drawn into the PNG (or failed): pyplot keeps none of them

    @property
    def values(self) -> dict[str, Any]:
        """Current value of every control."""
        return {name: c.value for name, c in self.controls.items()}

    def update(self, **values) -> Any:
        """Compute the state for ``values`` (and the figure); subclasses may draw their own way."""
        fig, state = self._draw(**values)
        self.figure = fig
        return state

    def render(self) -> bytes:
        """The PNG of the current figure."""
        return _figure_png(self.figure, self.compress_level)

    def _on_change(self, change=None) -> None:
        """A control moved: redraw."""
        self.redraw()

    def _key(self) -> Hashable | None:
        """The cache key of the current values (None: not cached)."""
        if not self.cache_pictures:
            return None
        key = tuple(self.values.values())
        try:
            hash(key)
        except TypeError:
            return None
        return key

    def _trains(self, key: Hashable | None) -> bool:
        """Whether the redraw for ``key`` has to train (subclasses with a run cache know better)."""
        return key is None or key not in self.pictures_cache

    def redraw(self) -> None:
        """Update for the controls' values and show the new picture; an error becomes a message."""
        start, start_cpu = time.perf_counter(), time.process_time()
        key = self._key()
        if self.busy_text is not None and self._trains(key):
            self.status.value = "<i>⏳ " + self.busy_text.format(**self.values) + "</i>"
        try:
            if not self._guarded(self.output, lambda: self._update_picture(key)):
                return
        finally:
            self.status.value = ""
        self._show(self.output, png=self.png)
        self.redraw_seconds.append(time.perf_counter() - start)
        self.redraw_cpu_seconds.append(time.process_time() - start_cpu)

    def _show(self, output: W.Output, *, png: bytes | None = None, text: str | None = None) -> None:
        """Replace what ``output`` shows by the picture ``png`` or the line ``text``."""
        if self.direct_outputs:
            output.outputs = (_png_output(png) if png is not None else _text_output(text),)
            return
        with output:
            output.clear_output(wait=True)
            if png is not None:
                display(Image(data=png, format="png"))
            else:
                print(text)

    def _update_picture(self, key: Hashable | None) -> None:
        """``state``, ``png`` and ``figure`` for the controls' values: from the cache, or computed."""
        if key is not None and key in self.pictures_cache:
            self.png, self.state, self.figure = self.pictures_cache[key]
            return
        self.state = self.update(**self.values)
        self.png = self.render()
        if key is not None:
            self.pictures_cache[key] = (self.png, self.state, self.figure)

    def show(self) -> None:
        """Draw once (compressed for a small stored notebook) and display the widget."""
        self.compress_level = SMALL
        try:
            self.redraw()
        finally:
            self.compress_level = FAST
        display_widget(self.widget)

    def _ipython_display_(self) -> None:
        """Display as the widget."""
        self.show()

    # -- live training: TensorFlow Playground's play, pause, step and reset --
    live_picture_s: float = 0.3  # while a run trains: a new picture at most this often

    def _transport(self) -> W.HBox:
        """The play, pause, step and reset buttons and the epoch counter, wired to the live run."""
        self.play_button = W.Button(description="▶ play", layout=W.Layout(width="78px"),
                                    tooltip="go on training")
        self.pause_button = W.Button(description="❚❚ pause", disabled=True, layout=W.Layout(width="94px"),
                                     tooltip="hold the training after this epoch; play goes on")
        self.step_button = W.Button(description="step", layout=W.Layout(width="62px"),
                                    tooltip="train one epoch, then hold")
        self.reset_button = W.Button(description="↺ reset", layout=W.Layout(width="78px"),
                                     tooltip="back to the untrained network (epoch 0), held")
        self.epoch_label = W.HTML(layout=W.Layout(width="150px"))
        self.play_button.on_click(lambda _: self.play())
        self.pause_button.on_click(lambda _: self.pause())
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        return W.HBox([self.play_button, self.pause_button, self.step_button, self.reset_button,
                       self.epoch_label], layout=W.Layout(align_items="center"))

    def start_live(self, train: Callable[..., Any], epochs: int, *, paused: bool = False) -> LiveTraining:
        """Run ``train(should_stop=..., on_start=...)`` for ``epochs`` epochs in a worker thread.

        In a kernel the pictures follow it from the event loop (the page stays live); in plain
        Python (tests, scripts) this blocks until the run holds or ends, then shows it.
        """
        self._stop_live()
        live = LiveTraining(train, epochs=epochs, paused=paused)
        self.live = live
        self.timings.pop("first_picture", None)
        live.start()
        loop = _running_loop()
        if loop is None:
            self._follow_now(live)
        else:
            self._task = loop.create_task(self._follow(live))
        return live

    def _stop_live(self) -> None:
        """End the live run, if one trains or holds (its thread ends at its next check-in)."""
        if self.live is not None and not self.live.finished:
            self.live.stop()
        self.live = None

    def _follow_now(self, live: LiveTraining) -> None:
        """Without an event loop: block until ``live`` holds or ends, then show it."""
        started = time.perf_counter()
        live.wait()
        if live.finished:
            self._finish(live)
        else:
            self._on_live(live)
            self._sync_buttons()
        self.timings.setdefault("first_picture", time.perf_counter() - started)

    async def _follow(self, live: LiveTraining) -> None:
        """Draw ``live`` as it trains (the epoch counter at once, a picture per new ``_live_progress``
        at most every ``live_picture_s``), and show how it ended; a run replaced by another is dropped."""
        started, drawn_at, shown = time.perf_counter(), 0.0, None
        self._sync_buttons()
        while self.live is live and not live.finished:
            self._show_epoch(live.epoch, live.epochs, "held" if live.held else "training")
            seen = self._live_progress(live)
            due = shown is None or live.held or time.perf_counter() - drawn_at > self.live_picture_s
            if seen is not None and seen != shown and due:
                self._on_live(live)
                self._sync_buttons()
                shown, drawn_at = seen, time.perf_counter()
                self.timings.setdefault("first_picture", drawn_at - started)
            await asyncio.sleep(0.03)
        if self.live is live:
            self._finish(live)

    def _finish(self, live: LiveTraining) -> None:
        """The run ended: keep its error, if any, and show its result."""
        if live.error is not None:
            self.errors.append(f"{type(live.error).__name__}: {live.error}")
        self.live = None
        self._on_live_end(live)
        self._sync_buttons()

    def _show_epoch(self, epoch: int, epochs: int | None, state: str) -> None:
        """The epoch counter beside the buttons: "epoch 12 / 40 training" (held, done)."""
        self.epoch_label.value = _epoch_text(epoch, epochs, state)

    def _live_progress(self, live: LiveTraining) -> Hashable | None:
        """What a new picture of ``live`` would show (a new value: draw again); None: nothing yet."""
        return live.epoch, live.held

    def _on_live(self, live: LiveTraining) -> None:
        """Draw the live run as it is now (explorers that train live define it)."""
        raise NotImplementedError(f"{type(self).__name__} does not train live")

    def _on_live_end(self, live: LiveTraining) -> None:
        """Show the run ``live`` ended with (explorers that train live define it)."""
        raise NotImplementedError(f"{type(self).__name__} does not train live")

    def _sync_buttons(self) -> None:
        """Pause while it trains; play and step while it holds (play also replays a finished run)."""
        live = self.live
        running = live is not None and not live.finished and not live.paused
        self.pause_button.disabled = not running
        self.pause_button.button_style = "warning" if running else ""
        self.step_button.disabled = live is None or live.finished
        self.play_button.disabled = running

    def play(self) -> None:
        """▶: go on training a held run; a finished run plays back (``replay_finished``)."""
        if self.live is not None and not self.live.finished:
            self.live.play()
            self._sync_buttons()
            if _running_loop() is None:
                self._follow_now(self.live)
        else:
            self.replay_finished()

    def pause(self) -> None:
        """⏸: hold the training after the epoch it is in (model, optimizer and history kept)."""
        if self.live is not None and not self.live.finished:
            self.live.pause()
            self._sync_buttons()

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs, then hold (a finished run has none left)."""
        if self.live is not None and not self.live.finished:
            self.live.step(epochs)
            self._sync_buttons()
            if _running_loop() is None:
                self._follow_now(self.live)

    def reset(self) -> None:
        """↺: the untrained model of this setting, held (explorers that train live define it)."""
        raise NotImplementedError(f"{type(self).__name__} does not train live")

    def _in_background(self, coroutine: Callable[..., Any], **at_once: Any) -> None:
        """Run ``coroutine()`` as a task of the kernel's event loop (the page stays live); where there is
        none (tests, scripts), run ``coroutine(**at_once)`` to its end now."""
        loop = _running_loop()
        if loop is None:
            asyncio.run(coroutine(**at_once))
        else:
            loop.create_task(coroutine())

    def replay_finished(self) -> None:
        """▶ on a finished run: play it back (explorers that train live define it)."""
        raise NotImplementedError(f"{type(self).__name__} does not train live")


class Cache:
    """Results of an expensive function by key: the second request for a value answers at once."""

    @checked
    def __init__(self, compute: Callable[[Hashable], Any]):
        self.compute = compute
        self.store: dict[Hashable, Any] = {}
        self.hits = 0
        self.misses = 0

    def __call__(self, key: Hashable) -> Any:
        """The cached result for ``key``, computing it on first use."""
        if key in self.store:
            self.hits += 1
        else:
            self.misses += 1
            self.store[key] = self.compute(key)
        return self.store[key]


@checked(width="str")
def selection_slider(description: str, options: Sequence, value=None, *,
                     continuous_update: bool = False, fmt: Callable[[Any], str] = str,
                     width: str = "420px") -> W.SelectionSlider:
    """A slider over a fixed grid of values (a log grid of learning rates, powers of two ...)."""
    options = list(options)
    if not options:
        raise ValueError("options must not be empty")
    value = options[len(options) // 2] if value is None else value
    if value not in options:
        raise ValueError(f"value must be one of options {options}, got {value!r}")
    return W.SelectionSlider(
        description=description, options=[(fmt(o), o) for o in options], value=value,
        continuous_update=continuous_update, layout=W.Layout(width=width),
        style={"description_width": "initial"},
    )
