"""Figures that answer a control at once: the fixed parts drawn once, the moving parts redrawn as a PNG.

A ``LiveFigure`` draws its axes, ticks, labels and every artist that never changes once, keeps
that picture, and on each update restores it and draws only the artists marked as moving
("blitting"), then encodes a PNG: a few tens of milliseconds where rebuilding the figure costs
one to two hundred. ``PngExplorer``: an ``Explorer`` whose subclass returns its PNG from
``render()`` — from a ``LiveFigure`` redrawn per move, or from pictures drawn once up front; its
sliders may send values while dragged (the layout, error reporting and timings are the base's). Its
``state`` and ``png`` let tests move the controls without a browser.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from . import style
from .checks import check_instance, check_int, checked
from .widgets import FAST, SMALL, Explorer

__all__ = ["FAST", "SMALL", "LiveFigure", "PngExplorer", "encode_png", "new_figure"]


@checked(height="float+", width="float+")
def new_figure(height: float, width: float = style.FIGURE_WIDTH_IN, *, layout: str = "constrained") -> Figure:
    """A column-wide figure in the course style, with its own Agg canvas (no pyplot state).

    ``layout="none"``: no layout engine, for figures whose positions are set by hand (laid out once,
    then only their changing artists redrawn).
    """
    style.use_style()
    fig = Figure(figsize=(width, height), dpi=style.DPI, layout=layout)
    FigureCanvasAgg(fig)
    return fig


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


class PngExplorer(Explorer):
    """An ``Explorer`` whose subclass returns its PNG from ``render()`` — from a ``LiveFigure``
    redrawn per move, or from pictures drawn once up front; its sliders may send values while
    dragged (``continuous``: a redraw is cheap enough). ``update(**values)`` computes the state
    (and moves a ``LiveFigure``'s artists, where there is one).

    Subclasses set ``self.controls`` (name -> widget) and optionally ``self.panel`` (shown below the
    picture), then call ``_build_widget``; everything else (layout, errors, timings) is ``Explorer``'s.
    """

    controls: dict[str, W.Widget]
    continuous = True

    def update(self, **values) -> dict[str, Any]:
        """Compute the state for ``values`` (and move a LiveFigure's artists, where there is one)."""
        raise NotImplementedError

    def render(self) -> bytes:
        """The PNG of the current state (subclasses)."""
        raise NotImplementedError
