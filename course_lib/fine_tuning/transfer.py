"""Transfer learning on a CPU budget: a backbone pretrained on digits images, target tasks that span
the transfer spectrum, and five ways to adapt (from scratch, linear probe, full fine-tuning, LoRA,
LP-FT) compared fairly: same target images, same new zero-initialised head, same number of
full-batch Adam steps, and each method's own learning rate chosen on validation images.

Source task: 900 of scikit-learn's 8x8 digits images (all 10 classes), learnt by a 64->64->64 tanh
MLP (data/digits_backbone.pt, made by data/scripts/pretrain.py). Targets: the *other* 897 images, seen
through a change of style: the same style, inverted contrast (1 - x), rotated by 90 degrees, or
with Gaussian noise. A few labelled images per class train; 200 validate (to choose the learning
rate); the rest test.

The runs of all seeds train together (their parameters stacked, one batched forward pass), which
gives exactly the result of training each seed alone, several times faster on a CPU.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, stack_module_state, vmap
from torch.nn import functional as F

from ..checkpoints import data_path, load_checkpoint
from ..checks import check_choice, check_kind, check_positive, check_type, checked
from ..data import load_tabular
from ..models import MLP, count_parameters
from ..training import fit
from .lora import LoRALinear, add_lora

METHODS = ("scratch", "linear probe", "full fine-tune", "LoRA", "LP-FT")
TARGETS = ("same style", "inverted", "rotated 90°", "noisy")
SEEDS = tuple(range(8))  # one set of seeds for every experiment of notebook 05
NUM_CLASSES = 10
SOURCE_SIZE = 900
HIDDEN = (64, 64)
SHOTS = 3
VAL_SIZE = 200
NUM_STEPS = 200
NOISE_STD = 0.3
LR_GRID = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)
LP_LR = 1e-2  # LP-FT's probe phase (the probe is insensitive to its lr); the fine-tune phase is tuned
LORA_RANK = 4
LORA_ALPHA = 4.0
LORA_TARGETS = ("block1.linear", "block2.linear")  # both 64->64 hidden layers
PRETRAIN = {"lr": 3e-3, "batch_size": 64, "num_epochs": 20}
PRETRAINED_FILE = "digits_backbone.pt"
LRS_FILE = "transfer_lrs.json"
# One colour, line style and marker per method, in every figure of the notebook (Okabe-Ito order).
METHOD_STYLE = {"scratch": {"color": "#000000", "ls": "-", "marker": "s"},
                "linear probe": {"color": "#0072B2", "ls": "--", "marker": "o"},
                "full fine-tune": {"color": "#D55E00", "ls": "-.", "marker": "^"},
                "LoRA": {"color": "#009E73", "ls": ":", "marker": "D"},
                "LP-FT": {"color": "#CC79A7", "ls": (0, (5, 1, 1, 1)), "marker": "v"}}


@dataclass
class Task:
    """Training, validation and test tensors of one target task (one seed's draw of the images)."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    name: str = ""

    def __repr__(self) -> str:
        return (f"Task({self.name}: train={len(self.X_train)}, val={len(self.X_val)}, "
                f"test={len(self.X_test)})")


# --- Data: the source images and the target tasks -------------------------------------------------

def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_source, y_source, X_pool, y_pool): digits scaled to [0, 1], split once (seed 0)."""
    X, y = load_tabular("digits")
    order = np.random.default_rng(0).permutation(len(y))
    source, pool = order[:SOURCE_SIZE], order[SOURCE_SIZE:]
    X = (X / 16.0).astype(np.float32)
    return X[source], y[source], X[pool], y[pool]


@checked
def source_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The 900 source images (X: (900, 64) in [0, 1]) and their labels."""
    X, y, _, _ = _digits()
    return torch.from_numpy(X), torch.from_numpy(y)


@checked
def restyle(X: np.ndarray, target: str, seed: int = 0) -> np.ndarray:
    """Images ``X`` (n, 64) seen in the style of ``target``: as they are, 1 - x, rotated 90°, or noisy."""
    check_choice("target", target, TARGETS)
    if target == "same style":
        return X
    if target == "inverted":
        return 1.0 - X
    if target == "rotated 90°":
        return np.ascontiguousarray(np.rot90(X.reshape(-1, 8, 8), 1, axes=(1, 2)).reshape(-1, 64))
    noise = np.random.default_rng(30_000 + seed).standard_normal(X.shape).astype(np.float32)
    return X + NOISE_STD * noise


@checked
def target_task(target: str, shots: int = SHOTS, seed: int = 0, val_size: int = VAL_SIZE) -> Task:
    """``shots`` labelled images per class of the target pool to train on, ``val_size`` to validate
    on, the rest to test on; the images are drawn by ``seed`` and restyled for ``target``."""
    check_choice("target", target, TARGETS)
    _, _, X, y = _digits()
    rng = np.random.default_rng(20_000 + seed)
    train = np.concatenate([rng.choice(np.flatnonzero(y == c), shots, replace=False)
                            for c in range(NUM_CLASSES)])
    rest = rng.permutation(np.setdiff1d(np.arange(len(y)), train))
    val, test = rest[:val_size], rest[val_size:]
    X = restyle(X, target, seed)

    def T(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(a))

    return Task(T(X[train]), T(y[train]), T(X[val]), T(y[val]), T(X[test]), T(y[test]), name=target)


@checked
def target_tasks(targets: Sequence[str] = TARGETS, shots: int = SHOTS, seeds: Sequence[int] = SEEDS
                 ) -> dict[str, list[Task]]:
    """tasks[target] = one Task per seed."""
    check_kind("targets", targets, "names")
    for t in targets:
        check_choice("targets", t, TARGETS)
    return {t: [target_task(t, shots, s) for s in seeds] for t in targets}


# --- The backbone -----------------------------------------------------------------------------------

@checked
def backbone(seed: int = 0) -> MLP:
    """The 64->64->64 tanh digits classifier (untrained)."""
    return MLP(64, NUM_CLASSES, hidden=HIDDEN, activation="tanh", task="multiclass", seed=seed)


@checked
def pretrain(seed: int = 0) -> tuple[MLP, dict]:
    """(model, cost): a backbone trained on the source images (minibatch Adam, PRETRAIN), and what it
    cost: optimizer steps, images processed (one forward and backward pass each), seconds."""
    model = backbone(seed)
    history = fit(model, source_data(), seed=seed, **PRETRAIN)
    return model, {"steps": history.num_steps, "images": PRETRAIN["num_epochs"] * SOURCE_SIZE,
                   "seconds": history.wall_time}


@checked
def load_pretrained() -> tuple[MLP, dict]:
    """(model, meta): the pretrained digits backbone shipped in data/ (data/scripts/pretrain.py made it)."""
    return load_checkpoint(data_path(PRETRAINED_FILE))


@checked
@torch.no_grad()
def source_loss(model: nn.Module) -> float:
    """Cross-entropy of a pretrained backbone on the source images it was trained on."""
    X, y = source_data()
    return float(F.cross_entropy(model.eval()(X), y))


@checked
@torch.no_grad()
def error(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Test error, 1 - accuracy."""
    return float((model.eval()(X).argmax(-1) != y).float().mean())


# --- The five ways to adapt -------------------------------------------------------------------------

@checked
def adapt(method: str, pretrained: MLP, *, rank: int = LORA_RANK, alpha: float = LORA_ALPHA,
          use_rslora: bool = False, seed: int = 0) -> MLP:
    """A model ready to train on a target, for one of METHODS; ``pretrained`` is left untouched.

    Every method gets a new zero-initialised head. scratch: a fresh network of the same
    architecture (random init drawn by ``seed``), all trainable. linear probe and LP-FT (its first
    phase): the pretrained body frozen. full fine-tune: everything trainable. LoRA: the body frozen,
    with a rank-``rank`` adapter on each hidden layer (LORA_TARGETS).
    """
    check_choice("method", method, METHODS)
    if not isinstance(pretrained, MLP):
        raise TypeError(f"pretrained must be a course_lib.models.MLP, got {type(pretrained).__name__}")
    if method == "scratch":
        model = MLP(**{**pretrained.config, "seed": 100 + seed})
    else:
        model = copy.deepcopy(pretrained)
    model.head = nn.Linear(model.head.in_features, model.head.out_features)
    nn.init.zeros_(model.head.weight)
    nn.init.zeros_(model.head.bias)
    if method in ("linear probe", "LP-FT"):
        model.body.requires_grad_(False)
    elif method == "LoRA":
        add_lora(model.body, rank, alpha, targets=LORA_TARGETS, seed=seed, use_rslora=use_rslora)
    return model


def _stacked_forward(template: nn.Module, params: dict[str, torch.Tensor]):
    """forward(X) for stacked copies of an MLP (X: (models, n, in)): batched matrix products, layer
    by layer, with each LoRALinear's low-rank path; None if ``template`` holds other layer kinds."""
    layers = []
    for name, module in template.named_modules():
        if isinstance(module, LoRALinear):
            layers.append(("lora", name, module.scaling))
        elif isinstance(module, nn.Linear):
            if not name.endswith(".base"):  # a LoRALinear's frozen base is part of its entry
                layers.append(("linear", name, None))
        elif isinstance(module, nn.Tanh | nn.ReLU):
            layers.append(("act", name, module))
        elif not isinstance(module, MLP | nn.Sequential) and list(module.children()) == []:
            return None  # e.g. BatchNorm, Dropout: leave it to vmap

    def forward(X: torch.Tensor) -> torch.Tensor:
        h = X
        for kind, name, extra in layers:
            if kind == "act":
                h = extra(h)
                continue
            prefix = f"{name}.base." if kind == "lora" else f"{name}."
            out = torch.baddbmm(params[prefix + "bias"].unsqueeze(1), h, params[prefix + "weight"].mT)
            if kind == "lora":
                out = out + extra * (h @ params[f"{name}.A"].mT) @ params[f"{name}.B"].mT
            h = out
        return h

    return forward


@checked(eval_every="int+")
def train_together(models: Sequence[nn.Module], tasks: Sequence[Task], lr: float, num_steps: int, *,
                   eval_every: int | None = None) -> np.ndarray | None:
    """Train each model on its task's training images (full-batch Adam, ``num_steps`` steps), all at
    once: the models' parameters are stacked and run through one batched forward pass; each model's
    gradient and Adam update are exactly those of training it alone. With ``eval_every``: the
    validation errors along the way, shape (num_steps // eval_every + 1, len(models)), step 0 first."""
    if len(models) != len(tasks) or not models:
        raise ValueError(f"models and tasks must be non-empty and of one length, got {len(models)} "
                         f"and {len(tasks)}")
    params, buffers = stack_module_state(list(models))
    trainable = [k for k, p in models[0].named_parameters() if p.requires_grad]
    for k, p in params.items():
        p.requires_grad_(k in trainable)
    forward = _stacked_forward(models[0], params)
    if forward is None:
        template = copy.deepcopy(models[0]).to("meta")

        def forward(X: torch.Tensor) -> torch.Tensor:
            return vmap(lambda p, b, x: functional_call(template, (p, b), (x,)))(params, buffers, X)

    X, y = torch.stack([t.X_train for t in tasks]), torch.stack([t.y_train for t in tasks])
    X_val, y_val = torch.stack([t.X_val for t in tasks]), torch.stack([t.y_val for t in tasks])
    optimizer = torch.optim.Adam([params[k] for k in trainable], lr=lr)
    curve = []

    def evaluate():
        with torch.no_grad():
            curve.append((forward(X_val).argmax(-1) != y_val).float().mean(1).numpy())

    for step in range(num_steps):
        if eval_every and step % eval_every == 0:
            evaluate()
        optimizer.zero_grad()
        # The sum over models of each model's mean loss: model s gets exactly its own gradient.
        F.cross_entropy(forward(X).flatten(0, 1), y.flatten(), reduction="sum").div(y.shape[1]).backward()
        optimizer.step()
    if eval_every:
        evaluate()
    with torch.no_grad():
        for s, model in enumerate(models):
            for name, p in model.named_parameters():
                p.copy_(params[name][s])
    return np.array(curve) if eval_every else None


@dataclass
class Result:
    """One adaptation run: the method, its lr, test and validation errors, trainable parameters."""

    method: str
    lr: float
    error: float
    val_error: float
    trainable: int
    model: nn.Module = field(repr=False)


@checked
def run(method: str, pretrained: MLP, tasks: Sequence[Task], lr: float, *, num_steps: int = NUM_STEPS,
        seeds: Sequence[int] | None = None, **lora) -> list[Result]:
    """Adapt ``pretrained`` to each task (one per seed) with ``method`` and measure the errors.

    LP-FT (Kumar et al. 2022) spends the first half of the steps as a linear probe (lr LP_LR) and
    the second half fine-tuning everything at ``lr``; the other methods train ``num_steps`` at ``lr``.
    """
    seeds = list(range(len(tasks))) if seeds is None else list(seeds)
    models = [adapt(method, pretrained, seed=s, **lora) for s in seeds]
    if method == "LP-FT":
        train_together(models, tasks, LP_LR, num_steps // 2)
        for model in models:
            model.requires_grad_(True)
        train_together(models, tasks, lr, num_steps - num_steps // 2)
    else:
        train_together(models, tasks, lr, num_steps)
    return [Result(method, lr, error(m, t.X_test, t.y_test), error(m, t.X_val, t.y_val),
                   count_parameters(m), m) for m, t in zip(models, tasks, strict=True)]


@checked(grid="floats+")
def tune_lrs(pretrained: MLP, tasks: dict[str, Sequence[Task]], methods: Sequence[str] = METHODS,
             grid: Sequence[float] = LR_GRID, **kwargs) -> dict[str, dict[str, dict[float, float]]]:
    """val[target][method][lr]: median validation error over seeds, for every lr of ``grid``."""
    check_kind("methods", methods, "names")
    for m in methods:
        check_choice("methods", m, METHODS)
    return {name: {m: {lr: float(np.median([r.val_error for r in run(m, pretrained, ts, lr, **kwargs)]))
                       for lr in grid} for m in methods} for name, ts in tasks.items()}


@checked
def best_lrs(val: dict[str, dict[str, dict[float, float]]]) -> dict[str, dict[str, float]]:
    """lr[target][method]: the lr of lowest median validation error (the smaller lr on a tie)."""
    return {name: {m: min(sorted(by_lr), key=lambda lr: by_lr[lr]) for m, by_lr in by_method.items()}
            for name, by_method in val.items()}


@checked
def load_lrs() -> dict:
    """The shipped learning-rate search (data/scripts/tune_transfer.py): {"grid", "val", "lr", ...}."""
    import json

    payload = json.loads(data_path(LRS_FILE).read_text())
    payload["val"] = {t: {m: {float(lr): v for lr, v in by_lr.items()} for m, by_lr in by_m.items()}
                      for t, by_m in payload["val"].items()}
    return payload


@checked
def compare(pretrained: MLP, tasks: dict[str, Sequence[Task]], lrs: dict[str, dict[str, float]],
            methods: Sequence[str] = METHODS, **kwargs) -> dict[str, dict[str, list[Result]]]:
    """results[target][method] = one Result per seed, each method at its own lr ``lrs[target][method]``."""
    check_kind("methods", methods, "names")
    for m in methods:
        check_choice("methods", m, METHODS)
    check_type("tasks", tasks, dict, "a dict {target: list of Task}")
    return {name: {m: run(m, pretrained, ts, lrs[name][m], **kwargs) for m in methods}
            for name, ts in tasks.items()}


@checked
def errors(results: Sequence[Result]) -> np.ndarray:
    """The test errors of one method's runs, one per seed."""
    return np.array([r.error for r in results])


@checked
def median_error(results: Sequence[Result]) -> float:
    """Median test error over seeds."""
    return float(np.median(errors(results)))


@checked
def _error_quartiles(results: Sequence[Result]) -> tuple[float, float, float]:
    """(25th percentile, median, 75th percentile) of the test errors over seeds."""
    q1, q2, q3 = np.percentile(errors(results), [25, 50, 75])
    return float(q1), float(q2), float(q3)


@checked
def wins(results: Sequence[Result], baseline: Sequence[Result]) -> int:
    """On how many seeds ``results`` has a lower test error than ``baseline`` (paired by seed)."""
    if len(results) != len(baseline):
        raise ValueError(f"results and baseline must have one Result per seed each, got {len(results)} "
                         f"and {len(baseline)}")
    return int(sum(r.error < b.error for r, b in zip(results, baseline, strict=True)))


@checked
def table(results: dict[str, dict[str, list[Result]]]) -> str:
    """The headline as text: median test error [25th-75th percentile] per target and method."""
    methods = list(next(iter(results.values())))
    lines = [f"{'target':13s}" + "".join(f"{m:>20s}" for m in methods)]
    for name, by_method in results.items():
        cells = ["{1:.3f} [{0:.2f}-{2:.2f}]".format(*_error_quartiles(by_method[m])) for m in methods]
        lines.append(f"{name:13s}" + "".join(f"{c:>20s}" for c in cells))
    return "\n".join(lines)



@checked
def wins_table(results: dict[str, dict[str, list[Result]]]) -> str:
    """Per target and method: on how many seeds it beats scratch | beats the linear probe."""
    methods = [m for m in next(iter(results.values())) if m != "scratch"]
    n = len(next(iter(results.values()))["scratch"])
    lines = [f"seeds (of {n}) on which a method beats scratch | beats the linear probe",
             f"{'target':13s}" + "".join(f"{m:>16s}" for m in methods)]
    for name, by_method in results.items():
        cells = [f"{wins(by_method[m], by_method['scratch'])} | "
                 + ("-" if m == "linear probe" else str(wins(by_method[m], by_method["linear probe"])))
                 for m in methods]
        lines.append(f"{name:13s}" + "".join(f"{c:>16s}" for c in cells))
    return "\n".join(lines)

# --- Compute: steps to a target error, and when pretraining pays for itself -------------------------

@checked(eval_every="int+", target_error="unit", lr_grid="floats+")
def steps_to_target(pretrained: MLP, tasks: Sequence[Task], target_error: float, *,
                    methods: Sequence[str] = ("scratch", "full fine-tune"),
                    lr_grid: Sequence[float] = (1e-3, 3e-3, 1e-2, 3e-2), num_steps: int = 100,
                    eval_every: int = 1) -> dict[str, dict]:
    """Per method, at the lr of ``lr_grid`` that gets there fastest (lowest median step): the
    validation-error curves (steps x seeds), the first step each seed reaches ``target_error``
    (inf if never), the lr, and the seconds per step of that run."""
    check_kind("methods", methods, "names")
    for m in methods:
        check_choice("methods", m, METHODS)
    check_positive("target_error", target_error)
    out = {}
    for m in methods:
        runs = []
        for lr in lr_grid:
            models = [adapt(m, pretrained, seed=s) for s in range(len(tasks))]
            start = time.perf_counter()
            curve = train_together(models, tasks, lr, num_steps, eval_every=eval_every)
            seconds = time.perf_counter() - start
            reached = curve <= target_error
            first = np.where(reached.any(0), reached.argmax(0) * eval_every, np.inf)
            runs.append({"curve": curve, "steps": first, "seconds_per_step": seconds / num_steps,
                         "eval_every": eval_every, "lr": lr})
        out[m] = min(runs, key=lambda r: (np.median(r["steps"]), r["lr"]))
    return out


@checked(pretrain_images="int+", steps_scratch="float+", steps_pretrained="float+", train_size="int+")
def amortisation(pretrain_images: int, steps_scratch: float, steps_pretrained: float, train_size: int
                 ) -> float:
    """How many fine-tunes repay pretraining, counting images processed (a forward and backward pass
    each): pretraining's images / (images saved per fine-tune, full-batch steps x train_size)."""
    saved = (steps_scratch - steps_pretrained) * train_size
    return math.inf if saved <= 0 else pretrain_images / saved


# --- Sample efficiency and the LoRA rank -------------------------------------------------------------

@checked
def sample_efficiency(pretrained: MLP, target: str, shots: Sequence[int], lrs: dict[str, float], *,
                      methods: Sequence[str] = ("scratch", "linear probe", "full fine-tune"),
                      seeds: Sequence[int] = SEEDS, **kwargs) -> dict[str, np.ndarray]:
    """errors[method] of shape (len(shots), len(seeds)): test error against labelled images per class."""
    check_kind("methods", methods, "names")
    for m in methods:
        check_choice("methods", m, METHODS)
    if not shots or not seeds:
        raise ValueError("shots and seeds must not be empty")
    out = {m: np.zeros((len(shots), len(seeds))) for m in methods}
    for i, k in enumerate(shots):
        tasks = [target_task(target, k, s) for s in seeds]
        for m in methods:
            out[m][i] = errors(run(m, pretrained, tasks, lrs[m], seeds=seeds, **kwargs))
    return out


@checked
def rank_sweep(pretrained: MLP, tasks: Sequence[Task], ranks: Sequence[int], lr: float, *,
               alpha: float = LORA_ALPHA, **kwargs) -> dict[tuple[int, bool], list[Result]]:
    """results[(rank, use_rslora)] for every rank, with ``alpha`` fixed, under both scalings."""
    return {(r, rs): run("LoRA", pretrained, tasks, lr, rank=r, alpha=alpha, use_rslora=rs, **kwargs)
            for rs in (False, True) for r in ranks}
