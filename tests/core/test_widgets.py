"""Widgets without a browser: move a control, assert on what was computed and drawn."""

import ipywidgets as W
import matplotlib.pyplot as plt
import pytest

from course_lib import playground
from course_lib.live_training import LiveExplorer
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


def test_a_failed_draw_leaks_no_figure_and_the_next_value_draws():
    def draw(a):
        fig, ax = plt.subplots()  # opened before the failure, as a real draw does
        if a == 2:
            raise ValueError("ratio must be a number > 0, got 0.0")
        ax.plot([0, a])
        return fig, a

    before = set(plt.get_fignums())
    ex = Explorer({"a": W.IntSlider(value=0, min=0, max=3)}, draw)
    ex.redraw()
    ex.controls["a"].value = 2
    assert ex.errors == ["ValueError: ratio must be a number > 0, got 0.0"]
    ex.controls["a"].value = 3
    assert ex.state == 3 and ex.png.startswith(b"\x89PNG") and len(ex.errors) == 1
    assert set(plt.get_fignums()) == before  # drawn into the PNG, then closed: nothing for Lab to show


def test_a_pure_explorer_caches_each_value_and_answers_a_revisit_at_once():
    calls = []

    def draw(a, b):
        calls.append((a, b))
        fig, ax = plt.subplots()
        ax.plot([a, b])
        return fig, {"a": a, "b": b}

    ex = Explorer({"a": W.IntSlider(value=0, min=0, max=3), "b": W.Checkbox(value=False)}, draw, cache=True)
    ex.redraw()
    ex.controls["a"].value = 1
    first_png = ex.png
    ex.controls["a"].value = 0
    ex.controls["a"].value = 1
    assert calls == [(0, False), (1, False)] and ex.png == first_png and ex.state == {"a": 1, "b": False}
    ex.controls["b"].value = True
    assert calls[-1] == (1, True) and ex.figure.axes[0].lines[0].get_ydata()[1] == 1


def test_the_layout_is_made_for_a_projector():
    slider = W.IntSlider(value=0, min=0, max=60, continuous_update=True)
    table = W.HTML("table")
    ex = Explorer({"depth": slider, "act": W.Dropdown(options=["a", "b"])},
                  lambda depth, act: (plt.figure(), None), title="t", panel=table)
    assert slider.continuous_update is False  # a retraining explorer answers on release
    assert slider.layout.flex == "0 0 auto"  # never squeezed to a 20-px track: the row wraps
    assert ex.controls_box.layout.flex_flow == "row wrap"
    assert ex.widget.children == (ex.header, ex.controls_box, ex.output, table)  # secondary panel last
    with pytest.raises(ValueError, match="min_height must be a length in pixels like '360px', got '20em'"):
        Explorer({"a": W.IntSlider()}, lambda a: (plt.figure(), a), min_height="20em")


def test_tooltip_uses_the_installed_ipywidgets_name_and_a_text_widget_accepts_it():
    import ipywidgets as W

    from course_lib import widgets

    key = "tooltip" if int(W.__version__.split(".")[0]) >= 8 else "description_tooltip"
    assert widgets.tooltip("hint") == {key: "hint"}
    assert getattr(W.Text(**widgets.tooltip("hint")), key) == "hint"


def test_an_explorer_that_trains_says_so_at_once_and_not_for_a_value_seen_before():
    """busy_text is shown beside the controls while a new value trains, then cleared; a cached value
    redraws without it."""
    import ipywidgets as W
    import matplotlib.pyplot as plt

    from course_lib.widgets import Explorer

    seen = []

    def draw(a):
        seen.append(explorer.status.value)
        fig, ax = plt.subplots()
        ax.plot([0, a])
        return fig, a

    explorer = Explorer({"a": W.IntSlider(value=0, min=0, max=3)}, draw, busy_text="training a = {a} …",
                        cache=True)
    explorer.redraw()
    explorer.controls["a"].value = 2
    explorer.controls["a"].value = 0  # seen before: from the picture cache, no training
    assert seen == ["<i>⏳ training a = 0 …</i>", "<i>⏳ training a = 2 …</i>"]
    assert explorer.status.value == ""


def test_the_lr_explorer_says_it_trains_only_for_an_lr_it_has_not_run(digits):
    from course_lib.training_tricks import learning_rate

    explorer = learning_rate.LRExplorer(digits, hidden=(8,), num_epochs=1, lr=0.1)
    assert explorer._trains(None)
    explorer.redraw()
    assert not explorer._trains(None) and explorer.status.value == ""
    explorer.controls["lr"].value = 1.0
    assert explorer.status.value == "" and explorer.run(1.0).num_steps > 0


class _Counter(LiveExplorer):
    """The smallest explorer that trains live: a "run" is a list of numbers, one per epoch."""

    def __init__(self, epochs: int = 5):
        self.controls = {"epochs": W.IntSlider(value=epochs, min=1, max=10)}
        self._setup(100)
        self.widget = W.VBox([self.transport, self.output])
        self.shown: list[tuple[str, list[int]]] = []
        self.replays = 0
        self.reset()

    def _train(self, should_stop, on_start, epochs: int):
        run: list[int] = []
        on_start(run)
        for epoch in range(epochs):
            run.append(epoch + 1)
            if should_stop():
                return run
        return run

    def reset(self):
        epochs = self.controls["epochs"].value
        self.start_live(lambda **hooks: self._train(epochs=epochs, **hooks), epochs, paused=True)

    def _on_live(self, live):
        self.shown.append(("live", list(live.run)))

    def _on_live_end(self, live):
        self.shown.append(("end", list(live.result)))

    def replay_finished(self):
        self.replays += 1


def test_the_base_trains_live_play_pause_step_reset_and_replay():
    ex = _Counter(epochs=5)
    assert ex.shown == [("live", [])] and "epoch 0 / 5" in ex.epoch_label.value  # held at epoch 0
    assert not ex.play_button.disabled and not ex.step_button.disabled and ex.pause_button.disabled
    ex.step(2)
    assert ex.shown[-1] == ("live", [1, 2]) and ex.live.epoch == 2
    ex.play()  # no event loop: blocks until the run ends, then shows how it ended
    assert ex.shown[-1] == ("end", [1, 2, 3, 4, 5]) and ex.live is None and ex.step_button.disabled
    ex.play()  # a finished run plays back
    assert ex.replays == 1
    ex.reset()
    assert ex.shown[-1] == ("live", []) and ex.live.held and "first_picture" in ex.timings


def test_only_a_live_explorer_has_the_transport():
    ex = Explorer({"a": W.FloatSlider(value=1.0)}, lambda a: (plt.figure(), a))
    assert not any(hasattr(ex, name) for name in ("live", "play", "reset", "play_button"))
    assert isinstance(_Counter().transport, W.HBox)
