"""Transfer learning on a CPU budget: a backbone pretrained on digits images, target tasks that span
the transfer spectrum, and five ways to adapt (from scratch, linear probe, full fine-tuning, LoRA,
LP-FT) compared fairly: same target images, same new zero-initialised head, same number of
full-batch Adam steps, and each method's own learning rates chosen on validation images (the new
head at its own lr where a pretrained body trains too: discriminative learning rates).

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
from ..data import Split, load_tabular
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
LR_GRID = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)  # scratch and the probe: one lr
BODY_LR_GRID = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)  # the pretrained body's (or LoRA adapters') lr
HEAD_LR_GRID = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1)  # the new head's own lr, for the methods that move a body
ONE_LR = ("scratch", "linear probe")  # everything new, or only the head trains: one lr
LORA_RANK = 4
LORA_ALPHA = 4.0
LORA_TARGETS = ("block1.linear", "block2.linear")  # both 64->64 hidden layers
PRETRAIN = {"lr": 3e-3, "batch_size": 64, "num_epochs": 20}
PRETRAINED_FILE = "digits_backbone.pt"
LRS_FILE = "transfer_lrs.json"
COMPUTE_FILE = "transfer_compute.json"
# One colour, line style and marker per method, in every figure of the notebook (Okabe-Ito order).
METHOD_STYLE = {"scratch": {"color": "#000000", "ls": "-", "marker": "s"},
                "linear probe": {"color": "#0072B2", "ls": "--", "marker": "o"},
                "full fine-tune": {"color": "#D55E00", "ls": "-.", "marker": "^"},
                "LoRA": {"color": "#009E73", "ls": ":", "marker": "D"},
                "LP-FT": {"color": "#CC79A7", "ls": (0, (5, 1, 1, 1)), "marker": "v"}}


Task = Split  # one target task (one seed's draw of the images) is the course's one data container


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
def target_task(target: str, shots: int = SHOTS, seed: int = 0, val_size: int = VAL_SIZE) -> Split:
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

    return Split(T(X[train]), T(y[train]), T(X[val]), T(y[val]), T(X[test]), T(y[test]), task="multiclass",
                 num_classes=NUM_CLASSES, name=target)


@checked
def target_tasks(targets: Sequence[str] = TARGETS, shots: int = SHOTS, seeds: Sequence[int] = SEEDS
                 ) -> dict[str, list[Split]]:
    """tasks[target] = one Split per seed."""
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


@checked(eval_every="int+", head_lr="float+")
def train_together(models: Sequence[nn.Module], tasks: Sequence[Split], lr: float, num_steps: int, *,
                   eval_every: int | None = None, head_lr: float | None = None) -> np.ndarray | None:
    """Train each model on its task's training images (full-batch Adam, ``num_steps`` steps), all at
    once: the models' parameters are stacked and run through one batched forward pass; each model's
    gradient and Adam update are exactly those of training it alone. The new head trains at
    ``head_lr`` (default ``lr``), everything else at ``lr``: discriminative learning rates, one Adam
    parameter group each. With ``eval_every``: the validation errors along the way, shape
    (num_steps // eval_every + 1, len(models)), step 0 first."""
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
    head = [params[k] for k in trainable if k.startswith("head.")]
    body = [params[k] for k in trainable if not k.startswith("head.")]
    groups = [{"params": ps, "lr": rate} for ps, rate in ((head, lr if head_lr is None else head_lr),
                                                          (body, lr)) if ps]
    optimizer = torch.optim.Adam(groups)
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
    """One adaptation run: the method, its lr (the body's; the head's is ``head_lr``), test and
    validation errors, trainable parameters."""

    method: str
    lr: float
    error: float
    val_error: float
    trainable: int
    model: nn.Module = field(repr=False)
    head_lr: float | None = None


@checked(head_lr="float+")
def run(method: str, pretrained: MLP, tasks: Sequence[Split], lr: float, *, head_lr: float | None = None,
        num_steps: int = NUM_STEPS, seeds: Sequence[int] | None = None, **lora) -> list[Result]:
    """Adapt ``pretrained`` to each task (one per seed) with ``method`` and measure the errors.

    The new head trains at ``head_lr`` (default ``lr``), the rest at ``lr``: for the linear probe
    only the head trains (at ``head_lr`` if given, else ``lr``); for scratch everything is new and
    trains at ``lr``. LP-FT (Kumar et al. 2022; fast.ai's ``fine_tune``) spends the first half of the
    steps training the head alone (body frozen) at ``head_lr``, then unfreezes the body and trains
    everything for the second half, the head at ``head_lr`` and the body at ``lr``.
    """
    seeds = list(range(len(tasks))) if seeds is None else list(seeds)
    models = [adapt(method, pretrained, seed=s, **lora) for s in seeds]
    if method == "scratch":
        head_lr = None
    elif method == "linear probe":
        lr = lr if head_lr is None else head_lr
        head_lr = None
    if method == "LP-FT":
        train_together(models, tasks, lr if head_lr is None else head_lr, num_steps // 2)
        for model in models:
            model.requires_grad_(True)
        train_together(models, tasks, lr, num_steps - num_steps // 2, head_lr=head_lr)
    else:
        train_together(models, tasks, lr, num_steps, head_lr=head_lr)
    return [Result(method, lr, error(m, t.X_test, t.y_test), error(m, t.X_val, t.y_val),
                   count_parameters(m), m, head_lr) for m, t in zip(models, tasks, strict=True)]


@checked
def lr_pair(choice: float | dict) -> tuple[float | None, float]:
    """(head_lr, lr) from a chosen setting: a number (one lr for all) or {"head": h, "body": b}."""
    if isinstance(choice, dict):
        if "body" not in choice:
            raise ValueError(f"choice must be a number or a dict with a 'body' lr (and a 'head' lr), "
                             f"got a dict with keys {sorted(map(str, choice))}")
        return choice.get("head"), choice["body"]
    return None, float(choice)


@checked(grid="floats+", head_grid="floats+", body_grid="floats+")
def tune_lrs(pretrained: MLP, tasks: dict[str, Sequence[Split]], methods: Sequence[str] = METHODS,
             grid: Sequence[float] = LR_GRID, head_grid: Sequence[float] = HEAD_LR_GRID,
             body_grid: Sequence[float] = BODY_LR_GRID, **kwargs) -> dict[str, dict[str, dict]]:
    """val[target][method][setting]: median validation error over seeds for every setting.

    scratch and the linear probe have one lr, searched over ``grid`` (setting key: the lr). The
    methods that move a pretrained body (full fine-tune, LoRA, LP-FT) search every pair of a head lr
    from ``head_grid`` and a body lr from ``body_grid`` (setting key: (head_lr, body_lr)).
    """
    check_kind("methods", methods, "names")
    for m in methods:
        check_choice("methods", m, METHODS)
    out = {}
    for name, ts in tasks.items():
        out[name] = {}
        for m in methods:
            if m in ONE_LR:
                settings = {lr: {"lr": lr} for lr in grid}
            else:
                settings = {(h, b): {"lr": b, "head_lr": h} for h in head_grid for b in body_grid}
            out[name][m] = {key: float(np.median([r.val_error for r in run(m, pretrained, ts, **kw,
                                                                           **kwargs)]))
                            for key, kw in settings.items()}
    return out


@checked
def best_lrs(val: dict[str, dict[str, dict]]) -> dict[str, dict[str, float | dict]]:
    """lr[target][method]: the setting of lowest median validation error (the smaller lrs on a tie):
    a number for one lr, {"head": h, "body": b} for a pair."""
    out = {}
    for name, by_method in val.items():
        out[name] = {}
        for m, by_key in by_method.items():
            key = min(sorted(by_key, key=lambda k: k[::-1] if isinstance(k, tuple) else k),
                      key=lambda k: by_key[k])
            out[name][m] = {"head": key[0], "body": key[1]} if isinstance(key, tuple) else key
    return out


def _key(text: str):
    """A setting key from JSON: "0.001" -> 0.001, "0.001,1e-05" -> (0.001, 1e-05)."""
    parts = [float(x) for x in text.split(",")]
    return parts[0] if len(parts) == 1 else tuple(parts)


@checked
def load_lrs() -> dict:
    """The shipped learning-rate search (data/scripts/tune_transfer.py): {"grid", "head_grid", "val",
    "lr", ...}; val[target][method] maps an lr, or a (head_lr, body_lr) pair, to its median
    validation error."""
    import json

    payload = json.loads(data_path(LRS_FILE).read_text())
    for part in ("val", "val_rslora"):
        if part in payload:
            payload[part] = {t: {m: {_key(k): v for k, v in by_k.items()} for m, by_k in by_m.items()}
                             for t, by_m in payload[part].items()}
    return payload


@checked
def edge_choices(search: dict) -> list[str]:
    """The chosen lrs that sit at an edge of their grid, as "target / method / which lr"; [] if none."""
    grids = {"lr": search["grid"], "head": search.get("head_grid", search["grid"]),
             "body": search.get("body_grid", search["grid"])}
    found = []
    for name, by_method in search["lr"].items():
        for m, choice in by_method.items():
            for part, value in (choice.items() if isinstance(choice, dict) else [("lr", choice)]):
                if value in (min(grids[part]), max(grids[part])):
                    found.append(f"{name} / {m} / {part} lr {value:g}")
    return found


@checked
def compare(pretrained: MLP, tasks: dict[str, Sequence[Split]], lrs: dict[str, dict],
            methods: Sequence[str] = METHODS, **kwargs) -> dict[str, dict[str, list[Result]]]:
    """results[target][method] = one Result per seed, each method at its own lr ``lrs[target][method]``
    (a number, or {"head": head_lr, "body": lr})."""
    check_kind("methods", methods, "names")
    for m in methods:
        check_choice("methods", m, METHODS)
    check_type("tasks", tasks, dict, "a dict {target: list of Split}")
    out = {}
    for name, ts in tasks.items():
        out[name] = {}
        for m in methods:
            head_lr, lr = lr_pair(lrs[name][m])
            out[name][m] = run(m, pretrained, ts, lr, head_lr=head_lr, **kwargs)
    return out


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

RACE_LRS = (1e-3, 3e-3, 1e-2, 3e-2)
RACE_STEPS = 100


@checked(eval_every="int+", lr_grid="floats+")
def race(pretrained: MLP, tasks: Sequence[Split], *, methods: Sequence[str] = ("scratch", "full fine-tune"),
         lr_grid: Sequence[float] = RACE_LRS, num_steps: int = RACE_STEPS, eval_every: int = 1
         ) -> dict[str, dict[float, np.ndarray]]:
    """curves[method][lr]: validation error after every ``eval_every`` steps (evaluations x seeds),
    each method trained at each lr of ``lr_grid`` (one lr for the whole network)."""
    check_kind("methods", methods, "names")
    for m in methods:
        check_choice("methods", m, METHODS)
    out = {}
    for m in methods:
        out[m] = {}
        for lr in lr_grid:
            models = [adapt(m, pretrained, seed=s) for s in range(len(tasks))]
            out[m][lr] = train_together(models, tasks, lr, num_steps, eval_every=eval_every)
    return out


@checked(target_error="unit", eval_every="int+")
def fastest(curves: dict[str, dict[float, np.ndarray]], target_error: float, eval_every: int = 1
            ) -> dict[str, dict]:
    """Per method, at the lr that gets there fastest (lowest median step; the smaller lr on a tie):
    the first step each seed's validation error is <= ``target_error`` (inf if never), the curve
    (evaluations x seeds), the lr and ``eval_every``."""
    check_positive("target_error", target_error)
    out = {}
    for m, by_lr in curves.items():
        runs = []
        for lr, curve in sorted(by_lr.items()):
            reached = curve <= target_error
            first = np.where(reached.any(0), reached.argmax(0) * eval_every, np.inf)
            runs.append({"curve": curve, "steps": first, "eval_every": eval_every, "lr": lr})
        out[m] = min(runs, key=lambda r: (np.median(r["steps"]), r["lr"]))
    return out


@checked(eval_every="int+", target_error="unit", lr_grid="floats+")
def steps_to_target(pretrained: MLP, tasks: Sequence[Split], target_error: float, *,
                    methods: Sequence[str] = ("scratch", "full fine-tune"),
                    lr_grid: Sequence[float] = RACE_LRS, num_steps: int = RACE_STEPS,
                    eval_every: int = 1) -> dict[str, dict]:
    """Per method, at the lr of ``lr_grid`` that gets there fastest (lowest median step): the
    validation-error curves (steps x seeds), the first step each seed reaches ``target_error``
    (inf if never), the lr, and the seconds per step of that run."""
    start = time.perf_counter()
    curves = race(pretrained, tasks, methods=methods, lr_grid=lr_grid, num_steps=num_steps,
                  eval_every=eval_every)
    seconds_per_step = (time.perf_counter() - start) / (num_steps * len(lr_grid) * len(curves))
    out = fastest(curves, target_error, eval_every)
    for r in out.values():
        r["seconds_per_step"] = seconds_per_step
    return out


@checked(target_errors="floats+", pretrain_images="int+", train_size="int+", eval_every="int+")
def compute_curve(curves: dict[str, dict[float, np.ndarray]], target_errors: Sequence[float],
                  pretrain_images: int, train_size: int, *, pretrained: str = "full fine-tune",
                  eval_every: int = 1) -> dict[str, np.ndarray]:
    """Against each target error: the median steps of scratch and of the ``pretrained`` start (each
    at its fastest lr; inf where the median seed never gets there) and the fine-tunes that repay
    pretraining (inf where fine-tuning saves no steps, nan where scratch never gets there: then
    pretraining buys accuracy that scratch does not reach at any price in this budget)."""
    steps = {m: [] for m in ("scratch", pretrained)}
    repay = []
    for target_error in target_errors:
        race_ = fastest({m: curves[m] for m in steps}, target_error, eval_every)
        s, p = (float(np.median(race_[m]["steps"])) for m in ("scratch", pretrained))
        steps["scratch"].append(s)
        steps[pretrained].append(p)
        repay.append(np.nan if not np.isfinite(s) else
                     amortisation(pretrain_images, s, p, train_size) if np.isfinite(p) else math.inf)
    return {"target_error": np.asarray(target_errors, float), "repay": np.array(repay),
            **{m: np.array(v) for m, v in steps.items()}}


@checked(pretrain_images="int+", steps_scratch="float+", steps_pretrained="float+", train_size="int+")
def amortisation(pretrain_images: int, steps_scratch: float, steps_pretrained: float, train_size: int
                 ) -> float:
    """How many fine-tunes repay pretraining, counting images processed (a forward and backward pass
    each): pretraining's images / (images saved per fine-tune, full-batch steps x train_size)."""
    saved = (steps_scratch - steps_pretrained) * train_size
    return math.inf if saved <= 0 else pretrain_images / saved


@checked
def load_compute() -> dict:
    """The shipped compute races (data/scripts/race_transfer.py): per "target|shots", each start's
    median steps to every target error and the fine-tunes that repay pretraining, as arrays (inf:
    never repaid, nan: scratch never reaches that error)."""
    import json

    payload = json.loads(data_path(COMPUTE_FILE).read_text())
    for r in payload["races"].values():
        r["repay"] = np.array(r["repay"], dtype=float)
        for m in ("scratch", "full fine-tune"):
            r[m]["median"] = np.array(r[m]["median"], dtype=float)
            r[m]["seeds"] = np.array(r[m]["seeds"], dtype=float)
    return payload


@checked
def compute_table(compute: dict, shots: int = 10) -> str:
    """Per target of ``compute`` (load_compute), at ``shots`` per class: each start's median steps
    and the fine-tunes that repay pretraining, against the target error, as text."""
    errs = compute["target_errors"]
    lines = [f"{shots} labelled images per class, medians over {len(compute['seeds'])} seeds; target error:"
             + "".join(f"{e:>8g}" for e in errs)]
    for target in compute["targets"]:
        r = compute["races"][f"{target}|{shots}"]
        rows = {f"{target}: scratch steps": r["scratch"]["median"],
                f"{target}: fine-tune steps": r["full fine-tune"]["median"]}
        for label, values in rows.items():
            lines.append(f"{label:40s}" + "".join(f"{'never' if np.isinf(v) else f'{v:g}':>8s}"
                                                  for v in values))
        cells = ["-" if np.isinf(a) and np.isinf(b) else "no scr." if np.isinf(a) else
                 "never" if np.isinf(v) else f"{v:.3g}"
                 for v, a, b in zip(r["repay"], r["scratch"]["median"], r["full fine-tune"]["median"],
                                    strict=True)]
        lines.append(f"{target + ': fine-tunes to repay':40s}" + "".join(f"{c:>8s}" for c in cells))
    lines.append("(never: not within the race's steps, or never repaid; no scr.: scratch never gets there, "
                 "fine-tuning does; -: neither)")
    return "\n".join(lines)


# --- Sample efficiency and the LoRA rank -------------------------------------------------------------

@checked
def sample_efficiency(pretrained: MLP, target: str, shots: Sequence[int], lrs: dict, *,
                      methods: Sequence[str] = ("scratch", "linear probe", "full fine-tune"),
                      seeds: Sequence[int] = SEEDS, **kwargs) -> dict[str, np.ndarray]:
    """errors[method] of shape (len(shots), len(seeds)): test error against labelled images per class.

    ``lrs[method]`` (a number or {"head": h, "body": b}) is used at every shot count, unless ``lrs``
    is keyed by shot count, ``lrs[str(k)][method]``: each shot count at its own tuned setting."""
    check_kind("methods", methods, "names")
    for m in methods:
        check_choice("methods", m, METHODS)
    if not shots or not seeds:
        raise ValueError("shots and seeds must not be empty")
    out = {m: np.zeros((len(shots), len(seeds))) for m in methods}
    for i, k in enumerate(shots):
        tasks = [target_task(target, k, s) for s in seeds]
        for m in methods:
            head_lr, lr = lr_pair(lrs[str(k)][m] if str(k) in lrs else lrs[m])
            out[m][i] = errors(run(m, pretrained, tasks, lr, head_lr=head_lr, seeds=seeds, **kwargs))
    return out


@checked(head_lr="float+", rslora_lr="float+")
def rank_sweep(pretrained: MLP, tasks: Sequence[Split], ranks: Sequence[int], lr: float, *,
               alpha: float = LORA_ALPHA, rslora_lr: float | None = None, head_lr: float | None = None,
               **kwargs) -> dict[tuple[int, bool], list[Result]]:
    """results[(rank, use_rslora)] for every rank, with ``alpha`` fixed, under both scalings: the
    adapters at ``lr`` under alpha/r and at ``rslora_lr`` (default ``lr``) under alpha/sqrt(r)."""
    rates = {False: lr, True: lr if rslora_lr is None else rslora_lr}
    return {(r, rs): run("LoRA", pretrained, tasks, rates[rs], head_lr=head_lr, rank=r, alpha=alpha,
                         use_rslora=rs, **kwargs)
            for rs in (False, True) for r in ranks}


@checked(min_share="unit")
def leaders(by_method: dict[str, list[Result]], min_share: float = 0.75) -> list[str]:
    """The method of lowest median test error, then every method it does not beat on at least
    ``min_share`` of the seeds (paired): those are tied with it, the margin being within seed noise."""
    medians = {m: median_error(rs) for m, rs in by_method.items()}
    best = min(medians, key=medians.get)
    n = len(by_method[best])
    return [best] + [m for m in sorted(medians, key=medians.get)
                     if m != best and wins(by_method[best], by_method[m]) < min_share * n]


@checked
def weakest_win(by_method: dict[str, list[Result]]) -> int:
    """On how many seeds the method of lowest median beats its closest rival: the fewest paired wins
    over every other method."""
    if len(by_method) < 2:
        raise ValueError(f"by_method must hold at least two methods, got {list(by_method)}")
    medians = {m: median_error(rs) for m, rs in by_method.items()}
    best = min(medians, key=medians.get)
    return min(wins(by_method[best], rs) for m, rs in by_method.items() if m != best)


@checked(alpha="unit")
def clear_win(num_seeds: int, alpha: float = 0.05) -> int:
    """The fewest paired wins out of ``num_seeds`` that two equally good methods reach less often than
    ``alpha`` (a one-sided sign test): 7 of 8 at 0.05, where 6 of 8 happens one time in seven.
    ``num_seeds + 1`` when no count is that rare."""
    check_positive("num_seeds", num_seeds, integer=True)
    for k in range(num_seeds + 1):
        if sum(math.comb(num_seeds, i) for i in range(k, num_seeds + 1)) / 2 ** num_seeds < alpha:
            return k
    return num_seeds + 1
