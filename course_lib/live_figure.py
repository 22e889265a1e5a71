"""Figures that answer a control at once: the fixed parts drawn once, the moving parts redrawn as a PNG.

A ``LiveFigure`` draws its axes, ticks, labels and every artist that never changes once, keeps
that picture, and on each update restores it and draws only the artists marked as moving
("blitting"), then encodes a PNG: a few tens of milliseconds where rebuilding the figure costs
one to two hundred. ``PngExplorer`` puts such a picture under a row of controls (ipywidgets 7.7.1
and 8.x: sliders, an optional HTML panel and an ``Output`` showing the PNG); its ``state`` and
``png`` let tests move the controls without a browser.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable
from typing import Any

import ipywidgets as W
import numpy as np
from IPython.display import Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from . import style
from .checks import check_instance, check_int, checked
from .widgets import display_widget


@checked(height="float+", width="float+")
def new_figure(height: float, width: float = style.FIGURE_WIDTH_IN) -> Figure:
    """A column-wide figure in the course style, with its own Agg canvas (no pyplot state)."""
    style.use_style()
    fig = Figure(figsize=(width, height), dpi=style.DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


FAST, SMALL = 1, 6  # PNG compression levels: a slider move wants speed, a stored picture size


@checked
def encode_png(fig: Figure, compress_level: int = FAST) -> bytes:
    """The canvas of ``fig`` as PNG bytes (fast compression by default: speed matters more than size)."""
    check_instance("fig", fig, Figure, "a matplotlib Figure")
    check_int("compress_level", compress_level, low=0, high=9)
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    buffer = io.BytesIO()
    PILImage.fromarray(rgb).save(buffer, format="png", compress_level=compress_level)
    return buffer.getvalue()


class LiveFigure:
    """A figure whose ``moving`` artists are redrawn over a stored picture of everything else."""

    @checked
    def __init__(self, fig: Figure, moving: Iterable[Any]):
        check_instance("fig", fig, Figure, "a matplotlib Figure")
        self.figure = fig
        self.moving = list(moving)
        fig.canvas.draw()  # lays out once (constrained layout), then the layout is frozen
        fig.set_layout_engine("none")
        for artist in self.moving:
            artist.set_animated(True)
        fig.canvas.draw()
        self._background = fig.canvas.copy_from_bbox(fig.bbox)

    def png(self, compress_level: int = FAST) -> bytes:
        """Restore the fixed picture, draw the moving artists, encode a PNG."""
        canvas = self.figure.canvas
        canvas.restore_region(self._background)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        return encode_png(self.figure, compress_level)


class PngExplorer:
    """Controls above a picture: every change calls ``update(**values)``, which returns the new state.

    Subclasses set ``self.controls`` (name -> widget) and implement ``update`` (returning the
    state dict) and ``render`` (returning PNG bytes), then call ``_build_widget``. ``png``,
    ``state``, ``errors``, ``redraw_seconds`` (the wall time of every redraw, PNG included) and
    ``redraw_cpu_seconds`` (its CPU time, what an idle machine would wait) are kept.
    """

    controls: dict[str, W.Widget]
    panel: W.Widget | None = None
    compress_level: int = FAST  # ``render`` encodes at this level; the first picture (stored) at SMALL

    def _build_widget(self, title: str | None, min_height_px: int) -> None:
        """Assemble the controls, the optional side panel and the output; observe the controls."""
        self.state: dict[str, Any] = {}
        self.errors: list[str] = []
        self.redraw_seconds: list[float] = []
        self.redraw_cpu_seconds: list[float] = []  # CPU time: what an idle machine would wait
        self.png: bytes | None = None
        self.output = W.Output(layout=W.Layout(min_height=f"{min_height_px}px"))
        header = [W.HTML(f"<b>{title}</b>")] if title else []
        top = W.VBox(list(self.controls.values()))
        row = W.HBox([top, self.panel]) if self.panel is not None else top
        self.widget = W.VBox([*header, row, self.output])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    @property
    def values(self) -> dict[str, Any]:
        """Current value of every control."""
        return {name: c.value for name, c in self.controls.items()}

    def update(self, **values) -> dict[str, Any]:
        """Compute the state for ``values`` and move the figure's artists (subclasses)."""
        raise NotImplementedError

    def render(self) -> bytes:
        """The PNG of the current state (subclasses)."""
        raise NotImplementedError

    def _on_change(self, change=None) -> None:
        """A control moved: redraw."""
        self.redraw()

    def redraw(self) -> None:
        """Update for the controls' values and show the new picture; an error becomes a message."""
        start, start_cpu = time.perf_counter(), time.process_time()
        with self.output:
            try:
                self.state = self.update(**self.values)
                self.png = self.render()
            except Exception as exc:  # show, never break the widget
                self.errors.append(f"{type(exc).__name__}: {exc}")
                self.output.clear_output(wait=True)
                print(f"Could not draw this setting: {type(exc).__name__}: {exc}")
                return
            self.output.clear_output(wait=True)
            display(Image(data=self.png, format="png"))
        self.redraw_seconds.append(time.perf_counter() - start)
        self.redraw_cpu_seconds.append(time.process_time() - start_cpu)

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
