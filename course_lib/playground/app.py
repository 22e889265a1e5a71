"""The course playground: TensorFlow Playground's controls and views, plus what the lecture adds.

``train_run(settings)`` trains one setting with ``training.fit`` and keeps a snapshot of the network
every epoch (the output surface and every neuron's map), so scrubbing epochs never retrains;
``draw_run`` and ``draw_evaluation`` draw a run; ``Playground`` is the widget around them, with a
short state string that restores every control and a "show code" view with the calls that
reproduce the run. ``train_with_snapshots`` and ``draw_snapshot`` are the small helpers notebook 01
uses to show a decision boundary forming.
"""

from __future__ import annotations

import asyncio
import math
import time
import urllib.parse
from dataclasses import dataclass, field, fields

import ipywidgets as W
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import traitlets

from .. import metrics, style
from ..checks import check_callable, check_choice, check_positive, check_range, checked
from ..data import Split
from ..evaluation.metric_plots import plot_confusion_matrix
from ..initialization import INITS
from ..live_training import LiveTraining
from ..models import MLP
from ..plots import PlainLogFormatter, decision_grid, plot_history, plot_surface
from ..training import OPTIMIZERS, History, evaluate, fit, predict_scores
from ..training_tricks.schedules import make_scheduler
from ..widgets import Explorer, _running_loop, display_widget, selection_slider, tooltip
from . import neuron_maps, penalties, toy_data
from .things_to_try import THINGS_TO_TRY

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "gelu", "leaky_relu")
REGULARIZATIONS = ("none", "l1", "l2", "weight_decay")
SCHEDULES = ("constant", "step", "exponential", "linear", "cosine")
# The inputs the network can be fed (TensorFlow Playground's feature checkboxes): name -> label.
FEATURE_LABELS = {"x1": "x1", "x2": "x2", "x1^2": "x1²", "x2^2": "x2²", "x1x2": "x1·x2",
                  "sin4x1": "sin 4x1", "sin4x2": "sin 4x2"}
# Combinations worth naming (kept for the state strings and notes that use them): state value -> label.
FEATURE_SETS = {
    "x1,x2": "x1, x2",
    "x1^2,x2^2": "x1², x2²",
    "x1x2": "x1·x2",
    "x1,x2,x1^2,x2^2,x1x2": "x1, x2, x1², x2², x1·x2",
    "x1,x2,sin4x1,sin4x2": "x1, x2, sin 4x1, sin 4x2",
    "x1,x2,x1^2,x2^2,x1x2,sin4x1,sin4x2": "all seven",
}
MAX_NEURONS = 16
LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
EPOCHS = (10, 20, 40, 80, 160, 320)
RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
CLIPS = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0)  # 0: no clipping
MAX_SNAPSHOTS = 80
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
RESOLUTION = 50  # output surface; neuron maps at half of it


@dataclass(frozen=True)
class Settings:
    """Every control of the playground; the defaults are its first setting."""

    data: str = "circle"
    noise: float = 0.1
    train_pct: int = 50
    class1_pct: int = 50
    points: int = 400
    draw: int = 0
    features: str = "x1,x2"
    layers: int = 2
    neurons: int = 8
    widths: str = ""  # neurons per hidden layer, e.g. "8,4"; empty: ``neurons`` in every layer
    activation: str = "tanh"
    init: str = "default"
    batch_norm: bool = False
    residual: bool = False
    dropout: float = 0.0
    regularization: str = "none"
    rate: float = 1e-3
    optimizer: str = "adam"
    lr: float = 0.03
    batch_size: int = 32
    epochs: int = 40
    schedule: str = "constant"
    warmup_pct: int = 0
    clip: float = 0.0
    seed: int = 0
    epoch: int = -1  # the epoch shown; -1: the last
    show_test: bool = False
    discretize: bool = False
    threshold: float = 0.5

    def __post_init__(self):
        check_choice("data", self.data, toy_data.DATASETS)
        names = self.features.split(",") if isinstance(self.features, str) else None
        if not names or any(f not in FEATURE_LABELS for f in names) or len(set(names)) != len(names):
            raise ValueError(f"features must be distinct names from {list(FEATURE_LABELS)} joined by ',', "
                             f"got {self.features!r}")
        check_range("noise", self.noise, 0.0, 0.5)
        check_range("train_pct", self.train_pct, 10, 90)
        check_range("class1_pct", self.class1_pct, 5, 50)
        check_range("points", self.points, 50, 2000)
        check_range("layers", self.layers, 0, 6)
        check_range("neurons", self.neurons, 1, MAX_NEURONS)
        parse_widths(self.widths)
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("init", self.init, INITS)
        check_range("dropout", self.dropout, 0.0, 0.9)
        check_choice("regularization", self.regularization, REGULARIZATIONS)
        check_positive("rate", self.rate, allow_zero=True)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_positive("lr", self.lr)
        check_positive("batch_size", self.batch_size, integer=True)
        check_positive("epochs", self.epochs, integer=True)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_range("warmup_pct", self.warmup_pct, 0, 90)
        check_positive("clip", self.clip, allow_zero=True)
        check_range("threshold", self.threshold, 0.0, 1.0)

    @property
    def hidden(self) -> tuple[int, ...]:
        """Neurons of every hidden layer: ``widths`` where given (its last repeated), else ``neurons``."""
        given = parse_widths(self.widths) or (self.neurons,)
        return tuple(given[min(i, len(given) - 1)] for i in range(self.layers))

    @property
    def training_key(self) -> tuple:
        """What a run depends on (the view controls excluded; the rate only with a regularization,
        class 1 % only for a classification set)."""
        unused = {"rate"} if self.regularization == "none" else set()
        if toy_data.is_regression(self.data):
            unused.add("class1_pct")
        return tuple(None if f.name in unused else getattr(self, f.name)
                     for f in fields(self) if f.name not in VIEW_FIELDS)

    def to_string(self) -> str:
        """A short string of the settings that differ from the defaults, e.g. ``v1:data=xor&layers=3``."""
        default = Settings()
        parts = [f"{f.name}={_format(getattr(self, f.name))}" for f in fields(self)
                 if getattr(self, f.name) != getattr(default, f.name)]
        return "v1:" + "&".join(parts)

    @classmethod
    def from_string(cls, text: str) -> Settings:
        """The settings a ``to_string`` text describes (missing names keep their defaults).

        Takes the state as written (``&`` between entries), as a link encodes it (``%26``), or a whole
        link ``...?state=v1:...`` in either form.
        """
        text = read_state(text)
        types = {f.name: type(getattr(cls(), f.name)) for f in fields(cls)}
        values = {}
        for part in filter(None, text[3:].split("&")):
            name, sep, value = part.partition("=")
            if not sep or name not in types:
                raise ValueError(f"state has an unknown entry {part!r}; names are {sorted(types)}")
            try:
                values[name] = (value == "True") if types[name] is bool else types[name](value)
            except ValueError:
                raise ValueError(f"state entry {name!r} must be a {types[name].__name__}, "
                                 f"got {value!r}") from None
        return cls(**values)


VIEW_FIELDS = ("epoch", "show_test", "discretize", "threshold")
PAGE_URL = "http://localhost:8866/"  # the Voilà page of `make playground`


@checked
def read_state(text: str) -> str:
    """The state string ``v1:...`` in ``text``: a state, or a link carrying one, with ``&`` or ``%26``."""
    if not isinstance(text, str):
        raise TypeError(f"state must be a string starting with 'v1:', got {type(text).__name__}")
    state = text.strip()
    where = state.find("state=")
    if not state.startswith("v1") and where >= 0:
        state = state[where + len("state="):]  # everything after it: a raw '&' belongs to the state
    state = urllib.parse.unquote(state)
    if not state.startswith("v1:"):
        raise ValueError("state must be a string starting with 'v1:' (from Settings.to_string) or a "
                         f"link with '?state=v1:...', got {text!r}")
    return state


@checked
def state_link(state: str, page: str = PAGE_URL) -> str:
    """The link that opens the playground page at ``state`` (``&`` written ``%26``, as a URL needs)."""
    return f"{page}?state={urllib.parse.quote(read_state(state), safe=':,=^')}"


@checked
def state_from_query(query: str) -> tuple[str | None, list[str]]:
    """The state a page's query string carries, and notes on what it could not use.

    Everything after ``state=`` is the state (so a link that writes ``&`` instead of ``%26`` loses
    nothing); other parameters before it are named in the notes.
    """
    where = query.find("state=")
    if where < 0:
        ignored = [p for p in query.split("&") if p]
        return None, [f"the link has no state; ignored {', '.join(ignored)}"] if ignored else []
    before = [p for p in query[:where].split("&") if p]
    notes = [f"ignored the link's {', '.join(before)} (not part of the state)"] if before else []
    return read_state(query[where:]), notes


@checked
def parse_widths(text: str) -> tuple[int, ...]:
    """The per-layer widths a text such as "8,4" or "8 4" names (empty: none), each 1 to MAX_NEURONS."""
    parts = text.replace(",", " ").split()
    try:
        widths = tuple(int(p) for p in parts)
    except ValueError:
        widths = ()
    if len(widths) != len(parts) or not all(1 <= w <= MAX_NEURONS for w in widths):
        raise ValueError(f"widths must be whole numbers 1 to {MAX_NEURONS} separated by ',' (one per "
                         f"hidden layer), got {text!r}")
    return widths


def _format(value) -> str:
    """A value as the state string writes it."""
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass
class Run:
    """One trained setting: data, model, History and a snapshot of the network at chosen epochs."""

    settings: Settings
    data: toy_data.ToyData
    model: MLP
    history: History | None
    epochs: list[int] = field(default_factory=list)  # epochs with a snapshot (0: untrained)
    maps: list[neuron_maps.NetworkMaps] = field(default_factory=list)
    losses: list[tuple[float, float]] = field(default_factory=list)  # (train, test) loss at epoch 0
    test_scores: np.ndarray | None = None  # P(class 1) of the test points (regression: predictions)
    message: str = ""  # why training stopped early (diverged, stopped, could not train), or ""
    seconds: float = 0.0
    figures: dict = field(default_factory=dict, repr=False)  # the widget's figures of this run, kept

    @property
    def ok(self) -> bool:
        """True when the run finished every epoch without diverging."""
        return not self.message

    def snapshot_index(self, epoch: int) -> int:
        """Index of the snapshot at (or last before) ``epoch`` (-1: the last one)."""
        if epoch < 0:
            return len(self.epochs) - 1
        return max(0, int(np.searchsorted(self.epochs, epoch, side="right")) - 1)


@checked
def steps_per_epoch(s: Settings) -> int:
    """Optimizer steps in one epoch of ``s``."""
    n_train = len(make_data(s).X_train)
    return math.ceil(n_train / s.batch_size)


@checked
def is_regression(s: Settings) -> bool:
    """True when setting ``s`` has a regression set (float targets, MSE, a linear output)."""
    return toy_data.is_regression(s.data)


@checked
def make_data(s: Settings) -> toy_data.ToyData:
    """The data of a setting (the draw is its seed)."""
    return toy_data.make_split(s.data, s.points, s.noise, train_fraction=s.train_pct / 100,
                               positive_fraction=s.class1_pct / 100, features=s.features.split(","),
                               seed=s.draw)


@checked
def make_model(s: Settings) -> MLP:
    """The network of a setting (a regression set: task "regression", its output linear and trained
    with MSE), with its L1/L2 penalty attached when it has one."""
    model = MLP(len(s.features.split(",")), hidden=s.hidden, activation=s.activation,
                task="regression" if is_regression(s) else "binary", batch_norm=s.batch_norm,
                residual=s.residual, dropout=s.dropout, init=s.init, seed=s.seed)
    if s.regularization in penalties.PENALTIES:
        penalties.add_penalty(model, s.regularization, s.rate)
    return model


@checked
def fit_options(s: Settings, n_train: int) -> dict:
    """The keyword arguments of ``training.fit`` for a setting."""
    total = s.epochs * math.ceil(n_train / s.batch_size)
    warmup = round(total * s.warmup_pct / 100)
    scheduler = None
    if s.schedule != "constant":
        scheduler = make_scheduler(s.schedule, max(1, total - warmup))
    return dict(optimizer=s.optimizer, lr=s.lr, batch_size=s.batch_size, num_epochs=s.epochs,
                weight_decay=s.rate if s.regularization == "weight_decay" else 0.0,
                scheduler=scheduler, warmup_steps=warmup, clip_grad_norm=s.clip or None,
                record_grad_norms=True, seed=s.seed)


class StopTraining(Exception):
    """Raised inside fit's callback when the student presses stop."""


@checked
def train_run(s: Settings, *, progress: bool = False, should_stop=None, on_epoch=None,
              on_snapshot=None, on_start=None) -> Run:
    """Train setting ``s`` with ``training.fit``, snapshotting the network on up to MAX_SNAPSHOTS epochs.

    Never raises for a setting: a diverged, stopped or failed run comes back with its ``message``.
    ``on_snapshot(epoch, maps)`` is called with every snapshot as it is taken (for live pictures);
    ``on_start(run)`` gets the Run as soon as it exists (it grows while it trains).
    """
    for name, fn in (("should_stop", should_stop), ("on_epoch", on_epoch), ("on_snapshot", on_snapshot),
                     ("on_start", on_start)):
        if fn is not None:
            check_callable(name, fn, "a function")
    start = time.perf_counter()
    data = make_data(s)
    model = make_model(s)
    run = Run(s, data, model, None)
    every = math.ceil(s.epochs / MAX_SNAPSHOTS)
    X_train, y_train, X_test, y_test = data.fit_data
    run.maps.append(neuron_maps.network_maps(model, RESOLUTION, features=data.features))
    run.epochs.append(0)
    run.losses.append((evaluate(model, X_train, y_train, data.task)[0],
                       evaluate(model, X_test, y_test, data.task)[0]))
    if on_start is not None:
        on_start(run)
    if on_snapshot is not None:
        on_snapshot(0, run.maps[-1])

    def snapshot(epoch: int, m, history: History) -> None:
        run.history = history
        if on_epoch is not None:
            on_epoch(epoch + 1)
        if (epoch + 1) % every == 0 or epoch + 1 == s.epochs:
            # maps first: a live view reading from another thread never finds an epoch without its maps
            run.maps.append(neuron_maps.network_maps(m, RESOLUTION, features=data.features))
            run.epochs.append(epoch + 1)
            if on_snapshot is not None:
                on_snapshot(epoch + 1, run.maps[-1])
        if should_stop is not None and should_stop():
            raise StopTraining

    if s.batch_norm and s.batch_size == 1:
        run.message = "BatchNorm needs at least 2 points per batch: choose batch_size >= 2"
    else:
        try:
            history = fit(model, data.fit_data, progress=progress, callback=snapshot,
                          **fit_options(s, len(data.X_train)))
            run.history = history
            if history.diverged:  # the playground has no targets to standardise
                run.message = history.message.replace(", gradient clipping or standardised targets.",
                                                      " or gradient clipping.")
        except StopTraining:
            done = 0 if run.history is None else run.history.num_epochs
            run.message = f"stopped after epoch {done}: press a control to train again"
        except (RuntimeError, ValueError) as exc:
            reason = str(exc).splitlines()[0]
            if "more than 1 value per channel" in reason:
                reason = ("a mini-batch of one point reached BatchNorm (the last batch of an epoch); "
                          "choose another batch_size or turn BatchNorm off")
            run.message = f"could not train this setting: {reason}"
    if run.history is not None and run.history.epochs and run.epochs[-1] != run.history.num_epochs \
            and not run.history.diverged:
        run.maps.append(neuron_maps.network_maps(model, RESOLUTION, features=data.features))
        run.epochs.append(run.history.num_epochs)
    scores = predict_scores(model, X_test, data.task).numpy()  # P(class 1), or predicted values
    run.test_scores = scores if np.isfinite(scores).all() else None
    run.seconds = time.perf_counter() - start
    return run


@checked(epochs_run="int0")
def code_for(s: Settings, epochs_run: int | None = None) -> str:
    """The course_lib calls that reproduce setting ``s`` in a notebook cell.

    ``epochs_run``: the epochs a stopped run finished (its schedule still planned for ``s.epochs``).
    """
    n_train = len(make_data(s).X_train)
    options = fit_options(s, n_train)
    num_epochs = s.epochs if epochs_run is None else epochs_run
    lines = [
        "from course_lib import models, training",
        "from course_lib.playground import neuron_maps, penalties, toy_data",
        "from course_lib.training_tricks import schedules",
        "",
        *([f"# trained {epochs_run} of {s.epochs} epochs so far"
           + (f" (the schedule is planned for {s.epochs})" if s.schedule != "constant" else "")]
          if epochs_run is not None and epochs_run != s.epochs else []),
        f"data = toy_data.make_split({s.data!r}, {s.points}, {s.noise:g}, "
        f"train_fraction={s.train_pct / 100:g},",
        "                           "
        + ("" if is_regression(s) else f"positive_fraction={s.class1_pct / 100:g}, ")
        + f"features={tuple(s.features.split(','))!r}, seed={s.draw})",
        f"model = models.MLP(len(data.features), hidden={s.hidden!r}, "
        f"activation={s.activation!r}, batch_norm={s.batch_norm},",
        f"                   residual={s.residual}, dropout={s.dropout:g}, init={s.init!r}, "
        + ("task='regression', " if is_regression(s) else "") + f"seed={s.seed})",
    ]
    if s.regularization in penalties.PENALTIES:
        lines.append(f"penalties.add_penalty(model, {s.regularization!r}, {s.rate:g})")
    total = s.epochs * math.ceil(n_train / s.batch_size)
    scheduler = "None" if options["scheduler"] is None else \
        f"schedules.make_scheduler({s.schedule!r}, {max(1, total - options['warmup_steps'])})"
    lines += [
        f"history = training.fit(model, data.fit_data, optimizer={s.optimizer!r}, lr={s.lr:g}, "
        f"batch_size={s.batch_size}, num_epochs={num_epochs},",
        f"                       weight_decay={options['weight_decay']:g}, scheduler={scheduler}, "
        f"warmup_steps={options['warmup_steps']},",
        f"                       clip_grad_norm={options['clip_grad_norm']}, record_grad_norms=True, "
        f"seed={s.seed})",
        "print(history)",
        "neuron_maps.plot_network(model, data.X_train, data.y_train, features=data.features);",
    ]
    return "\n".join(lines)


# --- Figures -----------------------------------------------------------------------------------
# Both figures are laid out once (fixed positions, no layout engine) and then only their changing
# artists are redrawn over a cached background (Agg blitting): a scrub or a threshold move costs a
# few artists and one PNG encoding instead of a full figure.

def _layer_label(i: int, n: int) -> str:
    """'layer i' for hidden layers, 'output' for the last Linear."""
    return "output" if i == n - 1 else f"layer {i + 1}"


def _surface_rgb(P: np.ndarray, discretize: bool = False, regression: bool = False) -> np.ndarray:
    """The output as an opaque RGB image, the surface colours at 55 % over white: P(class 1) from 0 to 1,
    or a regression output from -1 to 1 (white at 0); discretized: by class, or by the output's sign."""
    if regression:
        R = neuron_maps.REGRESSION_RANGE
        P = (np.clip(P, -R, R) + R) / (2 * R)
    if discretize:
        P = (P > 0.5).astype(float)
    rgb = style.SURFACE_CMAP(np.nan_to_num(P, nan=0.5))[..., :3]
    return 0.55 * rgb + 0.45


@checked
def draw_run(run: Run, epoch: int = -1, *, show_test: bool = False, discretize: bool = False, fig=None):
    """Neuron maps and output surface at ``epoch`` (top); loss and per-layer gradient norms (bottom).

    Pass the ``fig`` of an earlier call to update it in place (only its changing artists).
    """
    if fig is None or not hasattr(fig, "_playground"):
        fig = _run_figure(run)
    parts = fig._playground
    i = run.snapshot_index(epoch)
    e = run.epochs[i]
    maps = run.maps[i]
    if "mosaic" in parts:
        parts["mosaic"].set_data(neuron_maps.mosaic(maps)[0])
    P = maps.output
    finite = bool(np.isfinite(P).all())
    parts["surface"].set_data(_surface_rgb(P, discretize, maps.regression))
    ax_out = parts["ax_out"]
    for c in parts["contour"]:
        c.remove()
    parts["contour"] = []
    if finite and not maps.regression and P.min() < 0.5 < P.max():
        xs = np.linspace(-maps.extent, maps.extent, P.shape[0])
        contour = ax_out.contour(xs, xs[::-1], P, levels=[0.5], colors="k", linewidths=1.5)
        contour.set_animated(True)
        parts["contour"] = [contour]
    for scatter in parts["test"]:
        scatter.set_visible(show_test)
    for shows_test, legend in parts["legends"].items():  # the legend names only what is drawn
        legend.set_visible(shows_test == show_test)
    if "ax_maps" in parts:
        parts["ax_maps"].title.set_text(f"what each neuron computes, epoch {e}")
    acc = _accuracy_at(run, e)
    sep = "\n" if parts.get("compact") else ": "
    metric = "R²" if is_regression(run.settings) else "accuracy"
    ax_out.title.set_text(f"output, epoch {e}" + (f"{sep}test {metric} {acc:.2f}" if acc is not None else "")
                          if finite else f"output, epoch {e}{sep}diverged")
    losses = _losses_at(run, e)
    between = "\n" if parts.get("compact") else ", "  # the main picture: two lines over a narrow panel
    loss = _loss_name(run)
    parts["ax_loss"].title.set_text(f"{loss}: train {losses[0]:.3f}{between}test {losses[1]:.3f}"
                                    if losses and all(map(math.isfinite, losses)) else loss)
    for line in parts["markers"]:
        line.set_xdata([e, e])
    fig._shown_epoch = e
    return fig


def _losses_at(run: Run, epoch: int) -> tuple[float, float] | None:
    """(train, test) loss after ``epoch`` epochs (None where not recorded)."""
    if epoch == 0:
        return run.losses[0]
    h = run.history
    if h is None or epoch not in h.epochs:
        return None
    k = h.epochs.index(epoch)
    if k >= min(len(h.train_loss), len(h.val_loss)):  # a live run: this epoch is being recorded
        return None
    return h.train_loss[k], h.val_loss[k]


def _loss_name(run: Run) -> str:
    """What the loss panel calls its loss: "MSE" for a regression set, else "loss" (cross-entropy)."""
    return "MSE" if is_regression(run.settings) else "loss"


def _accuracy_at(run: Run, epoch: int) -> float | None:
    """Test accuracy (R² for a regression set) after ``epoch`` epochs (None where not recorded)."""
    h = run.history
    if h is None or epoch not in h.epochs:
        return None
    k = h.epochs.index(epoch)
    return h.val_metric[k] if k < len(h.val_metric) else None


def _figure(height: float):
    """A column-wide figure with an Agg canvas and no layout engine (positions are set by hand)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=style.figsize(height), dpi=style.DPI, layout="none")
    FigureCanvasAgg(fig)
    return fig


def _draw_output(ax_out, run: Run, maps, sizes: tuple[int, int]):
    """The output surface with the train (circles) and test (triangles) points, marker areas ``sizes``:
    coloured by class, or for a regression set by their target on the surface's colour scale.

    Returns (surface, every scatter, the test scatters, legend entries (handle, label, is test)).
    """
    e = maps.extent
    surface = ax_out.imshow(_surface_rgb(maps.output, regression=maps.regression), extent=(-e, e, -e, e),
                            interpolation="bilinear")
    d = run.data
    scatters, test, entries = [], [], []
    R = neuron_maps.REGRESSION_RANGE
    for X, y, marker, kind in ((d.X_train, d.y_train, "o", "train"), (d.X_test, d.y_test, "^", "test")):
        X, y = X.numpy(), y.numpy()
        edge = "black" if kind == "test" else "0.4" if maps.regression else "white"  # white: lost on 0
        if maps.regression:  # one scatter, each point in its target's colour
            groups = [(X, dict(c=y, cmap=style.SURFACE_CMAP, vmin=-R, vmax=R))]
        else:
            groups = [(X[y == c], dict(c=color)) for c, color in enumerate(style.CLASS_COLORS)]
        for c, (points, colour) in enumerate(groups):
            sc = ax_out.scatter(*points.T, s=sizes[kind == "test"], marker=marker, edgecolors=edge,
                                linewidths=0.5, **colour)
            scatters.append(sc)
            if kind == "test":
                test.append(sc)
            if maps.regression:  # a grey stand-in: the colour bar says what the colours mean
                handle = mpl.lines.Line2D([], [], ls="none", marker=marker, mfc="0.6",
                                          ms=math.sqrt(sizes[kind == "test"]), mec=edge)
                entries.append((handle, f"{kind} points", kind == "test"))
            else:
                entries.append((sc, f"{kind}, class {c}", kind == "test"))
    ax_out.set_xlim(-e, e)
    ax_out.set_ylim(-e, e)
    ax_out.set_xticks([])
    ax_out.set_yticks([])
    ax_out.grid(False)
    for spine in ax_out.spines.values():
        spine.set_visible(True)
    return surface, scatters, test, entries


def _output_colorbar(fig, rect: tuple, orientation: str):
    """A colour bar of a regression output's scale (-1 to 1, white at 0) in ``rect`` (figure fractions)."""
    R = neuron_maps.REGRESSION_RANGE
    cax = fig.add_axes(rect)
    bar = fig.colorbar(mpl.cm.ScalarMappable(mpl.colors.Normalize(-R, R), style.SURFACE_CMAP), cax=cax,
                       orientation=orientation, ticks=[-R, 0, R], extend="both")
    bar.ax.tick_params(labelsize=11)
    return bar


def _legends(fig, entries: list, extra: list, **kwargs) -> dict:
    """Two legends of the output's points (and the ``extra`` (handle, label) entries): one without the
    test points, one with them; ``draw_run`` shows the one that names only what is drawn."""
    legends = {}
    for shows_test in (False, True):
        shown = [(h, label) for h, label, is_test in entries if shows_test or not is_test] + extra
        legend = fig.legend([h for h, _ in shown], [label for _, label in shown], **kwargs)
        legend.set_animated(True)
        legends[shows_test] = legend
    return legends


def _run_figure(run: Run):
    """The figure of a run, its changing artists kept for quick updates (``fig._playground``)."""
    fig = _figure(7.0)
    top = fig.add_gridspec(1, 2, left=0.09, right=0.80, top=0.91, bottom=0.47, wspace=0.06,
                           width_ratios=[1.5, 1])
    bottom = fig.add_gridspec(1, 2, left=0.08, right=0.84, top=0.35, bottom=0.09, wspace=0.55)
    ax_maps, ax_out = fig.add_subplot(top[0]), fig.add_subplot(top[1])
    ax_loss, ax_grad = fig.add_subplot(bottom[0]), fig.add_subplot(bottom[1])
    maps = run.maps[-1]
    neuron_maps.plot_neuron_maps(maps, ax_maps)
    surface, scatters, test, entries = _draw_output(ax_out, run, maps, sizes=(16, 24))
    ax_out.set_title("output", y=1.01)
    ax_maps.set_title(ax_maps.get_title(), y=1.01)  # a fixed title position: no layout search per draw
    legends = _legends(fig, entries, [], loc="upper left", bbox_to_anchor=(1.03, 1.0),
                       bbox_transform=ax_out.transAxes, borderaxespad=0.0, fontsize=11, handletextpad=0.2,
                       markerscale=1.4)
    if maps.regression:
        _output_colorbar(fig, (0.82, 0.49, 0.012, 0.22), "vertical").set_label("target, output", fontsize=11)
    markers = [_draw_losses(run, ax_loss), _draw_grad_norms(run, ax_grad)]
    animated = [ax_maps.images[0], surface, *scatters, ax_maps.title, ax_out.title, ax_loss.title, *markers,
                *legends.values()]
    for artist in animated:
        artist.set_animated(True)
    fig._playground = dict(ax_maps=ax_maps, ax_out=ax_out, ax_loss=ax_loss, mosaic=ax_maps.images[0],
                           surface=surface, contour=[], test=test, markers=markers, animated=animated,
                           legends=legends)
    if run.message:
        fig.text(0.5, 0.995, _wrap(run.message), ha="center", va="top", fontsize=12, fontweight="bold",
                 color=style.DIVERGED_COLOR if "diverged" in run.message else style.OKABE_ITO["vermillion"])
    return fig


MAIN_SIZE_IN = (4.8, 4.2)  # the main picture, beside two columns of controls on a 1280×720 screen


def _main_figure(run: Run):
    """The main picture: the output surface with the points (left) and the loss per epoch (right),
    one legend below both; sized to sit beside the controls on a projector."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=MAIN_SIZE_IN, dpi=style.DPI, layout="none")
    FigureCanvasAgg(fig)
    W_px, H_px = (v * style.DPI for v in MAIN_SIZE_IN)
    side, top = 270, 52  # pixels: the square surface, the room for two title lines

    def rect(left, bottom, width, height):
        return (left / W_px, bottom / H_px, width / W_px, height / H_px)

    bottom = H_px - top - side
    ax_out = fig.add_axes(rect(6, bottom, side, side))
    ax_loss = fig.add_axes(rect(side + 78, bottom, W_px - side - 98, side))
    maps = run.maps[-1]
    surface, scatters, test, entries = _draw_output(ax_out, run, maps, sizes=(14, 22))
    marker = _draw_losses(run, ax_loss, legend=False)
    ax_loss.set_ylabel("")  # the title names it
    for ax in (ax_out, ax_loss):
        ax.set_title(ax.get_title() or "output", y=1.01, fontsize=12.5)
    handles, labels = ax_loss.get_legend_handles_labels()
    loss = _loss_name(run)
    legends = _legends(fig, entries, [(h, f"{loss}, {x}") for h, x in zip(handles, labels, strict=True)],
                       loc="upper left", bbox_to_anchor=(6 / W_px, (bottom - 48) / H_px),
                       ncol=3, fontsize=11, handletextpad=0.3,
                       columnspacing=1.0, markerscale=1.4, handlelength=1.8, borderaxespad=0.0)
    if maps.regression:  # the colour scale of the output and the targets, under the surface
        bar = _output_colorbar(fig, rect(6, bottom - 26, 150, 9), "horizontal")
        bar.ax.text(1.1, 0.5, "target, output", transform=bar.ax.transAxes, va="center", fontsize=11)
    animated = [surface, *scatters, ax_out.title, ax_loss.title, marker, *legends.values()]
    for artist in animated:
        artist.set_animated(True)
    fig._playground = dict(ax_out=ax_out, ax_loss=ax_loss, surface=surface, contour=[], test=test,
                           markers=[marker], animated=animated, compact=True, legends=legends)
    if run.message:  # what happened, on the output (the status line below the controls says why)
        colour = style.DIVERGED_COLOR if "diverged" in run.message else style.OKABE_ITO["vermillion"]
        note = ax_out.text(0.5, 0.5, _wrap(run.message.split(":")[0], 24), transform=ax_out.transAxes,
                           ha="center", va="center", fontsize=12, fontweight="bold", color=colour,
                           bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        note.set_animated(True)  # drawn over the surface and the points, which are redrawn every update
        animated.append(note)
    return fig


def _changing_artists(fig) -> list:
    """The artists of a playground figure that an update redraws, in drawing order."""
    parts = getattr(fig, "_playground", None) or getattr(fig, "_evaluation", None) or {"animated": []}
    out = []
    for a in parts["animated"]:
        out.append(a)
        if a is parts.get("surface"):
            out += parts["contour"]
    return out


@checked
def render_png(fig) -> bytes:
    """PNG bytes of a playground figure: the first call draws it all, later ones only its changing artists."""
    if not hasattr(fig, "canvas") or not hasattr(fig, "bbox"):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    from PIL import Image

    canvas = fig.canvas
    if getattr(fig, "_background", None) is None:
        canvas.draw()  # animated artists are left out of the background
        fig._background = canvas.copy_from_bbox(fig.bbox)
    else:
        canvas.restore_region(fig._background)
    for artist in _changing_artists(fig):
        if artist.get_visible():
            fig.draw_artist(artist)
    import io

    buf = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3]).save(buf, format="png", compress_level=1)
    return buf.getvalue()


def _wrap(text: str, width: int = 110) -> str:
    """``text`` broken into lines of at most ``width`` characters."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _draw_losses(run: Run, ax, legend: bool = True):
    """Train (solid) and test (dashed) loss per epoch, log scale; a vertical line marks the shown epoch."""
    h = run.history
    n = min(len(h.epochs), len(h.train_loss), len(h.val_loss)) if h else 0  # a live run may be mid-epoch
    epochs = [0] + (h.epochs[:n] if h else [])
    train = [run.losses[0][0]] + (h.train_loss[:n] if h else [])
    test = [run.losses[0][1]] + (h.val_loss[:n] if h else [])
    dot = "o" if len(epochs) == 1 else ""  # epoch 0 alone (the first live frame): a dot, not nothing
    ax.plot(epochs, train, color=style.color(0), marker=dot, label="train")
    ax.plot(epochs, test, color=style.color(1), ls="--", marker=dot, label="test")
    if h is not None and h.diverged:
        x = h.num_epochs if h.epochs else 1
        style.mark_diverged(ax, x, text="")
        left = x < 0.5 * max(run.settings.epochs, 1)  # the word on the side with room: never clipped
        ax.annotate("diverged", (x, 0.96), xycoords=("data", "axes fraction"), xytext=(8 if left else -8, 0),
                    textcoords="offset points", ha="left" if left else "right", va="center",
                    color=style.DIVERGED_COLOR, fontsize=style.MIN_FONT_PT + 1, fontweight="bold")
    finite = [v for v in train + test if math.isfinite(v) and v > 0]
    if finite:
        ax.set_yscale("log")
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())  # minor ticks cost more than they tell
        ax.yaxis.set_major_formatter(PlainLogFormatter())
        if _one_power_of_ten(min(finite), max(finite)):  # label a few plain values instead
            ax.yaxis.set_major_locator(mpl.ticker.FixedLocator(_log_ticks(min(finite), max(finite))))
            ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel("epoch")
    ax.set_ylabel(_loss_name(run))
    ax.set_xlim(0, max(run.settings.epochs, 1))
    ax.set_title(_loss_name(run), y=1.01)
    if legend:
        style.legend_outside(ax)
    return ax.axvline(0, color="0.3", lw=1.2)


def _one_power_of_ten(low: float, high: float) -> bool:
    """True when [low, high] holds fewer than two powers of ten: a log axis would label one or none."""
    return math.floor(math.log10(high)) - math.ceil(math.log10(low)) < 1


def _log_ticks(low: float, high: float, n: int = 4) -> list[float]:
    """About ``n`` log-spaced values in [low, high], at the fewest digits that give three distinct ones."""
    for digits in range(2, 7):
        ticks = sorted({t for t in (float(f"{v:.{digits}g}") for v in np.geomspace(low, high, n))
                        if low <= t <= high})
        if len(ticks) >= 3:
            return ticks
    return [float(low), float(high)] if high > low else [float(low)]


def _draw_grad_norms(run: Run, ax):
    """Gradient norm of every layer's weights per optimizer step (x in epochs), log scale."""
    h = run.history
    ax.set_title("gradient norm per layer", y=1.01)
    ax.set_xlabel("epoch")
    ax.set_xlim(0, max(run.settings.epochs, 1))
    if h is None or not h.layer_grad_norms:
        ax.text(0.5, 0.5, "no step taken", transform=ax.transAxes, ha="center", fontsize=12)
        return ax.axvline(0, color="0.3", lw=1.2)
    G = np.asarray(h.layer_grad_norms, dtype=float)
    G[~(G > 0)] = np.nan
    x = np.arange(1, len(G) + 1) / max(h.epoch_steps[0] if h.epoch_steps else len(G), 1)
    stride = max(1, len(G) // 300)
    n = G.shape[1]
    for j in range(n):
        ax.plot(x[::stride], G[::stride, j], color=style.color(j), ls=style.linestyle(j), lw=1.6,
                label=_layer_label(j, n))
    if np.isfinite(G).any():
        ax.set_yscale("log")
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())  # minor ticks cost more than they tell
        ax.yaxis.set_major_formatter(PlainLogFormatter())
        low, high = np.nanmin(G), np.nanmax(G)
        if _one_power_of_ten(low, high):
            ax.yaxis.set_major_locator(mpl.ticker.FixedLocator(_log_ticks(low, high)))
            ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    style.legend_outside(ax, fontsize=11, handlelength=1.6, labelspacing=0.2)
    return ax.axvline(0, color="0.3", lw=1.2)


@checked
def run_summary(run: Run) -> str:
    """The result a status line gives: "test accuracy 0.97", or "test MSE 0.012 / R² 0.95" for a
    regression set (the last epoch's, as training.fit recorded it)."""
    h = run.history
    if h is None or not h.val_metric:
        return "nothing trained yet"
    if is_regression(run.settings):
        return f"test MSE {h.final('val_loss'):.3g} / R² {h.final('val_metric'):.2f}"
    return f"test accuracy {h.final('val_metric'):.2f}"


def _diverged_epoch(run: Run) -> int | None:
    """The epoch a diverged run diverged in (as its message says), or None for a run that did not."""
    import re

    h = run.history
    if h is None or not h.diverged:
        return None
    found = re.search(r"epoch (\d+)", h.message)
    return int(found.group(1)) if found else h.num_epochs + 1


@checked
def draw_evaluation(run: Run, threshold: float = 0.5, fig=None):
    """On the test points of the trained model: confusion matrix at ``threshold``, ROC and PR curves;
    for a regression set, predicted against true values (the threshold plays no part there)."""
    check_range("threshold", threshold, 0.0, 1.0)
    if fig is None or not hasattr(fig, "_evaluation"):
        fig = _evaluation_figure(run)
    parts = fig._evaluation
    if "cm_image" not in parts:  # nothing to evaluate, or a regression set: nothing moves
        return fig
    y, scores = run.data.y_test.numpy(), run.test_scores
    cm = metrics.confusion_matrix(y, (scores >= threshold).astype(int), labels=[0, 1])
    parts["cm_image"].set_data(cm)
    parts["cm_image"].set_clim(0, cm.max() or 1)
    names = [["TN", "FP"], ["FN", "TP"]]
    for (i, j), text in zip([(0, 0), (0, 1), (1, 0), (1, 1)], parts["cm_texts"], strict=True):
        text.set_text(f"{names[i][j]}\n{cm[i, j]}")
        text.set_color("white" if cm[i, j] > 0.6 * (cm.max() or 1) else "black")
    (tn, fp), (fn, tp) = cm
    fpr, tpr = fp / max(fp + tn, 1), tp / max(tp + fn, 1)
    parts["roc_point"].set_data([fpr], [tpr])
    precision = tp / (tp + fp) if tp + fp else np.nan
    parts["pr_point"].set_data([tpr], [precision])
    shown = f"{precision:.2f}" if np.isfinite(precision) else "undefined (nothing predicted 1)"
    parts["headline"].set_text(f"{len(y)} test points at threshold {threshold:.2f}: recall {tpr:.2f}, "
                               f"precision {shown}, false positive rate {fpr:.2f}")
    return fig


def _evaluation_figure(run: Run):
    """The evaluation figure of a run, with the artists a threshold change updates."""
    fig = _figure(3.9)
    diverged = _diverged_epoch(run)
    if diverged is not None or run.test_scores is None:
        return _nothing_to_evaluate(fig, run, diverged)
    if is_regression(run.settings):
        return _regression_evaluation(fig, run)
    grid = fig.add_gridspec(1, 3, left=0.07, right=0.98, top=0.8, bottom=0.17, wspace=0.42,
                            width_ratios=[0.8, 1, 1])
    ax_cm, ax_roc, ax_pr = (fig.add_subplot(g) for g in grid)
    parts = dict(ax_cm=ax_cm, ax_roc=ax_roc, ax_pr=ax_pr, animated=[])
    fig._evaluation = parts
    y, scores = run.data.y_test.numpy(), run.test_scores
    plot_confusion_matrix(np.zeros((2, 2), dtype=int), ["0", "1"], ax_cm, title="test points")
    fpr, tpr, _ = metrics.roc_curve(y, scores)
    precision, recall, _ = metrics.precision_recall_curve(y, scores)
    parts["auc"], parts["ap"] = metrics.auc(fpr, tpr), metrics.average_precision_score(y, scores)
    ax_roc.plot([0, 1], [0, 1], ls=":", color="0.5", lw=1.2)
    ax_roc.plot(fpr, tpr, color=style.color(0))
    ax_roc.set(xlabel="false positive rate", ylabel="recall", xlim=(-0.02, 1.02), ylim=(-0.02, 1.02))
    ax_pr.axhline(y.mean(), ls=":", color="0.5", lw=1.2)
    ax_pr.plot(recall, precision, drawstyle="steps-post", color=style.color(0))
    ax_pr.set(xlabel="recall", ylabel="precision", xlim=(-0.02, 1.02), ylim=(-0.02, 1.05))
    ax_roc.set_title(f"ROC (AUC {parts['auc']:.2f})", y=1.01)
    ax_pr.set_title(f"precision-recall (AP {parts['ap']:.2f})", y=1.01)
    ax_cm.set_title("confusion matrix", y=1.01)
    parts["headline"] = fig.text(0.5, 0.985, "", ha="center", va="top", fontsize=13)
    parts["roc_point"], = ax_roc.plot([], [], "o", ms=10, color=style.color(1))
    parts["pr_point"], = ax_pr.plot([], [], "o", ms=10, color=style.color(1))
    parts["cm_image"], parts["cm_texts"] = ax_cm.images[0], list(ax_cm.texts)
    parts["animated"] = [parts["cm_image"], *parts["cm_texts"], parts["roc_point"], parts["pr_point"],
                         parts["headline"]]
    for artist in parts["animated"]:
        artist.set_animated(True)
    return fig


def _nothing_to_evaluate(fig, run: Run, diverged: int | None):
    """One labelled panel in place of the evaluation: the run diverged, holds, or has no finite output."""
    ax = fig.add_axes((0.05, 0.06, 0.9, 0.74))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if diverged is not None:
        title, why = f"the run diverged at epoch {diverged}: nothing to evaluate", run.message
    else:
        title = "no trained model to evaluate"
        why = run.message or ("the run is held or still training: ▶ play to finish it, then evaluate"
                              if not run.history or run.history.num_epochs < run.settings.epochs
                              else "the model's outputs on the test points are not finite")
    ax.set_title(title, color=style.DIVERGED_COLOR, fontweight="bold" if diverged is not None else "normal")
    ax.text(0.5, 0.5, _wrap(why, 80), ha="center", va="center", transform=ax.transAxes, fontsize=12)
    fig._evaluation = dict(ax=ax, animated=[])
    return fig


def _regression_evaluation(fig, run: Run):
    """A regression set's evaluation: predicted against true values of the test points (on the line
    y = x when right), and the errors' histogram, under the test MSE and R²."""
    y, y_hat = run.data.y_test.numpy().astype(float), run.test_scores.astype(float)
    errors = y_hat - y
    mse = float(np.mean(errors ** 2))
    r2 = 1 - float(np.sum(errors ** 2)) / max(float(np.sum((y - y.mean()) ** 2)), 1e-12)
    grid = fig.add_gridspec(1, 2, left=0.08, right=0.97, top=0.8, bottom=0.17, wspace=0.3,
                            width_ratios=[1, 1.3])
    ax_fit, ax_err = (fig.add_subplot(g) for g in grid)
    low, high = min(y.min(), y_hat.min()), max(y.max(), y_hat.max())
    pad = 0.05 * (high - low or 1.0)
    ax_fit.plot([low - pad, high + pad], [low - pad, high + pad], ls=":", color="0.4", lw=1.4,
                label="y = x (exact)")
    ax_fit.scatter(y, y_hat, s=14, color=style.color(0), alpha=0.8, label="test points")
    ax_fit.set(xlim=(low - pad, high + pad), ylim=(low - pad, high + pad), xlabel="true target",
               ylabel="predicted")
    ax_fit.set_title("predicted against true", y=1.01)
    ax_fit.legend(loc="upper left", fontsize=11, handletextpad=0.3)
    ax_err.hist(errors, bins=30, color=style.color(0), alpha=0.8)
    ax_err.axvline(0, color="0.4", ls=":", lw=1.4)
    ax_err.set(xlabel="error: predicted − true", ylabel="test points")
    ax_err.set_title("errors", y=1.01)
    fig.text(0.5, 0.985, f"{len(y)} test points: MSE {mse:.3g}, R² {r2:.2f} (the threshold plays no part "
             "in regression)", ha="center", va="top", fontsize=13)
    fig._evaluation = dict(ax_fit=ax_fit, ax_err=ax_err, mse=mse, r2=r2, animated=[])
    return fig


@checked
def weights_list_html(run: Run) -> str:
    """The list beside the weights graph: each layer's largest weights, the neurons named as the graph's
    hover texts name them ("x1 → h1.3"), one unbroken line each in a column as wide as the longest."""
    import html

    lines = neuron_maps.largest_weights(run.model, features=run.data.features)
    width = max(map(len, lines + ["largest weights (from → to)"])) + 2
    return (f"<div style='white-space: nowrap; min-width: {width}ch; font-family: monospace'>"
            "<b>largest weights</b> (from → to)<br>"
            + "<br>".join(html.escape(line) for line in lines) + "</div>")


# --- Notebook 01's helpers -----------------------------------------------------------------------

@dataclass
class Snapshots:
    """A trained model, its History, and its decision surface after every epoch (index 0: untrained)."""

    model: MLP
    history: History
    grids: list[np.ndarray]
    xx: np.ndarray
    yy: np.ndarray


@checked
def train_with_snapshots(model: MLP, s: Split, *, num_epochs: int = 30, lr: float = 0.01,
                         batch_size: int = 32, seed: int = 0, resolution: int = 80) -> Snapshots:
    """fit() with Adam, recording the decision surface P(class 1) before training and after each epoch."""
    X_all = np.concatenate([s.X_train.numpy(), s.X_val.numpy()])
    xx, yy, P = decision_grid(model, X_all, resolution)
    grids = [P]

    def snapshot(epoch, m, history):
        grids.append(decision_grid(m, X_all, resolution)[2])

    history = fit(model, s, lr=lr, batch_size=batch_size, num_epochs=num_epochs, seed=seed,
                  callback=snapshot)
    return Snapshots(model, history, grids, xx, yy)


@checked
def draw_snapshot(snaps: Snapshots, s: Split, epoch: int, axes=None):
    """Decision surface after ``epoch`` epochs (left) and the loss curves with that epoch marked (right)."""
    epoch = min(epoch, len(snaps.grids) - 1)
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    else:
        fig = axes[0].figure
    plot_surface(snaps.xx, snaps.yy, snaps.grids[epoch], s.X_train, s.y_train, axes[0], marker_size=10,
                 title=f"decision boundary after {epoch} epoch{'s' if epoch != 1 else ''}")
    plot_history(snaps.history, axes[1])
    if epoch:
        axes[1].axvline(epoch, color="gray", lw=1)
    axes[1].set_title(f"validation accuracy {snaps.history.val_metric[epoch - 1]:.2f}" if epoch
                      else "untrained")
    return fig


# --- The widget ----------------------------------------------------------------------------------

def _controls(s: Settings) -> dict[str, W.Widget]:
    """One widget per Settings field that the student sets (``seed`` and ``draw`` have buttons or none),
    sized for a column of COLUMN_PX pixels."""
    controls = _control_widgets(s)
    for name, control in controls.items():
        if isinstance(control, (W.Checkbox, FeatureBoxes)):
            continue
        width = COLUMN_PX - 4 - (96 if name == "data" else 0)  # data: the new-draw button beside it
        control.layout.width = f"{width}px"
        label = DESCRIPTION_PX + (20 if isinstance(control, W.Dropdown) else 0)
        control.style.description_width = f"{label}px"
    return controls


def _control_widgets(s: Settings) -> dict[str, W.Widget]:
    """The widgets of ``_controls``, at their own sizes."""
    wide = {"description_width": "initial"}
    fmt = lambda v: f"{v:g}"  # noqa: E731
    controls = {
        "data": W.Dropdown(options=list(toy_data.DATASETS), value=s.data, description="data"),
        "noise": W.FloatSlider(value=s.noise, min=0, max=0.5, step=0.05, description="noise",
                               continuous_update=False, readout_format=".2f", style=wide),
        "train_pct": W.IntSlider(value=s.train_pct, min=10, max=90, step=10, description="train %",
                                 continuous_update=False, style=wide),
        "class1_pct": W.IntSlider(value=s.class1_pct, min=5, max=50, step=5, description="class 1 %",
                                  continuous_update=False, style=wide),
        "features": FeatureBoxes(s.features),
        "points": W.IntSlider(value=s.points, min=100, max=1000, step=100, description="points",
                              continuous_update=False, style=wide),
        "layers": W.IntSlider(value=s.layers, min=0, max=6, description="layers",
                              continuous_update=False, style=wide),
        "neurons": W.IntSlider(value=s.neurons, min=1, max=MAX_NEURONS, description="neurons",
                               continuous_update=False, style=wide),
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
        "dropout": W.FloatSlider(value=s.dropout, min=0, max=0.5, step=0.05, description="dropout",
                                 continuous_update=False, readout_format=".2f", style=wide),
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
        "warmup_pct": W.IntSlider(value=s.warmup_pct, min=0, max=50, step=5, description="warm-up %",
                                  continuous_update=False, style=wide),
        "clip": selection_slider("clip", _with(CLIPS, s.clip), s.clip,
                                 fmt=lambda v: f"{v:g}" if v else "off", width="300px"),
        "epoch": W.IntSlider(value=s.epochs if s.epoch < 0 else s.epoch, min=0, max=s.epochs,
                             description="epoch", continuous_update=False, style=wide),
        "show_test": W.Checkbox(value=s.show_test, description="test points", indent=False,
                                layout=W.Layout(width="120px"), **tooltip("show the test points")),
        "discretize": W.Checkbox(value=s.discretize, description="discretize", indent=False,
                                 layout=W.Layout(width="120px"),
                                 **tooltip("colour the output by class (regression: by its sign)")),
        "threshold": W.FloatSlider(value=s.threshold, min=0, max=1, step=0.05, description="threshold",
                                   continuous_update=False, readout_format=".2f", style=wide),
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
    "class1_pct": "share of points in class 1 (below 50: class imbalance)",
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


class Playground(Explorer):
    """The playground widget: change a control and the network retrains (cached by setting).

    An ``Explorer`` that trains live: data, network and training controls start a run in the background
    (the base's play, pause, step and reset act on it); the epoch scrubber, test points, discretize and
    threshold controls only redraw. ``state`` is a short string restoring every control (paste it into
    the state box, or pass it here); ``run`` is the run shown.
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
        transport = self._transport()
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
                    W.VBox([transport, self.output], layout=W.Layout(flex="0 0 auto"))],
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
        self.try_outcome.value = f"<b>Measured:</b> {t.outcome}" if reveal else ""

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
        self.start_live(lambda **hooks: self._train(s, **hooks), s.epochs)

    def _train(self, s: Settings, **kwargs) -> Run:
        """``train_run`` that never raises; counted and cached."""
        try:
            run = train_run(s, **kwargs)
        except Exception as exc:  # a setting must never break the widget
            self.errors.append(f"{type(exc).__name__}: {exc}")
            run = Run(s, make_data(s), MLP(1, hidden=()), None, [0], [], [(math.nan, math.nan)],
                      message=f"could not train this setting: {type(exc).__name__}: {exc}")
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
        self.run = run
        self._loading = True
        try:
            self.controls["epoch"].max = s.epochs
            self.controls["epoch"].value = run.epochs[-1]
        finally:
            self._loading = False
        now = time.perf_counter()
        stale = self.figure is None or getattr(self.figure, "_live_run", None) is not run
        if stale or live.held or now - getattr(self.figure, "_built_at", 0.0) > LIVE_REBUILD_S:
            # a new figure: the loss so far (the training thread waits on the GIL meanwhile)
            if not self._guarded(self.output, lambda: setattr(self, "figure", _main_figure(run))):
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
            self._on_tab()
            self._show_state()
            if self.show_code.value:
                self._show_code()

    def reset(self) -> None:
        """↺: the untrained network of this setting (epoch 0), held: play or step train it."""
        s = self.settings
        self.start_live(lambda **hooks: self._train(s, **hooks), s.epochs, paused=True)

    def _use_run(self, run: Run, cached: bool = False) -> None:
        """Show ``run``: new figures, the epoch scrubber fitted to it, the status line."""
        self.run = run
        epochs = run.settings.epochs
        self._loading = True
        try:
            self.controls["epoch"].max = epochs
            self.controls["epoch"].value = run.epochs[-1]
        finally:
            self._loading = False
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
        self._on_tab()
        self._show_state()
        if self.show_code.value:
            self._show_code()
        self._sync_buttons()

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
                self.figure = self.run.figures["main"] = _main_figure(self.run)
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
            live = self.live is not None and not self.live.finished
            if self.detail_figure is None or live:
                self.detail_figure = _run_figure(run)
                if not live:
                    run.figures["detail"] = self.detail_figure
            epoch = s.epoch if not live else run.epochs[-1]
            draw_run(run, epoch, show_test=s.show_test, discretize=s.discretize, fig=self.detail_figure)
            self._show(self.detail_out, png=render_png(self.detail_figure))
            self._detail_stale = False

        self._guarded(self.detail_out, draw)

    def _redraw_evaluation(self) -> None:
        """Redraw the confusion matrix, ROC and PR point at the chosen threshold."""
        start = time.perf_counter()

        def draw() -> None:
            if self.eval_figure is None:
                self.eval_figure = self.run.figures["evaluation"] = _evaluation_figure(self.run)
            draw_evaluation(self.run, self.controls["threshold"].value, fig=self.eval_figure)
            self._show(self.eval_out, png=render_png(self.eval_figure))
            self._eval_stale = False

        self._guarded(self.eval_out, draw)
        self.timings["evaluation"] = time.perf_counter() - start

    def _redraw_graph(self) -> None:
        """The trained network as a graph (neurons as maps, weights as edges) and its largest weights."""
        def draw() -> None:
            fig = _figure(5.0)
            ax = fig.add_axes((0.02, 0.1, 0.96, 0.8))
            run = self.run
            title = (f"the network after epoch {run.epochs[-1]}: vermilion weights > 0, blue < 0"
                     if run.ok else _wrap(f"the network: {run.message}", 70))
            neuron_maps.plot_network_graph(run.model, run.maps[-1], ax, title=title)
            self.graph_out.value = neuron_maps.graph_html(render_png(fig), ax, run.model, run.data.features)
            self.graph_weights.value = weights_list_html(run)
            self._graph_stale = False

        self._guarded(self.graph_out, draw)

    def replay_finished(self) -> None:
        """▶ on a finished run: play its snapshots back."""
        self._start_replay()

    def _start_replay(self) -> None:
        """Play the snapshots back (in a kernel: in the background, so the page stays live)."""
        loop = _running_loop()
        if loop is None:
            asyncio.run(self.replay(pause=0.0))
        else:
            loop.create_task(self.replay())

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
        held = self.live is not None and not self.live.finished
        text = (f"# state: {self.state}\n# from course_lib import playground; playground.Playground(state) "
                "restores these controls;\n# these calls redo the run:\n"
                + code_for(self.settings, self.live.epoch if held else h.num_epochs if stopped else None))
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
