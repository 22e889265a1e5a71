"""One training loop for every notebook: optimizers, schedules, warm-up, accumulation, clipping,
early stopping, divergence detection, and a History of what happened."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from .checks import (
    as_float_tensor,
    as_label_tensor,
    check_callable,
    check_choice,
    check_features,
    check_same_length,
    check_targets,
    checked,
)
from .data import TASKS, Split

OPTIMIZERS = ("sgd", "momentum", "adam", "adamw")
DIVERGENCE_ADVICE = "Try a smaller learning rate, warm-up, gradient clipping or standardised targets."
SchedulerFactory = Callable[[torch.optim.Optimizer], Any]


@dataclass
class History:
    """What one call of ``fit`` recorded, per epoch and per optimizer step."""

    metric_name: str
    train_loss: list[float] = field(default_factory=list)  # per epoch, on <= train_eval_size points
    val_loss: list[float] = field(default_factory=list)  # per epoch
    train_metric: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)  # epoch number of each per-epoch record
    epoch_steps: list[int] = field(default_factory=list)  # optimizer steps done at each epoch end
    epoch_time: list[float] = field(default_factory=list)  # seconds since the start, per epoch
    step_loss: list[float] = field(default_factory=list)  # mini-batch loss of every step
    lr: list[float] = field(default_factory=list)  # learning rate used by every step
    grad_norm: list[float] = field(default_factory=list)  # global norm before clipping, per step
    clipped: list[bool] = field(default_factory=list)  # whether clipping changed that step
    layer_grad_norms: list[list[float]] = field(default_factory=list)  # per step, per layer
    layer_names: list[str] = field(default_factory=list)
    diverged: bool = False
    diverged_loss: float | None = None  # the loss that counted as diverged (NaN, inf or far too high)
    diverged_epoch: int | None = None  # the epoch (from 1) in which it was seen
    diverged_step: int | None = None  # the optimizer step (from 1) it stopped before: num_steps + 1
    message: str = ""
    stopped_early: bool = False
    best_epoch: int | None = None
    wall_time: float = 0.0

    @property
    def num_steps(self) -> int:
        """Optimizer steps taken."""
        return len(self.step_loss)

    @property
    def num_epochs(self) -> int:
        """Epochs completed (records may be fewer with ``fit(eval_every=k)``)."""
        return self.epochs[-1] if self.epochs else len(self.train_loss)

    def _mark_diverged(self, loss: float, epoch: int) -> None:
        """Mark the run diverged at ``epoch`` (from 1), before the next step, with the ``loss`` seen."""
        self.diverged, self.diverged_loss = True, loss
        self.diverged_epoch, self.diverged_step = epoch, self.num_steps + 1

    def final(self, key: str = "val_metric") -> float:
        """Last recorded value of ``key`` (nan when nothing was recorded)."""
        values = getattr(self, key)
        return values[-1] if values else math.nan

    def __repr__(self) -> str:
        if self.diverged:
            return f"History(diverged: {self.message})"
        parts = [f"{self.num_epochs} epochs", f"{self.num_steps} steps"]
        if self.train_loss:
            parts.append(f"train loss {self.train_loss[-1]:.4f}")
        if self.val_metric:
            parts.append(f"val {self.metric_name} {self.val_metric[-1]:.4f}")
        if self.stopped_early:
            parts.append(f"stopped early, best epoch {self.best_epoch}")
        return f"History({', '.join(parts)})"


@checked
def task_of(model: nn.Module, task: str | None = None) -> str:
    """The model's task: the explicit ``task`` or the model's ``task`` attribute."""
    task = task or getattr(model, "task", None)
    if task is None:
        raise ValueError(f"task must be given for a model without a .task attribute, one of {TASKS}")
    check_choice("task", task, TASKS)
    return task


@checked
def loss_function(task: str) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The loss for a task, taking raw model outputs: BCE-with-logits, cross-entropy or MSE."""
    check_choice("task", task, TASKS)
    if task == "binary":
        return lambda y_hat, y: F.binary_cross_entropy_with_logits(y_hat.squeeze(-1), y.float())
    if task == "regression":  # y of shape (n,) for one output, (n, k) for k outputs
        return lambda y_hat, y: F.mse_loss(y_hat.squeeze(-1) if y.ndim == 1 else y_hat, y)
    return F.cross_entropy


@checked
def metric_name(task: str) -> str:
    """Name of the headline metric: accuracy for classification, R² for regression."""
    check_choice("task", task, TASKS)
    return "R²" if task == "regression" else "accuracy"


@checked
def score(task: str, y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Headline metric from raw outputs: accuracy, or R² for regression."""
    check_choice("task", task, TASKS)
    y_hat = as_float_tensor("y_hat", y_hat, ndim=None)
    y = check_targets("y", y, task, 2 if task == "binary" else (y_hat.shape[-1] if y_hat.ndim == 2 else None))
    check_same_length("y_hat", y_hat, "y", y)
    if task == "regression":  # R² per output, averaged (scikit-learn's "uniform_average")
        y_hat = y_hat.squeeze(-1) if y.ndim == 1 else y_hat
        ss_res = ((y - y_hat) ** 2).sum(0)
        ss_tot = ((y - y.mean(0)) ** 2).sum(0).clamp_min(1e-12)
        return float((1 - ss_res / ss_tot).mean())
    labels = (y_hat.squeeze(-1) > 0).long() if task == "binary" else y_hat.argmax(-1)
    return float((labels == y).float().mean())


@checked
def make_optimizer(
    name: str,
    params,
    lr: float,
    *,
    weight_decay: float | None = None,
    momentum: float = 0.9,
) -> torch.optim.Optimizer:
    """A torch optimizer by name: sgd, momentum (SGD with momentum), adam, adamw.

    ``weight_decay=None`` keeps each optimizer's own default (0 for SGD and Adam, 0.01 for AdamW).
    """
    if isinstance(params, (str, bytes, dict)) or not hasattr(params, "__iter__"):
        raise TypeError(f"params must be the model's parameters (model.parameters()), got {params!r}")
    params = list(params)
    if not params:
        raise ValueError("params must hold at least one parameter to optimise, got none")
    check_choice("optimizer", name, OPTIMIZERS)
    extra = {} if weight_decay is None else {"weight_decay": weight_decay}
    params = list(params)
    if name in ("sgd", "momentum"):
        cls = torch.optim.SGD
        extra["momentum"] = momentum if name == "momentum" else 0.0
    else:
        cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
    try:  # the fused CPU kernels (torch >= 2.4) make small-model steps ~1.5x faster
        return cls(params, lr=lr, fused=True, **extra)
    except (RuntimeError, TypeError, ValueError):
        return cls(params, lr=lr, foreach=True, **extra)


def _build_scheduler(optimizer, scheduler: SchedulerFactory | None, warmup_steps: int):
    """Combine an optional linear warm-up with an optional scheduler into one torch scheduler."""
    main = scheduler(optimizer) if scheduler is not None else None
    plateau = isinstance(main, torch.optim.lr_scheduler.ReduceLROnPlateau)
    if not warmup_steps:
        return main, plateau
    if plateau:
        raise ValueError("warmup_steps cannot be combined with ReduceLROnPlateau; use one of them")
    warm = torch.optim.lr_scheduler.LinearLR(
        optimizer, start_factor=1.0 / (warmup_steps + 1), end_factor=1.0, total_iters=warmup_steps
    )
    if main is None:
        return warm, False
    return torch.optim.lr_scheduler.SequentialLR(optimizer, [warm, main], [warmup_steps]), False


def _as_arrays(data, task: str, num_classes: int | None = None) -> tuple[torch.Tensor, ...]:
    """(X_train, y_train, X_val, y_val) from a Split or a tuple; validation may be None."""
    if isinstance(data, Split):
        parts = (data.X_train, data.y_train, data.X_val, data.y_val)
    elif isinstance(data, (tuple, list)) and len(data) in (2, 4):
        parts = tuple(data) + (None, None) if len(data) == 2 else tuple(data)
    else:
        raise TypeError(
            "data must be a course_lib.data.Split or a tuple (X, y) or (X, y, X_val, y_val), "
            f"got {type(data).__name__}"
        )
    out = []
    for i in (0, 2):
        X, y = parts[i], parts[i + 1]
        if X is None:
            out += [None, None]
            continue
        name = "X" if i == 0 else "X_val"
        X = as_float_tensor(name, X)
        if len(X) == 0:
            raise ValueError(f"{name} must hold at least one example, got an empty array of shape "
                             f"{tuple(X.shape)}")
        if task == "regression":  # one target (n,) or several (n, k)
            y = as_float_tensor(name.replace("X", "y"), y, ndim=None)
            if y.ndim not in (1, 2):
                raise ValueError(f"{name.replace('X', 'y')} must have shape (n_samples,) or "
                                 f"(n_samples, n_outputs), got shape {tuple(y.shape)}")
        else:
            y = as_label_tensor(name.replace("X", "y"), y, 2 if task == "binary" else num_classes)
        check_same_length(name, X, name.replace("X", "y"), y)
        out += [X, y]
    return tuple(out)


def _num_outputs(model: nn.Module) -> int | None:
    """Outputs of the model's last Linear layer (the number of classes of a multiclass model)."""
    last = [m for m in model.modules() if isinstance(m, nn.Linear)]
    return last[-1].out_features if last else None


def _has_batchnorm(model: nn.Module) -> bool:
    """True when the model holds a batch-norm layer (torch's, or the course's hand-written one)."""
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) or type(m).__name__ == "BatchNorm"
               for m in model.modules())


@checked
def _model_device(model: nn.Module) -> torch.device:
    """The device of the model's parameters (the CPU for a model without any)."""
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


@checked
@torch.no_grad()
def evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor, task: str | None = None
             ) -> tuple[float, float]:
    """(loss, metric) of ``model`` on (X, y), in evaluation mode."""
    task = task_of(model, task)
    device = _model_device(model)
    X, y = X.to(device), y.to(device)
    was_training = model.training
    model.eval()
    y_hat = model(X)
    loss = float(loss_function(task)(y_hat, y))
    model.train(was_training)
    return loss, score(task, y_hat, y)


@checked
@torch.no_grad()
def predict_scores(model: nn.Module, X, task: str | None = None) -> torch.Tensor:
    """Probabilities: P(y=1) of shape (n,) for binary, (n, C) for multiclass; values for regression."""
    task = task_of(model, task)
    X = X.to(_model_device(model))
    was_training = model.training
    model.eval()
    y_hat = model(X).cpu()
    model.train(was_training)
    if task == "binary":
        return torch.sigmoid(y_hat.squeeze(-1))
    if task == "multiclass":
        return torch.softmax(y_hat, dim=-1)
    return y_hat.squeeze(-1)


@checked
def predict(model: nn.Module, X, task: str | None = None) -> torch.Tensor:
    """Class labels (threshold 0.5 / argmax) or regression values."""
    task = task_of(model, task)
    s = predict_scores(model, X, task)
    if task == "binary":
        return (s >= 0.5).long()
    return s.argmax(-1) if task == "multiclass" else s


def _check_fit_options(X_val, num_epochs, num_steps, patience, scheduler, scheduler_interval) -> int | None:
    """Raise on options that contradict each other; return num_epochs (10 when neither length is given)."""
    check_choice("scheduler_interval", scheduler_interval, ("step", "epoch"))
    if scheduler is not None:
        check_callable("scheduler", scheduler, "a function optimizer -> LR scheduler", num_args=1)
    if patience is not None and X_val is None:
        raise ValueError("patience needs validation data: pass a Split or (X, y, X_val, y_val)")
    if num_epochs is not None and num_steps is not None:
        raise ValueError("give num_epochs or num_steps, not both")
    return 10 if num_epochs is None and num_steps is None else num_epochs


def _check_eval_every(eval_every: int, every_epoch: bool) -> None:
    """Raise when epochs are skipped but something acts on every epoch's loss."""
    if eval_every > 1 and every_epoch:
        raise ValueError("eval_every must be 1 with patience, ReduceLROnPlateau, a per-epoch scheduler "
                         f"or a callback (they act on every epoch's loss), got {eval_every}")


def _trainable(model: nn.Module) -> list[nn.Parameter]:
    """The parameters that train (frozen layers stay frozen); raise when there are none."""
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters (every requires_grad is False)")
    return params


def _eval_rows(X: torch.Tensor, y: torch.Tensor, train_eval_size: int, seed: int) -> tuple[torch.Tensor, ...]:
    """The training points measured at each epoch end: all, or a fixed random subset of train_eval_size."""
    if len(X) <= train_eval_size:
        return X, y
    rows = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed + 1))[:train_eval_size]
    rows = rows.to(X.device)
    return X[rows], y[rows]


def _num_micro(model: nn.Module, n: int, batch_size: int) -> int:
    """Mini-batches per epoch; a last mini-batch of one joins the one before it under BatchNorm."""
    n_micro = math.ceil(n / batch_size)
    if _has_batchnorm(model) and n % batch_size == 1:
        # BatchNorm cannot normalise a mini-batch of one example in training mode: the last
        # mini-batch of one is merged into the one before it (nothing is dropped).
        if n_micro == 1:
            raise ValueError(f"X must hold at least 2 examples to train a model with BatchNorm "
                             f"(batch statistics need 2), got {n}; batch_size must be >= 2, got "
                             f"{batch_size}")
        n_micro -= 1
    return n_micro


@dataclass
class _Loop:
    """What the loop carries between steps: the history, the first loss, the best weights so far."""

    history: History
    params: list[nn.Parameter]
    layers: list[tuple[str, torch.Tensor]]  # (name, weight) of every Linear layer
    clip_grad_norm: float | None
    record_grad_norms: bool
    divergence_factor: float
    patience: int | None
    first_loss: float | None = None
    best_loss: float = math.inf
    best_state: dict | None = None
    bad_epochs: int = 0

    def __post_init__(self) -> None:
        self.max_norm = math.inf if self.clip_grad_norm is None else self.clip_grad_norm
        self.track_norm = self.record_grad_norms or self.clip_grad_norm is not None
        if self.record_grad_norms:
            self.history.layer_names = [n for n, _ in self.layers]

    def diverged(self, value: float, epoch: int) -> bool:
        """True (and say so in the history) when the loss is NaN/inf or far above its first value."""
        if self.first_loss is None:
            self.first_loss = abs(value) + 1e-12
        if math.isfinite(value) and abs(value) <= self.divergence_factor * self.first_loss:
            return False
        h = self.history
        h._mark_diverged(value, epoch + 1)
        h.message = (f"training diverged at step {h.diverged_step} (epoch {h.diverged_epoch}): "
                     f"the loss became {value:.3g}. {DIVERGENCE_ADVICE}")
        return True

    def step(self, opt: torch.optim.Optimizer, loss: float) -> None:
        """One optimizer step: log (and clip) the gradient norm, record the lr and the loss."""
        h = self.history
        if self.track_norm:
            if self.record_grad_norms:
                h.layer_grad_norms.append([float(w.grad.norm()) if w.grad is not None else 0.0
                                           for _, w in self.layers])
            norm = float(torch.nn.utils.clip_grad_norm_(self.params, self.max_norm, foreach=True))
            h.grad_norm.append(norm)
            h.clipped.append(norm > self.max_norm)
        h.lr.append(opt.param_groups[0]["lr"])
        opt.step()
        opt.zero_grad(set_to_none=True)
        h.step_loss.append(loss)

    def record(self, model: nn.Module, task: str, train: tuple, val: tuple, epoch: int,
               start: float) -> float:
        """Measure and record the epoch's training (and validation) loss and metric; return the train loss."""
        h = self.history
        train_loss, train_metric = evaluate(model, *train, task)
        h.train_loss.append(train_loss)
        h.train_metric.append(train_metric)
        if val[0] is not None:
            val_loss, val_metric = evaluate(model, *val, task)
            h.val_loss.append(val_loss)
            h.val_metric.append(val_metric)
        h.epochs.append(epoch + 1)
        h.epoch_steps.append(h.num_steps)
        h.epoch_time.append(time.perf_counter() - start)
        if not math.isfinite(train_loss):
            h._mark_diverged(train_loss, epoch + 1)
            h.message = f"training diverged in epoch {epoch + 1}: the loss became {train_loss}"
        return train_loss

    def stop_early(self, model: nn.Module, epoch: int) -> bool:
        """Keep the best weights; True after ``patience`` epochs without a better validation loss."""
        if self.patience is None:
            return False
        if self.history.val_loss[-1] < self.best_loss:
            self.best_loss, self.bad_epochs = self.history.val_loss[-1], 0
            self.history.best_epoch = epoch + 1
            self.best_state = copy.deepcopy(model.state_dict())
            return False
        self.bad_epochs += 1
        self.history.stopped_early = self.bad_epochs >= self.patience
        return self.history.stopped_early


def _schedule_epoch(sched, plateau: bool, scheduler_interval: str, history: History,
                    train_loss: float) -> None:
    """Step an epoch-wise scheduler: ReduceLROnPlateau with the validation (else training) loss."""
    if sched is not None and plateau:
        sched.step(history.val_loss[-1] if history.val_loss else train_loss)
    elif sched is not None and scheduler_interval == "epoch":
        sched.step()


@checked(data=None)  # a Split or a tuple: checked by _as_arrays
def fit(model: nn.Module, data: Split | tuple, *, task: str | None = None, optimizer: str = "adam",
        lr: float = 1e-3, batch_size: int = 32, num_epochs: int | None = None, num_steps: int | None = None,
        weight_decay: float | None = None, momentum: float = 0.9, scheduler: SchedulerFactory | None = None,
        scheduler_interval: str = "step", warmup_steps: int = 0, accumulation_steps: int = 1,
        clip_grad_norm: float | None = None, patience: int | None = None, record_grad_norms: bool = False,
        divergence_factor: float = 1e4, train_eval_size: int = 2048, eval_every: int = 1, seed: int = 0,
        progress: bool = False, callback: Callable[[int, nn.Module, History], None] | None = None,
        ) -> History:
    """Train ``model`` on ``data`` and return its History; never raises on divergence.

    Give ``num_epochs`` or ``num_steps`` (optimizer steps); default 10 epochs. ``scheduler`` is a
    function from the optimizer to any torch.optim.lr_scheduler object, stepped every optimizer
    step (``scheduler_interval="step"``) or every epoch; ReduceLROnPlateau is stepped every epoch
    with the validation loss. ``warmup_steps`` adds a linear warm-up in front of it.
    ``accumulation_steps=N`` sums the gradients of N mini-batches (each loss divided by N) before
    one optimizer step. ``clip_grad_norm`` caps the global gradient norm. ``patience`` stops after
    that many epochs without a better validation loss and restores the best weights. Training
    stops and says so in ``History.message`` when the loss becomes NaN/inf or grows
    ``divergence_factor`` times above its first value. The training loss and metric recorded at
    each epoch end are measured in evaluation mode on the whole training set, or on a fixed random
    subset of ``train_eval_size`` points when it is larger (so big sets do not pay a full pass).
    ``eval_every=k`` measures them only every k-th epoch and after the last one (full-batch training
    of a tiny model has one step per epoch, and the measurement would cost as much as the step).
    A model with BatchNorm never trains on a mini-batch of one example (its batch statistics would
    be undefined): when the training set leaves a last mini-batch of one, that example joins the
    mini-batch before it. Empty training or validation data is refused before training starts.
    """
    task = task_of(model, task)
    device = _model_device(model)
    X, y, X_val, y_val = (None if T is None else T.to(device)
                          for T in _as_arrays(data, task, _num_outputs(model)))
    check_features("X", X, model)
    num_epochs = _check_fit_options(X_val, num_epochs, num_steps, patience, scheduler, scheduler_interval)
    params = _trainable(model)
    opt = make_optimizer(optimizer, params, lr, weight_decay=weight_decay, momentum=momentum)
    sched, plateau = _build_scheduler(opt, scheduler, warmup_steps)
    _check_eval_every(eval_every, patience is not None or plateau or callback is not None
                      or (sched is not None and scheduler_interval == "epoch"))
    criterion = loss_function(task)
    history = History(metric_name=metric_name(task))
    layers = [(n, m.weight) for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    loop = _Loop(history, params, layers, clip_grad_norm, record_grad_norms, divergence_factor, patience)
    generator = torch.Generator().manual_seed(seed)
    train_rows = _eval_rows(X, y, train_eval_size, seed)
    y = y.float() if task == "binary" else y  # the loss wants float targets: convert once, not every step
    n, n_micro = len(X), _num_micro(model, len(X), batch_size)
    max_epochs = num_epochs or math.ceil(num_steps / math.ceil(n_micro / accumulation_steps))
    start = time.perf_counter()
    model.train()
    opt.zero_grad(set_to_none=True)
    for epoch in tqdm(range(max_epochs), disable=not progress, desc="epochs", leave=False):
        perm = torch.randperm(n, generator=generator).to(device)
        X_epoch, y_epoch = X[perm], y[perm]  # one gather per epoch, then cheap slices
        group_loss = 0.0
        for i in range(n_micro):
            rows = slice(i * batch_size, n if i == n_micro - 1 else (i + 1) * batch_size)
            loss = criterion(model(X_epoch[rows]), y_epoch[rows])
            value = loss.item()
            if loop.diverged(value, epoch):
                break
            pos = i % accumulation_steps
            group_len = min(accumulation_steps, n_micro - (i - pos))  # the last group may be shorter
            (loss / group_len if group_len > 1 else loss).backward()
            group_loss += value / group_len
            if pos == group_len - 1:  # the group's last mini-batch: one optimizer step
                loop.step(opt, group_loss)
                group_loss = 0.0
                if sched is not None and not plateau and scheduler_interval == "step":
                    sched.step()
                if num_steps is not None and history.num_steps >= num_steps:
                    break
        if history.diverged:
            break
        done = num_steps is not None and history.num_steps >= num_steps
        if eval_every > 1 and (epoch + 1) % eval_every and not (done or epoch == max_epochs - 1):
            continue  # measure only every eval_every-th epoch and after the last one
        train_loss = loop.record(model, task, train_rows, (X_val, y_val), epoch, start)
        if history.diverged:
            break
        _schedule_epoch(sched, plateau, scheduler_interval, history, train_loss)
        if callback is not None:
            callback(epoch, model, history)
        if loop.stop_early(model, epoch) or done:
            break
    if loop.best_state is not None and history.stopped_early:
        model.load_state_dict(loop.best_state)
    history.wall_time = time.perf_counter() - start
    return history
