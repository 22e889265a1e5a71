"""A playground run: one setting trained with ``training.fit``, with a snapshot of the network per epoch.

``train_run(settings)`` keeps the output surface and every neuron's map at up to MAX_SNAPSHOTS epochs,
so scrubbing epochs never retrains; ``code_for`` writes the course_lib calls that redo a run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..checks import checked
from ..models import MLP
from ..training import DIVERGENCE_ADVICE, History, evaluate, fit, predict_scores
from ..training_tricks.batch_size import steps_per_epoch as steps_of  # (points, batch size)
from ..training_tricks.schedules import make_scheduler
from . import neuron_maps, penalties, toy_data
from .settings import Settings

MAX_SNAPSHOTS = 80
RESOLUTION = 50  # output surface; neuron maps at half of it

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
    return steps_of(len(make_data(s).X_train), s.batch_size)



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
                task="regression" if s.regression else "binary", batch_norm=s.batch_norm,
                residual=s.residual, dropout=s.dropout, init=s.init, seed=s.seed)
    if s.regularization in penalties.PENALTIES:
        penalties.add_penalty(model, s.regularization, s.rate)
    return model


@checked
def fit_options(s: Settings, n_train: int) -> dict:
    """The keyword arguments of ``training.fit`` for a setting."""
    total = s.epochs * steps_of(n_train, s.batch_size)
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
def untrained_run(s: Settings, message: str = "") -> Run:
    """The Run of ``s`` at epoch 0: its data, its untrained network, that network's maps and losses."""
    data, model = make_data(s), make_model(s)
    X_train, y_train, X_test, y_test = data.fit_data
    losses = (evaluate(model, X_train, y_train, data.task)[0], evaluate(model, X_test, y_test, data.task)[0])
    maps = neuron_maps.network_maps(model, RESOLUTION, features=data.features)
    return Run(s, data, model, None, epochs=[0], maps=[maps], losses=[losses], message=message)


@checked
def train_run(s: Settings, *, progress: bool = False, should_stop: Callable[[], bool] | None = None,
              on_epoch: Callable[[int], None] | None = None,
              on_snapshot: Callable[[int, neuron_maps.NetworkMaps], None] | None = None,
              on_start: Callable[[Run], None] | None = None) -> Run:
    """Train setting ``s`` with ``training.fit``, snapshotting the network on up to MAX_SNAPSHOTS epochs.

    Never raises for a setting: a diverged, stopped or failed run comes back with its ``message``.
    ``on_snapshot(epoch, maps)`` is called with every snapshot as it is taken (for live pictures);
    ``on_start(run)`` gets the Run as soon as it exists (it grows while it trains).
    """
    start = time.perf_counter()
    run = untrained_run(s)
    data, model = run.data, run.model
    every = math.ceil(s.epochs / MAX_SNAPSHOTS)
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
            if history.diverged:  # the playground's targets are already on a unit scale
                run.message = history.message.replace(
                    DIVERGENCE_ADVICE, "Try a smaller learning rate, warm-up or gradient clipping.")
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
    scores = predict_scores(model, data.fit_data[2], data.task).numpy()  # P(class 1), or predicted values
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
        + ("" if s.regression else f"positive_fraction={s.class1_pct / 100:g}, ")
        + f"features={tuple(s.features.split(','))!r}, seed={s.draw})",
        f"model = models.MLP(len(data.features), hidden={s.hidden!r}, "
        f"activation={s.activation!r}, batch_norm={s.batch_norm},",
        f"                   residual={s.residual}, dropout={s.dropout:g}, init={s.init!r}, "
        + ("task='regression', " if s.regression else "") + f"seed={s.seed})",
    ]
    if s.regularization in penalties.PENALTIES:
        lines.append(f"penalties.add_penalty(model, {s.regularization!r}, {s.rate:g})")
    total = s.epochs * steps_of(n_train, s.batch_size)
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
