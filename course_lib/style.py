"""The course's one figure style, made for a projector: sharp, column-wide, large text, colour-blind safe.

Every figure of the course is drawn under ``use_style()`` and, except the playground's main picture
(``playground.figures.MAIN_SIZE_IN``, sized to sit beside its controls), obeys the rules
``check_figure`` enforces (the tests run it on every figure function):

- ``DPI`` ≥ 100 and a width of ``MIN_WIDTH_IN``–``MAX_WIDTH_IN`` inches, so a figure fills a notebook
  column (about 1,100 px in JupyterLab on a 1280-px projector) without being scaled down;
- every visible text (titles, labels, ticks, legends, annotations) at least ``MIN_FONT_PT`` points;
- the Okabe–Ito palette (``PALETTE``), with line styles (``LINESTYLES``) or markers where colour
  alone would separate key series; a series keeps its colour when others are added
  (``SeriesColors``);
- a title on every panel, legends off the data (``legend_outside``), and diverged runs drawn and
  labelled as diverged (``mark_diverged``), never as a low number.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from numbers import Integral, Real
from typing import Any

import matplotlib as mpl
import numpy as np
from cycler import cycler

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}
# The order series get their colours in: the strongest contrasts first; yellow (weak on white) last.
PALETTE = tuple(OKABE_ITO.values())
LINE_COLORS = PALETTE[:7]  # series cycle through these: yellow is too faint for a line on white
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
CLASS_COLORS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"])  # class 0, class 1
SURFACE_CMAP = mpl.colors.LinearSegmentedColormap.from_list(
    "course_surface", [CLASS_COLORS[0], "#FFFFFF", CLASS_COLORS[1]])
DIVERGED_COLOR = OKABE_ITO["black"]

DPI = 110
MIN_DPI = 100
FIGURE_WIDTH_IN = 10.0  # 1,100 px at DPI: one notebook column on a 1280-px screen
MIN_WIDTH_IN = 8.8
MAX_WIDTH_IN = 10.5
MIN_FONT_PT = 11.0

STYLE = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": (FIGURE_WIDTH_IN, 4.2),
    "figure.facecolor": "white",
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.titleweight": "bold",
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "legend.title_fontsize": 12,
    "figure.titlesize": 15,
    "lines.linewidth": 2.4,
    "lines.markersize": 7,
    "axes.prop_cycle": cycler(color=LINE_COLORS),
    "image.cmap": "viridis",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
}


def use_style() -> None:
    """Apply the course's figure style to matplotlib (and sharp PNGs to the notebook's inline backend)."""
    mpl.rcParams.update(STYLE)


def _check_index(i: Any) -> None:
    """TypeError/ValueError naming ``i`` unless it is an integer >= 0 (a series' position)."""
    if isinstance(i, bool) or not isinstance(i, Integral):
        raise TypeError(f"i must be an integer >= 0 (a series' position), got {type(i).__name__} {i!r}")
    if i < 0:
        raise ValueError(f"i must be an integer >= 0 (a series' position), got {i}")


def figsize(height: float = 4.2, width: float = FIGURE_WIDTH_IN) -> tuple[float, float]:
    """A column-wide figure size in inches, ``height`` tall."""
    for name, value in (("height", height), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{name} must be a number of inches > 0, got {type(value).__name__} {value!r}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a number of inches > 0, got {value!r}")
    return (width, height)


def color(i: int) -> str:
    """The ``i``-th series colour (cycling over the palette without its yellow)."""
    _check_index(i)
    return LINE_COLORS[i % len(LINE_COLORS)]


def linestyle(i: int) -> str:
    """The ``i``-th line style (cycling): pairs with ``color(i)`` so series differ without colour too."""
    _check_index(i)
    return LINESTYLES[i % len(LINESTYLES)]


class SeriesColors:
    """Colours (and line styles) that stay with a series: the first key seen gets the first colour, and so on.

    A widget that adds runs one by one keeps one instance, so adding lr = 0.3 never recolours lr = 1.
    ``order`` optionally fixes keys known in advance (e.g. every slider value) to their positions.
    """

    def __init__(self, order: Iterable[Hashable] = ()):
        self._index: dict[Hashable, int] = {}
        for key in order:
            self.index(key)

    def index(self, key: Hashable) -> int:
        """The position of ``key``: fixed the first time it is asked for."""
        if key not in self._index:
            self._index[key] = len(self._index)
        return self._index[key]

    def __call__(self, key: Hashable) -> str:
        """The colour of ``key``."""
        return color(self.index(key))

    def style(self, key: Hashable) -> dict:
        """``color``, ``ls`` and ``marker`` keyword arguments for ``key``'s line."""
        i = self.index(key)
        return {"color": color(i), "ls": linestyle(i), "marker": MARKERS[i % len(MARKERS)]}


def legend_outside(ax, where: str = "right", **kwargs):
    """Put ``ax``'s legend beside (``"right"``) or under (``"below"``) the panel, off the data."""
    if where not in ("right", "below", "above"):
        raise ValueError(f"where must be 'right', 'below' or 'above', got {where!r}")
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    if where == "right":
        return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                         borderaxespad=0.0, **kwargs)
    if where == "above":
        return ax.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.08),
                         ncol=kwargs.pop("ncol", min(len(labels), 4)), **kwargs)
    return ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.18),
                     ncol=kwargs.pop("ncol", min(len(labels), 4)), **kwargs)


def mark_diverged(ax, x: float, y: float | None = None, *, color: str = DIVERGED_COLOR,
                  text: str = "diverged") -> None:
    """Mark where a run diverged: an ✕ at (x, y) (or at the top of the panel) and the word "diverged".

    Use it instead of drawing the run's last finite value, which would read as a good low loss or
    a bad accuracy.
    """
    if y is None or not np.isfinite(y):
        ax.plot([x], [0.96], marker="X", ms=11, color=color, ls="none", clip_on=False,
                transform=ax.get_xaxis_transform())
        ax.annotate(text, (x, 0.96), xycoords=("data", "axes fraction"), xytext=(-6, 0),
                    textcoords="offset points", ha="right", va="center", color=color,
                    fontsize=MIN_FONT_PT + 1, fontweight="bold")
    else:
        ax.plot([x], [y], marker="X", ms=11, color=color, ls="none")
        ax.annotate(text, (x, y), xytext=(6, 6), textcoords="offset points", color=color,
                    fontsize=MIN_FONT_PT + 1, fontweight="bold")


def _visible_texts(fig) -> list:
    """Every text ``fig`` draws (after a draw, so tick labels exist)."""
    fig.canvas.draw()
    texts = list(fig.texts)
    if fig._suptitle is not None:
        texts.append(fig._suptitle)
    for legend in fig.legends:
        texts += list(legend.get_texts()) + [legend.get_title()]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts += [ax.title, ax._left_title, ax._right_title] + list(ax.texts)
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                if axis.get_visible():
                    texts.append(axis.label)
                    texts += [t for t in axis.get_ticklabels(minor=False) + axis.get_ticklabels(minor=True)]
                    texts.append(axis.get_offset_text())
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            texts += list(legend.get_texts()) + [legend.get_title()]
    return [t for t in texts if t is not None and t.get_visible() and t.get_text().strip()]


def _is_colorbar(ax) -> bool:
    """True for a colour bar's axes (these need no title)."""
    return hasattr(ax, "_colorbar") or ax.get_label() == "<colorbar>"


def _has_data(ax) -> bool:
    """True when an axes draws something (lines, collections, images, patches)."""
    return bool(ax.lines or ax.collections or ax.images or ax.patches or ax.tables)


def _legend_covers_data(ax, legend) -> bool:
    """True when any plotted point of ``ax`` falls inside ``legend``'s box on the canvas."""
    box = legend.get_window_extent()
    for line in ax.lines:
        xy = np.asarray(line.get_xydata(), dtype=float)
        if xy.size == 0:
            continue
        try:
            pts = line.get_transform().transform(xy)
        except ValueError:
            continue
        pts = pts[np.isfinite(pts).all(axis=1)]
        inside = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1))
        if inside.any():
            return True
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        if offsets.ndim != 2 or len(offsets) < 2:
            continue
        pts = coll.get_offset_transform().transform(offsets)
        inside = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1))
        if inside.any():
            return True
    return False


def check_figure(fig) -> list[str]:
    """What in ``fig`` breaks the course's figure rules (an empty list when nothing does).

    Checked: dpi, width, the size of every visible text, a title on every panel that draws data,
    and legends that sit on plotted points.
    """
    problems = []
    if fig.dpi < MIN_DPI:
        problems.append(f"dpi {fig.dpi:g} < {MIN_DPI}")
    width = fig.get_figwidth()
    if not MIN_WIDTH_IN <= width <= MAX_WIDTH_IN:
        problems.append(f"width {width:g} in is not column-wide ({MIN_WIDTH_IN}–{MAX_WIDTH_IN} in)")
    for t in _visible_texts(fig):
        if t.get_fontsize() < MIN_FONT_PT - 1e-6:
            problems.append(f"text {t.get_text()[:40]!r} is {t.get_fontsize():g} pt < {MIN_FONT_PT:g} pt")
    panels = [ax for ax in fig.axes if ax.get_visible() and not _is_colorbar(ax) and _has_data(ax)]
    # A figure-level title names a single panel; several panels each need their own.
    titled = len(panels) == 1 and bool(fig._suptitle and fig._suptitle.get_text())
    for ax in fig.axes:
        if not ax.get_visible() or _is_colorbar(ax) or not ax.axison and not ax.images:
            continue
        if _has_data(ax) and not ax.get_title() and not ax.get_title(loc="left") and not titled:
            problems.append(f"a panel has no title (axes {ax.get_label() or fig.axes.index(ax)})")
        legend = ax.get_legend()
        if legend is not None and legend.get_visible() and _legend_covers_data(ax, legend):
            problems.append(f"the legend of panel {ax.get_title()!r} sits on plotted data")
    return problems
