"""The playground widget: TensorFlow Playground's controls and views, plus what the lecture adds.

``Playground`` is a ``widgets.Explorer`` that trains live (play, pause, step, reset): change a data,
network or training control and it trains that setting in the background (``runs.train_run``), cached
by setting; the epoch scrubber and the view controls only redraw (``figures``). Its tabs hold things
to try, the evaluation, sharing (state string, link, "show code"), neuron maps and the weights graph.
"""

from __future__ import annotations

import asyncio
import time

import ipywidgets as W
import traitlets

from .. import style
from ..checks import checked
from ..initialization import INITS
from ..live_training import LiveExplorer, LiveTraining
from ..widgets import display_widget, selection_slider, tooltip
from . import toy_data
from .figures import (
    MAIN_SIZE_IN,
    draw_evaluation,
    draw_run,
    network_graph_html,
    new_detail_figure,
    new_evaluation_figure,
    new_main_figure,
    render_png,
    run_summary,
    weights_list_html,
)
from .runs import Run, code_for, train_run, untrained_run
from .settings import (
    ACTIVATIONS,
    BATCH_SIZES,
    CLIPS,
    EPOCHS,
    FEATURE_LABELS,
    LRS,
    RANGES,
    RATES,
    SCHEDULES,
    VIEW_FIELDS,
    Settings,
    state_link,
)
from .things_to_try import THINGS_TO_TRY

COLUMN_PX = 276  # a column of controls: two beside the main picture on a 1280-px screen
DESCRIPTION_PX = 78  # a slider's label; a dropdown's is wider (it has no readout)
# Slider readouts narrower than ipywidgets' 72 px, so a column's slider keeps a track of 130 px or more
# (ipywidgets 7 and 8 both name it .widget-readout); scoped to the playground's view.
VIEW_CSS = ("<style>.pg-main .widget-readout {width: 44px !important; min-width: 44px !important; "
            "margin-left: 4px !important;}</style>")
LIVE_REBUILD_S = 1.0  # while a run trains: its loss curve redrawn at most this often (in between:
# only the changing artists; a new picture at most every Explorer.live_picture_s)
TAB_TITLES = ("things to try", "evaluate (test)", "share, code", "neuron maps",
              "weights graph")
EVALUATION_TAB, DETAIL_TAB, GRAPH_TAB = 1, 3, 4

def _controls(s: Settings) -> dict[str, W.Widget]:
    """One widget per Settings field that the student sets (``seed`` and ``draw`` have buttons or none),
    sized for a column of COLUMN_PX pixels."""
    controls = _control_widgets(s)
    for name, control in controls.items():
        if isinstance(control, (W.Checkbox, FeatureBoxes)):
            continue
        width = COLUMN_PX - 4 - (96 if name == "data" else 0)  # data: the new-draw button beside it
        control.layout.width = f"{width}px"
        label = 40 if name == "data" else DESCRIPTION_PX + (20 if isinstance(control, W.Dropdown) else 0)
        control.style.description_width = f"{label}px"
    return controls


def _slider(s: Settings, name: str, description: str, **kwargs) -> W.Widget:
    """The slider of a ranged setting (settings.RANGES), a FloatSlider or an IntSlider, at its value in s."""
    low, high, step = RANGES[name]
    kind = W.FloatSlider if isinstance(step, float) else W.IntSlider
    return kind(value=getattr(s, name), min=low, max=high, step=step, description=description,
                continuous_update=False, style={"description_width": "initial"}, **kwargs)


def _control_widgets(s: Settings) -> dict[str, W.Widget]:
    """The widgets of ``_controls``, at their own sizes."""
    wide = {"description_width": "initial"}
    fmt = lambda v: f"{v:g}"  # noqa: E731
    controls = {
        "data": W.Dropdown(options=list(toy_data.DATASETS), value=s.data, description="data"),
        "noise": _slider(s, "noise", "noise", readout_format=".2f"),
        "train_pct": _slider(s, "train_pct", "train %"),
        "class1_pct": _slider(s, "class1_pct", "class 1 %"),
        "features": FeatureBoxes(s.features),
        "points": _slider(s, "points", "points"),
        "layers": _slider(s, "layers", "layers"),
        "neurons": _slider(s, "neurons", "neurons"),
        "widths": W.Text(value=s.widths, description="per layer", placeholder="e.g. 8,4",
                         continuous_update=False, layout=W.Layout(width="170px"), style=wide,
                         **tooltip("neurons of each hidden layer, e.g. 8,4; empty: the neurons slider")),
        "activation": W.Dropdown(options=list(ACTIVATIONS), value=s.activation, description="activation",
                                 layout=W.Layout(width="220px"), style=wide),
        "init": W.Dropdown(options=list(INITS), value=s.init, description="init",
                           layout=W.Layout(width="180px"), style=wide),
        "batch_norm": W.Checkbox(value=s.batch_norm, description="BatchNorm", indent=False,
                                 layout=W.Layout(width="120px")),
        "residual": W.Checkbox(value=s.residual, description="residual", indent=False,
                               layout=W.Layout(width="120px")),
        "dropout": _slider(s, "dropout", "dropout", readout_format=".2f"),
        "regularization": W.Dropdown(options=[("none", "none"), ("L1", "l1"), ("L2", "l2"),
                                              ("weight decay", "weight_decay")],
                                     value=s.regularization, description="regularization",
                                     layout=W.Layout(width="250px"), style=wide),
        "rate": selection_slider("rate", _with(RATES, s.rate), s.rate, fmt=fmt, width="300px"),
        "optimizer": W.Dropdown(options=[("SGD", "sgd"), ("momentum", "momentum"), ("Adam", "adam"),
                                         ("AdamW", "adamw")], value=s.optimizer, description="optimizer",
                                layout=W.Layout(width="200px"), style=wide),
        "lr": selection_slider("lr", _with(LRS, s.lr), s.lr, fmt=fmt, width="300px"),
        "batch_size": selection_slider("batch_size", _with(BATCH_SIZES, s.batch_size), s.batch_size,
                                       width="300px"),
        "epochs": selection_slider("epochs", _with(EPOCHS, s.epochs), s.epochs, width="300px"),
        "schedule": W.Dropdown(options=list(SCHEDULES), value=s.schedule, description="schedule",
                               layout=W.Layout(width="210px"), style=wide),
        "warmup_pct": _slider(s, "warmup_pct", "warm-up %"),
        "clip": selection_slider("clip", _with(CLIPS, s.clip), s.clip,
                                 fmt=lambda v: f"{v:g}" if v else "off", width="300px"),
        "epoch": W.IntSlider(value=s.epochs if s.epoch < 0 else s.epoch, min=0, max=s.epochs,
                             description="epoch", continuous_update=False, style=wide),
        "show_test": W.Checkbox(value=s.show_test, description="test points", indent=False,
                                layout=W.Layout(width="120px"), **tooltip("show the test points")),
        "discretize": W.Checkbox(value=s.discretize, description="discretize", indent=False,
                                 layout=W.Layout(width="120px"),
                                 **tooltip("colour the output by class (regression: in steps of 0.25)")),
        "threshold": _slider(s, "threshold", "threshold", readout_format=".2f"),
    }
    for name, text in HOVER_TEXTS.items():  # what a control means, on hover (ipywidgets 7 and 8)
        for key, value in tooltip(text).items():
            setattr(controls[name], key, value)
    return controls


# Hover texts of the controls whose name alone could mislead (rate next to lr, epoch next to epochs).
HOVER_TEXTS = {
    "rate": "regularization strength: λ of the L1/L2 penalty, or the weight decay",
    "clip": "largest gradient norm per step (off: no clipping)",
    "warmup_pct": "share of all steps over which the lr rises from 0",
    "class1_pct": "share of points in class 1 (below 50: class imbalance); classification sets only",
    "data": f"classification: {', '.join(toy_data.TOY_SETS)}; regression (targets -1 to 1): "
            f"{', '.join(toy_data.REGRESSION_SETS)}",
    "noise": "classification: how far points stray from their set's shape; regression: how far from each "
             "point its target is read (up to noise × the square's half-width)",
    "epoch": "which trained epoch to show: scrubbing does not retrain",
    "init": "default: PyTorch's own initialisation of nn.Linear",
}


class FeatureBoxes(W.HBox):
    """One checkbox per input feature (TensorFlow Playground's inputs); ``value`` joins the ticked names.

    The last ticked box cannot be unticked (a network needs an input): it ticks itself again.
    """

    value = traitlets.Unicode()

    def __init__(self, value: str = "x1,x2"):
        self.boxes = {name: W.Checkbox(value=False, description=label, indent=False,
                                       layout=W.Layout(width="84px" if "sin" in name else "62px"))
                      for name, label in FEATURE_LABELS.items()}
        super().__init__(list(self.boxes.values()),
                         layout=W.Layout(flex_flow="row wrap", align_items="center", width=f"{COLUMN_PX}px"))
        self.description = "inputs"
        self._syncing = False
        self.observe(self._to_boxes, names="value")
        for box in self.boxes.values():
            box.observe(self._from_boxes, names="value")
        self.value = value

    def _to_boxes(self, change) -> None:
        """Tick the boxes the new value names."""
        names = set(change["new"].split(","))
        self._syncing = True
        try:
            for name, box in self.boxes.items():
                box.value = name in names
        finally:
            self._syncing = False

    def _from_boxes(self, change) -> None:
        """The value of the ticked boxes (in TensorFlow Playground's order)."""
        if self._syncing:
            return
        ticked = [name for name, box in self.boxes.items() if box.value]
        if not ticked:
            change["owner"].value = True  # keep one input
            return
        self.value = ",".join(ticked)


def _with(options: tuple, value) -> list:
    """``options`` with ``value`` added in order (a state string may hold a value off the grid)."""
    return sorted(set(options) | {value})


def _row(title: str, widgets: list) -> W.HBox:
    """A labelled row of controls that wraps on narrow screens."""
    return W.HBox([W.HTML(f"<b>{title}</b>", layout=W.Layout(width="80px")), *widgets],
                  layout=W.Layout(flex_flow="row wrap", align_items="center"))


class Playground(LiveExplorer):
    """The playground widget: change a control and the network retrains (cached by setting).

    A ``LiveExplorer`` (the course's ``widgets.Explorer`` that trains live): data, network and training
    controls start a run in the background (the base's play, pause, step and reset act on it); the
    epoch scrubber, test points, discretize and threshold controls only redraw. ``state`` is a short
    string restoring every control (paste it into the state box, or pass it here); ``run`` is the run
    shown.
    """

    direct_outputs = True  # pictures come from the event loop while a run trains, outside any cell

    @checked(cache_size="int+")
    def __init__(self, state: str | Settings | None = None, *, cache_size: int = 12):
        style.use_style()
        s = state if isinstance(state, Settings) else Settings.from_string(state or "v1:")
        self.controls = _controls(s)
        self._names = {id(control): name for name, control in self.controls.items()}
        self._setup(round(MAIN_SIZE_IN[1] * style.DPI))
        self.status.layout = W.Layout(width=f"{2 * COLUMN_PX + 8}px")
        self._draw_number = s.draw
        self._seed = s.seed
        self.cache: dict[tuple, Run] = {}
        self.cache_size = cache_size
        self.trainings = 0
        self.run: Run | None = None
        self.eval_figure = None
        self.previews = 0  # live pictures drawn while a run trained
        self._loading = False
        self.detail_out = W.Output(layout=W.Layout(min_height="480px"))
        self.detail_figure = None
        self.eval_out = W.Output(layout=W.Layout(min_height="300px"))
        self._eval_stale = self._detail_stale = True  # a tab's figure draws when its tab is shown
        self.code_out = W.Output()
        self.new_draw = W.Button(description="new draw", tooltip="a new sample of the same data set",
                                 layout=W.Layout(width="90px"))
        self.play_button.tooltip = ("go on training; a run ends after 'epochs' epochs: then play replays it, "
                                    "and a larger 'epochs' trains again from the start")
        self.state_box = W.Text(description="state", layout=W.Layout(width="520px"),
                                style={"description_width": "initial"},
                                **tooltip("paste a state or a link, then press load state"))
        self.load_button = W.Button(description="load state", tooltip="restore every control from the state")
        self.load_note = W.HTML(layout=W.Layout(width="420px"))
        self.link = W.HTML()
        self.show_code = W.Checkbox(value=False, description="show code", indent=False)
        c = self.controls
        self.try_pick = W.Dropdown(options=[(t.title, i) for i, t in enumerate(THINGS_TO_TRY)], value=0,
                                   description="try", layout=W.Layout(width="320px"))
        self.try_text = W.HTML()
        self.try_first = W.Button(description="run the first")
        self.try_second = W.Button(description="run the second")
        self.try_reveal = W.Button(description="what we measured", tooltip="after you have predicted")
        self.try_outcome = W.HTML()
        self.graph_out = W.HTML()
        self.graph_weights = W.HTML(layout=W.Layout(flex="0 0 auto"))  # as wide as its longest line
        self._graph_stale = True
        # The projector view: two columns of controls beside the main picture (1280×720, Lab's side bar
        # closed); the secondary panels in tabs below, which a student scrolls to on purpose.
        column = lambda names: W.VBox([c[n] if isinstance(n, str) else W.HBox(list(n)) for n in names],  # noqa: E731
                                      layout=W.Layout(width=f"{COLUMN_PX}px", flex="0 0 auto",
                                                      overflow="visible"))
        left = column(["data", "noise", "train_pct", "class1_pct", "points", "features", "layers", "neurons",
                       "widths", "activation", "init"])
        right = column([(c["batch_norm"], c["residual"]), "dropout", "regularization", "rate", "optimizer",
                        "lr", "batch_size", "epochs", "schedule", "warmup_pct", "clip", "epoch",
                        (c["show_test"], c["discretize"])])
        left.children = (W.HBox([c["data"], self.new_draw]), *left.children[1:])
        self.main_widget = W.VBox([
            W.HTML(VIEW_CSS + "<b>Course playground</b>: change a control and it trains (play, pause, "
                   "step and reset as in TensorFlow Playground); the tabs below evaluate, explain and "
                   "share."),
            W.HBox([W.VBox([W.HBox([left, right], layout=W.Layout(overflow="visible")), self.status],
                           layout=W.Layout(width=f"{2 * COLUMN_PX + 12}px", flex="0 0 auto",
                                           overflow="visible")),
                    W.VBox([self.transport, self.output], layout=W.Layout(flex="0 0 auto"))],
                   layout=W.Layout(overflow="visible")),
        ])
        self.main_widget.add_class("pg-main")
        self.tabs = W.Tab([
            W.VBox([W.HBox([self.try_pick, self.try_first, self.try_second, self.try_reveal]),
                    self.try_text, self.try_outcome]),
            W.VBox([_row("Evaluate", [c["threshold"]]), self.eval_out]),
            W.VBox([_row("Share", [self.state_box, self.load_button, self.load_note]), self.link,
                    self.show_code, self.code_out]),
            self.detail_out,
            W.HBox([self.graph_out, self.graph_weights], layout=W.Layout(flex_flow="row wrap")),
        ])
        for i, title in enumerate(TAB_TITLES):
            self.tabs.set_title(i, title)
        self.tabs.add_class("pg-panels")
        self.widget = W.VBox([self.main_widget, self.tabs])
        self.new_draw.on_click(lambda _: self._on_new_draw())
        self.load_button.on_click(lambda _: self.load(self.state_box.value))
        self.show_code.observe(lambda _: self._show_code(), names="value")
        self.tabs.observe(lambda _: self._on_tab(), names="selected_index")
        self.try_pick.observe(lambda _: self._show_try(), names="value")
        self.try_first.on_click(lambda _: self.load(THINGS_TO_TRY[self.try_pick.value].first))
        self.try_second.on_click(lambda _: self.load(THINGS_TO_TRY[self.try_pick.value].second))
        self.try_reveal.on_click(lambda _: self._show_try(reveal=True))
        self._show_try()
        self._sync_enabled()
        self._retrain()

    def _sync_enabled(self) -> None:
        """Grey out a control that changes nothing now: the penalty's rate without a regularization,
        the neurons slider while per-layer widths are given, class 1 % and the threshold for a
        regression set."""
        self.controls["rate"].disabled = self.controls["regularization"].value == "none"
        self.controls["neurons"].disabled = bool(self.controls["widths"].value.strip())
        regression = toy_data.is_regression(self.controls["data"].value)
        self.controls["class1_pct"].disabled = self.controls["threshold"].disabled = regression

    # -- state --
    @property
    def settings(self) -> Settings:
        """The Settings the controls describe now."""
        values = {name: control.value for name, control in self.controls.items()}
        if values["epoch"] >= values["epochs"]:
            values["epoch"] = -1
        return Settings(**values, draw=self._draw_number, seed=self._seed)

    @property
    def state(self) -> str:
        """The short string that restores every control."""
        return self.settings.to_string()

    def load(self, state: str | Settings) -> None:
        """Set every control from a state string (or Settings), then retrain once."""
        try:
            s = state if isinstance(state, Settings) else Settings.from_string(state)
        except (ValueError, TypeError) as exc:
            self.load_note.value = f"<span style='color:#D55E00'>Could not load the state: {exc}</span>"
            self.status.value = self.load_note.value
            return
        changed = s.to_string()[3:].split("&") if s.to_string() != "v1:" else []
        plural = "s" if len(changed) != 1 else ""
        self.load_note.value = (f"loaded {len(changed)} setting{plural} that differ from the defaults: "
                                f"{', '.join(changed) or 'none'}")
        self._loading = True
        try:
            for name, control in self.controls.items():
                value = getattr(s, name)
                if name == "epoch":
                    control.max = s.epochs
                    value = s.epochs if value < 0 else min(value, s.epochs)
                values = [v for _, v in _pairs(control)] if isinstance(control, W.SelectionSlider) else []
                if values and value not in values:
                    fmt = (lambda v: f"{v:g}") if isinstance(value, float) else str
                    control.options = [(fmt(v), v) for v in _with(tuple(values), value)]
                control.value = value
            self._draw_number, self._seed = s.draw, s.seed
        finally:
            self._loading = False
        self._sync_enabled()
        self._retrain()

    # -- events --
    def _on_change(self, change=None) -> None:
        """Retrain for a data/network/training control; only redraw for a view control."""
        if self._loading:
            return
        name = self._names[id(change["owner"])]
        self._sync_enabled()
        try:
            _ = self.settings
        except ValueError as exc:  # a typed value (per-layer widths) the network cannot take
            self.status.value = f"<span style='color:#D55E00'><b>{exc}</b></span>"
            return
        if name == "threshold":
            self._eval_stale = True
            self._on_tab()
        elif name in VIEW_FIELDS:
            self._redraw_main()
        else:
            self._retrain()
        self._show_state()

    def _show_state(self) -> None:
        """The state box and the link to this setting."""
        self.state_box.value = self.state
        link = state_link(self.state)
        self.link.value = (f"link to this setting: <a href='{link}' target='_blank'><code>{link}</code></a> "
                           "(right-click it, then copy link; it opens the `make playground` page while that "
                           "runs: in a notebook or on Colab, paste the state into the state box instead)")

    def _on_tab(self) -> None:
        """Draw a tab's figure when its tab is shown and the run changed since its last picture."""
        if self.tabs.selected_index == EVALUATION_TAB and self._eval_stale:
            self._redraw_evaluation()
        if self.tabs.selected_index == DETAIL_TAB and self._detail_stale:
            self._redraw_detail()
        if self.tabs.selected_index == GRAPH_TAB and self._graph_stale:
            self._redraw_graph()

    def _show_try(self, reveal: bool = False) -> None:
        """The chosen thing to try: its question and settings; its measured outcome once asked for."""
        t = THINGS_TO_TRY[self.try_pick.value]
        self.try_text.value = (f"<b>Predict first:</b> {t.question}<br>first: <code>{t.first}</code>, "
                               f"second: <code>{t.second}</code> (the buttons load them into the "
                               "controls above and train)")
        self.try_outcome.value = (f"<b>Measured:</b> {t.outcome}<br><i>seeds 0–2: three runs, the network's "
                                  "seed and the data draw both 0, 1, 2 (the buttons run 0; add "
                                  "<code>&seed=1&draw=1</code> to a state and load it to repeat run 1)</i>"
                                  if reveal else "")

    def _on_new_draw(self) -> None:
        """A new sample of the data set."""
        self._draw_number += 1
        self._retrain()
        self._show_state()

    # -- training --
    def _retrain(self) -> None:
        """The run of the current setting: from the cache, or trained now (live, in a kernel)."""
        s = self.settings
        if s.training_key in self.cache:
            self._stop_live()
            self._use_run(self.cache[s.training_key], cached=True)
            return
        self._start(s)

    def _start(self, s: Settings, paused: bool = False) -> None:
        """Train ``s`` live (held at epoch 0 when ``paused``)."""
        self.start_live(lambda **hooks: self._train(s, **hooks), s.epochs, paused=paused)

    def _train(self, s: Settings, **kwargs) -> Run:
        """``train_run`` that never raises; counted and cached."""
        try:
            run = train_run(s, **kwargs)
        except Exception as exc:  # a setting must never break the widget: show its untrained network
            self.errors.append(f"{type(exc).__name__}: {exc}")
            run = untrained_run(s, f"could not train this setting: {type(exc).__name__}: {exc}")
        self.trainings += 1
        if run.ok or run.history is not None and run.history.diverged:
            self.cache[s.training_key] = run
            while len(self.cache) > self.cache_size:
                self.cache.pop(next(iter(self.cache)))
        return run

    def _live_progress(self, live: LiveTraining) -> tuple | None:
        """A new picture per new snapshot of the run (or when it holds)."""
        return (len(live.run.epochs), live.held) if live.run is not None else None

    def _on_live_end(self, live: LiveTraining) -> None:
        """Show the run ``live`` ended with."""
        if live.result is not None:
            self._use_run(live.result)

    def _on_live(self, live: LiveTraining) -> None:
        """The run so far: its newest snapshot in the main picture, the loss so far, the counter."""
        run = live.run
        if run is None:
            return
        s = run.settings
        self._show_run(run)
        now = time.perf_counter()
        stale = self.figure is None or getattr(self.figure, "_live_run", None) is not run
        if stale or live.held or now - getattr(self.figure, "_built_at", 0.0) > LIVE_REBUILD_S:
            # a new figure: the loss so far (the training thread waits on the GIL meanwhile)
            if not self._guarded(self.output, lambda: setattr(self, "figure", new_main_figure(run))):
                return
            self.figure._live_run, self.figure._built_at = run, now
        self._redraw_main(epoch=run.epochs[-1])
        self.previews += 1
        state = "held" if live.held else "training"
        self._show_epoch(live.epoch, s.epochs, state)
        self.status.value = (f"held after epoch {live.epoch} of {s.epochs}: ▶ play goes on, step trains "
                             "one epoch" if live.held else f"training: epoch {live.epoch} of {s.epochs}")
        self._eval_stale = self._graph_stale = self._detail_stale = True
        if live.held:
            self._refresh_panels()

    def reset(self) -> None:
        """↺: the untrained network of this setting (epoch 0), held: play or step train it."""
        self._start(self.settings, paused=True)

    def _use_run(self, run: Run, cached: bool = False) -> None:
        """Show ``run``: new figures, the epoch scrubber fitted to it, the status line."""
        self._show_run(run)
        epochs = run.settings.epochs
        self.figure, self.eval_figure = run.figures.get("main"), run.figures.get("evaluation")
        if run.message:
            colour = "#000000" if "diverged" in run.message else "#D55E00"
            self.status.value = f"<span style='color:{colour}'><b>{run.message}</b></span>"
        else:
            self.status.value = (f"{run_summary(run)} after {epochs} epochs "
                                 + ("(from the cache)" if cached else f"(trained in {run.seconds:.2f} s)"))
        if run.settings.optimizer == "adamw" and run.settings.regularization != "weight_decay":
            self.status.value += (" <i>(AdamW differs from Adam only in how it applies weight decay: "
                                  "without it they take the same steps, so Adam draws the same pictures)</i>")
        self.detail_figure = run.figures.get("detail")
        self._show_epoch(run.epochs[-1], epochs, "done")
        self._redraw_main()
        self._eval_stale = self._graph_stale = self._detail_stale = True
        self._refresh_panels()
        self._sync_buttons()

    def _show_run(self, run: Run) -> None:
        """Make ``run`` the one shown, with the epoch scrubber fitted to it (without redrawing twice)."""
        self.run = run
        self._loading = True
        try:
            self.controls["epoch"].max = run.settings.epochs
            self.controls["epoch"].value = run.epochs[-1]
        finally:
            self._loading = False

    def _refresh_panels(self) -> None:
        """The open tab's figure, the state box and link, and the shown code, for the run shown now."""
        self._on_tab()
        self._show_state()
        if self.show_code.value:
            self._show_code()

    # -- drawing --
    def redraw(self) -> None:
        """Redraw the main picture at the chosen epoch (no retraining)."""
        self._redraw_main()

    def _redraw_main(self, epoch: int | None = None) -> None:
        """Redraw the main picture at ``epoch`` (default: the scrubber's); the neuron-map tab's when open."""
        start = time.perf_counter()

        def draw() -> None:
            s = self.settings
            if self.figure is None:
                self.figure = self.run.figures["main"] = new_main_figure(self.run)
            draw_run(self.run, s.epoch if epoch is None else epoch, show_test=s.show_test,
                     discretize=s.discretize, fig=self.figure)
            self.png = render_png(self.figure)
            self._show(self.output, png=self.png)

        self._guarded(self.output, draw)
        self.timings["main"] = time.perf_counter() - start
        self._detail_stale = True
        if self.tabs.selected_index == DETAIL_TAB:
            self._redraw_detail()

    def _redraw_detail(self) -> None:
        """The neuron maps, the output, the loss and the per-layer gradient norms at the shown epoch."""
        def draw() -> None:
            s, run = self.settings, self.run
            training_now = self.unfinished  # the figure grows with the run: a new one per picture
            if self.detail_figure is None or training_now:
                self.detail_figure = new_detail_figure(run)
                if not training_now:
                    run.figures["detail"] = self.detail_figure
            epoch = run.epochs[-1] if training_now else s.epoch
            draw_run(run, epoch, show_test=s.show_test, discretize=s.discretize, fig=self.detail_figure)
            self._show(self.detail_out, png=render_png(self.detail_figure))
            self._detail_stale = False

        self._guarded(self.detail_out, draw)

    def _redraw_evaluation(self) -> None:
        """Redraw the confusion matrix, ROC and PR point at the chosen threshold."""
        start = time.perf_counter()

        def draw() -> None:
            if self.eval_figure is None:
                self.eval_figure = self.run.figures["evaluation"] = new_evaluation_figure(self.run)
            draw_evaluation(self.run, self.controls["threshold"].value, fig=self.eval_figure)
            self._show(self.eval_out, png=render_png(self.eval_figure))
            self._eval_stale = False

        self._guarded(self.eval_out, draw)
        self.timings["evaluation"] = time.perf_counter() - start

    def _redraw_graph(self) -> None:
        """The trained network as a graph (neurons as maps, weights as edges) and its largest weights."""
        def draw() -> None:
            self.graph_out.value = network_graph_html(self.run)
            self.graph_weights.value = weights_list_html(self.run)
            self._graph_stale = False

        self._guarded(self.graph_out, draw)

    def replay_finished(self) -> None:
        """▶ on a finished run: play its snapshots back (in a kernel: in the background)."""
        self._in_background(self.replay, pause=0.0)

    async def replay(self, pause: float = 0.12) -> list[int]:
        """Move the epoch scrubber through every snapshot (TensorFlow Playground's play); the epochs shown."""
        shown = []
        for epoch in list(self.run.epochs):
            self.controls["epoch"].value = epoch
            shown.append(self.figure._shown_epoch if self.figure is not None else epoch)
            await asyncio.sleep(pause)
        return shown

    def _show_code(self) -> None:
        """Show (or hide) the course_lib calls that reproduce the current run."""
        if not self.show_code.value:
            self.code_out.outputs = ()
            return
        h = self.run.history if self.run is not None else None
        stopped = self.run is not None and self.run.message.startswith("stopped") and h is not None
        text = (f"# state: {self.state}\n# from course_lib import playground; playground.Playground(state) "
                "restores these controls;\n# these calls redo the run:\n"
                + code_for(self.settings, self.live.epoch if self.unfinished else h.num_epochs if stopped
                           else None))
        self._show(self.code_out, text=text)

    def show(self) -> None:
        """Display the playground: the projector view, then the tabs below it (two outputs, so a
        screen-fit check sees the view alone)."""
        display_widget(self.main_widget)
        display_widget(self.tabs, "(the playground's tabs: things to try, evaluate, share, neuron maps, "
                                  "weights graph)")



def _pairs(control: W.SelectionSlider) -> list[tuple]:
    """(label, value) pairs of a SelectionSlider's options."""
    return [o if isinstance(o, tuple) else (str(o), o) for o in control.options]


@checked
def playground(state: str | None = None, **kwargs) -> Playground:
    """The course playground, optionally restored from a state string."""
    return Playground(state, **kwargs)
