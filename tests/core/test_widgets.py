"""Widgets without a browser: move a control, assert on what was computed and drawn."""

import ipywidgets as W
import matplotlib.pyplot as plt
import pytest

from course_lib import playground
from course_lib.widgets import Cache, Explorer, selection_slider


def test_explorer_redraws_on_change_and_keeps_state():
    calls = []

    def draw(a):
        calls.append(a)
        fig, ax = plt.subplots()
        ax.plot([0, a])
        return fig, {"a": a}

    ex = Explorer({"a": W.FloatSlider(value=1.0, min=0, max=2)}, draw)
    ex.redraw()
    ex.controls["a"].value = 1.5
    assert calls == [1.0, 1.5] and ex.state == {"a": 1.5}
    assert ex.figure.axes[0].lines[0].get_ydata()[1] == 1.5


def test_explorer_shows_errors_instead_of_crashing():
    def draw(a):
        if a > 1:
            raise ValueError("too big")
        return plt.figure(), a

    ex = Explorer({"a": W.FloatSlider(value=0.5, min=0, max=2)}, draw)
    ex.redraw()
    ex.controls["a"].value = 1.5  # must not raise
    assert ex.errors == ["ValueError: too big"] and ex.state == 0.5


def test_cache_answers_a_seen_value_without_recomputing():
    cache = Cache(lambda k: k * 2)
    assert cache(3) == 6 and cache(3) == 6 and (cache.misses, cache.hits) == (1, 1)


def test_selection_slider_validates():
    s = selection_slider("lr", [0.001, 0.01, 0.1], fmt=lambda v: f"{v:g}")
    assert s.value == 0.01 and s.continuous_update is False
    with pytest.raises(ValueError, match="value must be one of options"):
        selection_slider("lr", [1, 2], value=3)


def test_snapshots_cover_every_epoch():
    from course_lib import data
    from course_lib.models import build_mlp

    s = data.load("moons", n_samples=100)
    snaps = playground.train_with_snapshots(build_mlp(s, hidden=(4,)), s, num_epochs=5, resolution=20)
    assert len(snaps.grids) == 6 and snaps.grids[0].shape == (20, 20)


def test_widgets_display_as_a_view_with_a_readable_text(monkeypatch):
    from course_lib import widgets

    shown = []
    monkeypatch.setattr(widgets, "display", lambda data, raw: shown.append((data, raw)))
    slider = W.IntSlider(description="lr")
    widgets.display_widget(slider)
    (data, raw), = shown
    assert raw and data["text/plain"] == widgets.STATIC_TEXT
    assert data["application/vnd.jupyter.widget-view+json"] == {
        "version_major": 2, "version_minor": 0, "model_id": slider.model_id}
