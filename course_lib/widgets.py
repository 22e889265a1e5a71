"""Building blocks for the interactive parts, written for ipywidgets 7.7.1 (Colab) and 8.x.

The pattern that works on Colab, JupyterLab and VS Code: an ``Output`` widget of fixed minimum
height, redrawn with ``clear_output(wait=True)`` and ``plt.show()`` inside it. Sliders that
retrain use ``continuous_update=False`` and a cache keyed by their value, so a value seen before
answers at once. Every explorer keeps what it drew (``figure``, ``png``) and computed (``state``; the
playground, which trains, keeps its ``run`` and calls its settings string ``state``), so tests can
move a slider without a browser and assert on the result.
"""

from __future__ import annotations

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

    An explorer that trains in the background (the playground) is a ``live_training.LiveExplorer``:
    this base plus TensorFlow Playground's play, pause, step and reset.
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
