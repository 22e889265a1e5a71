"""Building blocks for the interactive parts, written for ipywidgets 7.7.1 (Colab) and 8.x.

The pattern that works on Colab, JupyterLab and VS Code: an ``Output`` widget of fixed minimum
height, redrawn with ``clear_output(wait=True)`` and ``plt.show()`` inside it. Sliders that
retrain use ``continuous_update=False`` and a cache keyed by their value, so a value seen before
answers at once. Every explorer keeps what it drew (``figure``) and computed (``state``), so tests
can move a slider without a browser and assert on the result.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython.display import display

from .checks import checked

STATIC_TEXT = "[interactive figure: run this cell in Jupyter or Colab to use its controls]"


@checked
def display_widget(widget: W.Widget, text: str = STATIC_TEXT) -> None:
    """Display ``widget`` as ipywidgets 7 and 8 do, with a readable text where no front end renders it.

    The same message as ``display(widget)`` (a widget view by model id), but its plain-text
    fallback, shown by static viewers and stored in the notebook, is ``text`` instead of the
    widget's long repr.
    """
    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    display({"text/plain": text, "application/vnd.jupyter.widget-view+json": view}, raw=True)


class Explorer:
    """An interactive figure: controls, an output area, and a ``draw`` run on every change."""

    @checked
    def __init__(self, controls: dict[str, W.Widget], draw: Callable[..., Any],
                 *, min_height: str = "360px", title: str | None = None):
        self.controls = controls
        self._draw = draw
        self.output = W.Output(layout=W.Layout(min_height=min_height))
        self.figure = None
        self.state: Any = None
        self.errors: list[str] = []
        header = [W.HTML(f"<b>{title}</b>")] if title else []
        self.widget = W.VBox([*header, W.HBox(list(controls.values())), self.output])
        for control in controls.values():
            control.observe(self._on_change, names="value")

    @property
    def values(self) -> dict[str, Any]:
        """Current value of every control."""
        return {name: c.value for name, c in self.controls.items()}

    def _on_change(self, change=None) -> None:
        """Redraw; an error becomes a message in the output, never a broken widget."""
        self.redraw()

    def redraw(self) -> None:
        """Run ``draw`` with the current values and show its figure."""
        with self.output:
            if self.figure is not None or self.errors:  # nothing to clear on the first draw
                self.output.clear_output(wait=True)
            try:
                fig, self.state = self._draw(**self.values)
            except Exception as exc:  # show, do not crash the widget
                self.errors.append(f"{type(exc).__name__}: {exc}")
                print(f"Could not draw this setting: {type(exc).__name__}: {exc}")
                return
            if self.figure is not None and self.figure is not fig:
                plt.close(self.figure)
            self.figure = fig
            plt.show()

    def show(self) -> None:
        """Draw once and display the widget."""
        self.redraw()
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
