"""Argument checks shared by every public function: clear errors that name the argument.

One layer for every boundary. ``@checked`` on a public function checks each argument by its name
(``ARG_KINDS``: X, y, model, data, lr, batch_size, seed, hidden, ...) or else by its type
annotation, before the function runs: array-likes (lists, NumPy arrays, tensors) are accepted
alike and converted, text or None inside arrays, NaN and infinity, out-of-range numbers, wrong
types, empty sequences, feature counts that do not match the model and labels that do not match
its task get a ValueError or TypeError saying which argument, what was expected and what was
given. The helpers (check_int, check_finite, as_array, to_numpy, check_labels, check_split_sizes,
check_callable, check_member, describe ...) cover what a decorator cannot know;
tests/validation/test_fuzz_api.py checks every public function of course_lib against bad input.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import torch


def describe(value: Any) -> str:
    """Short description of a value for an error message."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_type(name: str, value: Any, types: type | tuple[type, ...], expected: str) -> None:
    """Raise TypeError unless ``value`` is an instance of ``types``."""
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    if not isinstance(value, types):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")


def check_positive(name: str, value: Any, *, integer: bool = False, allow_zero: bool = False) -> None:
    """Raise unless ``value`` is a positive (or non-negative) finite number."""
    kind = "an integer" if integer else "a number"
    bound = ">= 0" if allow_zero else "> 0"
    check_type(name, value, Integral if integer else Real, f"{kind} {bound}")
    if not math.isfinite(float(value)) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be {kind} {bound}, got {value!r}")


def check_range(name: str, value: Any, low: float, high: float, *, inclusive: bool = True) -> None:
    """Raise unless ``low <= value <= high`` (or strictly inside when not inclusive)."""
    check_type(name, value, Real, f"a number in [{low}, {high}]")
    ok = low <= value <= high if inclusive else low < value < high
    if not ok or not math.isfinite(float(value)):
        brackets = f"[{low}, {high}]" if inclusive else f"({low}, {high})"
        raise ValueError(f"{name} must be a number in {brackets}, got {value!r}")


def check_choice(name: str, value: Any, choices: Iterable[str]) -> None:
    """Raise unless ``value`` is one of ``choices``."""
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {options}, got {describe(value)}")


def as_float_tensor(name: str, X: Any, *, ndim: int | None = 2) -> torch.Tensor:
    """Convert array-like ``X`` to a finite float32 tensor with ``ndim`` dimensions."""
    if isinstance(X, (list, tuple, np.ndarray)):
        X = to_numpy(name, X)
    if not isinstance(X, (np.ndarray, torch.Tensor)):
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {describe(X)}")
    T = torch.as_tensor(X).detach()
    if not (T.is_floating_point() or T.dtype in (torch.int8, torch.int16, torch.int32, torch.int64,
                                                 torch.uint8, torch.bool)):
        raise TypeError(f"{name} must hold numbers, got {describe(X)}")
    T = T.to(torch.float32)
    if ndim is not None and T.ndim != ndim:
        shape = "(n_samples, n_features)" if ndim == 2 else "(n_samples,)"
        raise ValueError(f"{name} must have shape {shape}, got {describe(X)}")
    if not torch.isfinite(T).all():
        bad = int((~torch.isfinite(T)).sum())
        raise ValueError(f"{name} must be finite, got {bad} NaN or infinite value(s)")
    return T


def as_label_tensor(name: str, y: Any, num_classes: int | None = None) -> torch.Tensor:
    """Convert array-like class labels to an int64 tensor of shape (n,), checked against num_classes."""
    if isinstance(y, (list, tuple, np.ndarray)):
        y = to_numpy(name, y)
    if not isinstance(y, (np.ndarray, torch.Tensor)):
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {describe(y)}")
    T = torch.as_tensor(y).detach()
    if T.is_complex() or not (T.is_floating_point() or T.dtype in (torch.int32, torch.int64, torch.int16,
                                                                   torch.int8, torch.uint8, torch.bool)):
        raise TypeError(f"{name} must hold integer class labels, got {describe(y)}")
    if T.is_floating_point():
        if not torch.isfinite(T).all():
            raise ValueError(f"{name} must be finite, got NaN or infinite labels")
        if not torch.equal(T, T.round()):
            raise ValueError(f"{name} must hold integer class labels, got non-integer values")
    T = T.to(torch.int64)
    if T.ndim != 1:
        raise ValueError(f"{name} must have shape (n_samples,), got {describe(y)}")
    if T.numel() and int(T.min()) < 0:
        raise ValueError(f"{name} must hold labels >= 0, got minimum {int(T.min())}")
    if num_classes is not None and T.numel() and int(T.max()) >= num_classes:
        raise ValueError(
            f"{name} must hold labels in 0..{num_classes - 1} for {num_classes} classes, "
            f"got label {int(T.max())}"
        )
    return T


def check_same_length(name_a: str, a: Any, name_b: str, b: Any) -> None:
    """Raise unless ``a`` and ``b`` have the same number of rows."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} must have the same length, got {len(a)} and {len(b)}")


# ----------------------------------------------------------------------------- one layer for every boundary
def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Raise unless ``value`` is an integer (not a bool) in [low, high]; return it as an int."""
    bounds = f" in [{low}, {high}]" if low is not None and high is not None else (
        f" >= {low}" if low is not None else (f" <= {high}" if high is not None else ""))
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer{bounds}, got {describe(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer{bounds}, got {value!r}")
    return int(value)


def check_seed(name: str, value: Any) -> int:
    """Raise unless ``value`` is a non-negative integer seed (what numpy and torch both accept)."""
    return check_int(name, value, low=0, high=2**63 - 1)


def check_bool(name: str, value: Any) -> bool:
    """Raise unless ``value`` is True or False (numpy bools accepted)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_finite(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                 allow_none: bool = False) -> float | None:
    """Raise unless ``value`` is a finite real number in [low, high]; return it as a float."""
    if value is None and allow_none:
        return None
    bounds = f" in [{low}, {high}]" if low is not None and high is not None else (
        f" >= {low}" if low is not None else (f" <= {high}" if high is not None else ""))
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a finite number{bounds}, got {describe(value)}")
    if not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number{bounds}, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be a finite number{bounds}, got {value!r}")
    return float(value)


def check_module(name: str, value: Any) -> None:
    """Raise TypeError unless ``value`` is a torch.nn.Module."""
    if not isinstance(value, torch.nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {_describe_type(value)}")


def check_split(name: str, value: Any) -> None:
    """Raise TypeError unless ``value`` is a course_lib.data.Split (what ``data.load`` returns).

    The class is recognised by its module and name, so checks need not import data (which imports checks).
    """
    if not any(c.__name__ == "Split" and c.__module__ == "course_lib.data" for c in type(value).__mro__):
        raise TypeError(f"{name} must be a course_lib.data.Split (from data.load or data.split), "
                        f"got {_describe_type(value)}")


def check_instance(name: str, value: Any, cls: type | tuple[type, ...], expected: str) -> None:
    """Raise TypeError unless ``value`` is an instance of ``cls`` (a result object, a layer...)."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be {expected}, got {_describe_type(value)}")


def check_callable(name: str, value: Any, expected: str, *, num_args: int | None = None) -> None:
    """Raise TypeError unless ``value`` is callable with ``num_args`` positional arguments.

    A class whose constructor needs more arguments (a torch scheduler class where a factory
    ``optimizer -> scheduler`` is expected) gets a message saying how to wrap it.
    """
    if not callable(value):
        raise TypeError(f"{name} must be {expected}, got {_describe_type(value)}")
    if num_args is None:
        return
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):  # builtins without a signature: trust them
        return
    try:
        signature.bind(*([None] * num_args))
    except TypeError as exc:
        what = f"the class {value.__name__}" if isinstance(value, type) else describe(value)
        hint = (f"; wrap it, e.g. lambda opt: {value.__name__}(opt, ...)"
                if isinstance(value, type) else "")
        raise TypeError(f"{name} must be {expected}, got {what}, which cannot be called with "
                        f"{num_args} argument(s) ({exc}){hint}") from None


def check_sequence(name: str, value: Any, expected: str, *, item: Any = None, min_len: int = 1
                   ) -> list:
    """Raise unless ``value`` is a list/tuple/range/1-D array of ``min_len``+ items passing ``item``.

    ``item(name_i, x)`` checks one element (e.g. ``lambda n, x: check_int(n, x, low=1)``).
    """
    if isinstance(value, (np.ndarray, torch.Tensor)) and value.ndim == 1:
        value = value.tolist()
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, (list, tuple, range)):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    items = list(value)
    if len(items) < min_len:
        raise ValueError(f"{name} must be {expected} with at least {min_len} item(s), got {items!r}")
    if item is not None:
        for i, x in enumerate(items):
            try:
                item(f"{name}[{i}]", x)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"{name} must be {expected}, got {describe(value)} ({exc})") from None
    return items


def as_array(name: str, values: Any, *, ndim: int | tuple[int, ...] | None = 1, min_len: int = 1,
             finite: bool = True) -> np.ndarray:
    """A float64 numpy array from a list, array or tensor, checked for dimensions, numbers, finiteness."""
    values = to_numpy(name, values)
    if values.dtype == bool or np.issubdtype(values.dtype, np.integer):
        values = values.astype(np.float64)
    if not np.issubdtype(values.dtype, np.floating):
        raise TypeError(f"{name} must hold numbers, got {describe(values)}")
    values = values.astype(np.float64)
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if dims is not None and values.ndim not in dims:
        shape = {1: "(n,)", 2: "(n, k)"}
        wanted = " or ".join(shape.get(d, f"{d}-D") for d in dims)
        raise ValueError(f"{name} must have shape {wanted}, got {describe(values)}")
    if len(values) < min_len:
        wanted = "must not be empty" if min_len == 1 else f"must hold at least {min_len} values"
        raise ValueError(f"{name} {wanted}, got {len(values)} value(s)")
    if finite and not np.isfinite(values).all():
        bad = int((~np.isfinite(values)).sum())
        raise ValueError(f"{name} must be finite, got {bad} NaN or infinite value(s)")
    return values


def check_labels(name: str, y: Any, task: str, num_classes: int | None = None) -> None:
    """Raise unless the labels ``y`` fit ``task``: two classes 0/1 for binary, >= 2 for multiclass."""
    classes = np.unique(np.asarray(y))
    if task == "binary" and (len(classes) > 2 or not set(classes.tolist()) <= {0, 1}):
        raise ValueError(f"{name} must hold the labels 0 and 1 for task='binary', got classes "
                         f"{classes[:10].tolist()}{'...' if len(classes) > 10 else ''}; "
                         "use task='multiclass' for more classes")
    if task == "multiclass" and num_classes is not None and classes.size and classes.max() >= num_classes:
        raise ValueError(f"{name} must hold labels in 0..{num_classes - 1}, got label {classes.max()}")


def check_features(name: str, X: Any, model: torch.nn.Module) -> None:
    """Raise unless X's feature count is what the model's first Linear layer takes."""
    first = next((m for m in model.modules() if isinstance(m, torch.nn.Linear)), None)
    if first is not None and X.shape[-1] != first.in_features:
        raise ValueError(f"{name} must have {first.in_features} features for this model (its first "
                         f"layer takes {first.in_features}), got {X.shape[-1]}")


def check_split_sizes(n_samples: int, val_size: float, test_size: float, *,
                      class_counts: Any = None) -> None:
    """Raise unless a train/val/test split of ``n_samples`` (stratified by ``class_counts``) is feasible.

    The sizes are scikit-learn's (test = ceil(test_size * n), then val from the rest); a stratified
    split needs at least one example of every class in each part and two of each class overall.
    """
    classes = 1 if class_counts is None else int(np.count_nonzero(class_counts))
    n_test = math.ceil(test_size * n_samples)
    n_rest = n_samples - n_test
    n_val = math.ceil(val_size / (1 - test_size) * n_rest)
    n_train = n_rest - n_val
    if class_counts is not None:
        counts = np.asarray(class_counts)
        rare = int(np.flatnonzero((counts > 0) & (counts < 3))[0]) if ((counts > 0) & (counts < 3)).any() \
            else None
        if rare is not None:
            raise ValueError(f"y must hold at least 3 examples of each class for a stratified train/val/"
                             f"test split, got {int(counts[rare])} of class {rare}")
    for part, count, size in (("test_size", n_test, test_size), ("val_size", n_val, val_size)):
        if count < classes:
            need = "one example" if classes == 1 else f"one example of each of the {classes} classes"
            raise ValueError(f"{part} must leave at least {need} in that part, got {part}={size} of "
                             f"{n_samples} examples ({count}): use a larger {part} or more data")
    if n_train < classes:
        raise ValueError(f"val_size + test_size must leave training data, got val_size={val_size}, "
                         f"test_size={test_size} of {n_samples} examples ({n_train} left to train on)")


def to_numpy(name: str, values: Any) -> np.ndarray:
    """A numpy array from a list, tuple, array or tensor; TypeError for anything else or for objects."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    elif isinstance(values, (list, tuple)):
        try:
            values = np.asarray(values)
        except ValueError:
            raise ValueError(f"{name} must be a rectangular array (rows of equal length), "
                             f"got {describe(values)}") from None
    if not isinstance(values, np.ndarray):
        raise TypeError(f"{name} must be a list, numpy array or torch tensor, got {describe(values)}")
    if values.dtype == object or values.dtype.kind in "USVMmc":
        raise TypeError(f"{name} must hold numbers, got {describe(values)}")
    return values


def _describe_type(value: Any) -> str:
    """A value's type name (and value when short): for 'must be X, got Y' messages."""
    if isinstance(value, (str, int, float, type(None))):
        return f"{type(value).__name__} {value!r}"[:70]
    return type(value).__name__


# ----------------------------------------------------------------------------- checks by argument name
# The course names its arguments consistently (X, y, model, data, lr, batch_size, num_epochs, seed,
# hidden...). ``checked`` validates every argument of a decorated function by its name's kind, so
# one decorator line gives a public function the same clear errors as every other one.
ARG_KINDS: dict[str, str] = {
    "X": "X", "y": "y", "model": "model", "pretrained": "model", "data": "split", "s": "split",
    "lr": "float+", "batch_size": "int+", "num_epochs": "int+", "num_steps": "int+", "seed": "seed",
    "n_samples": "int+", "num_samples": "int+", "depth": "int+", "resolution": "int+",
    "hidden": "hidden", "lrs": "floats+", "batch_sizes": "ints+", "seeds": "seeds",
    "activations": "names", "inits": "names", "names": "names", "prevalence": "open_unit", "rank": "int+",
    "alpha": "float+", "weight_decay": "float0", "momentum": "unit", "beta": "open_unit",
    "eps": "float+", "init_scale": "float+", "window": "float+", "tol": "float0", "bins": "int+",
    "cols": "int+", "num_micro": "int+", "num_features": "int+", "num_positives": "int+",
    "num_points": "int+", "num_functions": "int+", "shots": "int+", "n_train": "int+",
    "n_test": "int+", "warmup_steps": "int0", "stop_factor": "float+", "start_lr": "float+",
    "end_lr": "float+", "patience": "int+", "cost_fp": "float0", "cost_fn": "float0",
    "target_recall": "unit", "separation": "finite", "frequency": "float+", "l2": "float0",
    "k": "int+", "layer": "int+", "num_batches": "int+", "max_norm": "float+", "num_drops": "int+",
    "final_factor": "unit", "gamma_step": "open_unit", "factor": "open_unit",
    "plateau_factor": "open_unit", "plateau_patience": "int0", "small": "int+", "large": "int+",
    "epoch": "int0", "index": "int0", "max_fpr": "unit", "min_rate": "unit",
    "sizes": "ints+", "ranks": "ints+", "num_train_positives": "int+", "num_test_positives": "int+",
    "trainable_only": "bool", "standardize": "bool", "val_size": "open_unit", "test_size": "open_unit",
    "residual": "bool", "batch_norm": "bool", "divide": "bool", "hand_written": "bool",
    "verbose": "bool", "threads": "int+", "n_features": "int+", "in_features": "int+",
    "out_features": "int+", "num_iters": "int+", "low": "finite", "high": "finite",
    "n_in": "int+", "n_out": "int+", "width": "int+",
    "noise": "float0", "shift": "finite", "prevalences": "probs", "clip": "limit",
    "accumulation_steps": "int+", "clip_grad_norm": "float+", "divergence_factor": "float+",
    "train_eval_size": "int+", "eval_every": "int+", "marker_size": "float+",
    "ratio": "ratio", "epochs": "int+",
}


# Sequence kinds: what the message says is expected, and the kind each item is checked as.
SEQUENCE_KINDS = {
    "ints0": ("a sequence of integers >= 0", "int0"),
    "probs": ("a sequence of numbers in (0, 1)", "open_unit"),
    "limits": ("a sequence of positive numbers (inf: no limit)", "limit"),
    "floats0": ("a sequence of numbers >= 0", "float0"),
    "floats+": ("a sequence of positive numbers", "float+"),
}


_SCALAR_KINDS = ("int+", "int0", "int", "seed", "float+", "float0", "limit", "real", "finite", "unit",
                 "open_unit", "ratio", "bool")


def _scalar(value: Any) -> Any:
    """A 0-d NumPy array or tensor as the Python number it holds (``np.array(3)`` -> 3); else ``value``."""
    if isinstance(value, (np.ndarray, torch.Tensor)) and value.ndim == 0 and not (
            value.dtype == object or (isinstance(value, np.ndarray) and value.dtype.kind in "USVMmc")):
        return value.item()
    return value


def check_kind(name: str, value: Any, kind: str) -> Any:
    """Check ``value`` against one of the course's argument kinds; return it (arrays converted)."""
    if kind in _SCALAR_KINDS:
        value = _scalar(value)
    if kind in ("int+", "int0"):
        check_positive(name, value, integer=True, allow_zero=kind == "int0")
        return value
    if kind == "int":
        return check_int(name, value)
    if kind == "seed":
        return check_seed(name, value)
    if kind in ("float+", "float0"):
        check_positive(name, value, allow_zero=kind == "float0")
        return value
    if kind == "limit":  # a positive bound; infinity means "no bound"
        _check_real(name, value)
        if value <= 0:
            raise ValueError(f"{name} must be a number > 0 (or inf for no limit), got {value!r}")
        return value
    if kind == "real":
        return _check_real(name, value)
    if kind == "ratio":  # a ratio of norms: 0 when the numerator vanishes, inf when the denominator does
        _check_real(name, value)
        if value < 0:
            raise ValueError(f"{name} must be a number >= 0 (0 and inf are results), got {value!r}")
        return value
    if kind == "finite":
        check_finite(name, value)
        return value
    if kind in ("unit", "open_unit"):
        check_range(name, value, 0.0, 1.0, inclusive=kind == "unit")
        return value
    if kind == "bool":
        return check_bool(name, value)
    if kind == "str":
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, got {describe(value)}")
        return value
    if kind == "model":
        check_module(name, value)
        return value
    if kind == "split":
        check_split(name, value)
        return value
    if kind == "ints+":
        check_sequence(name, value, "a sequence of positive integers",
                       item=lambda n, x: check_kind(n, x, "int+"))
        return value
    if kind == "hidden":
        check_sequence(name, value, "a sequence of positive integers (layer widths)", min_len=0,
                       item=lambda n, x: check_kind(n, x, "int+"))
        return value
    if kind in SEQUENCE_KINDS:
        expected, item_kind = SEQUENCE_KINDS[kind]
        check_sequence(name, value, expected, item=lambda n, x: check_kind(n, x, item_kind))
        return value
    if kind == "finites":
        check_sequence(name, value, "a sequence of finite numbers", item=lambda n, x: check_finite(n, x))
        return value
    if kind == "seeds":
        check_sequence(name, value, "a sequence of seeds (integers >= 0)", item=check_seed)
        return value
    if kind == "names":
        check_sequence(name, value, "a sequence of names", item=lambda n, x: check_kind(n, x, "str"))
        return value
    if kind == "X_np":  # a feature matrix the function takes as a NumPy array: checked, kept NumPy
        check_kind(name, value, "X")
        return to_numpy(name, value)
    if kind == "X":
        T = as_float_tensor(name, value)
        if len(T) == 0:
            raise ValueError(f"{name} must hold at least one example, got shape {tuple(T.shape)}")
        if T.shape[1] == 0:
            raise ValueError(f"{name} must have at least one feature, got shape {tuple(T.shape)}")
        return T
    raise ValueError(f"unknown argument kind {kind!r}")


def _task_and_classes(model: torch.nn.Module, task: str | None) -> tuple[str | None, int | None]:
    """The task of ``model`` (or ``task``) and its number of classes when it has a last Linear."""
    task = task or getattr(model, "task", None)
    last = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    out = last[-1].out_features if last else None
    if task == "binary":
        return task, 2
    return task, (out if task == "multiclass" else None)


def check_targets(name: str, y: Any, task: str | None, num_classes: int | None = None) -> torch.Tensor:
    """Targets for a task: int64 labels (checked against num_classes) or finite float values."""
    if task == "regression":
        T = as_float_tensor(name, y, ndim=None)
        if T.ndim not in (1, 2):
            raise ValueError(f"{name} must have shape (n_samples,) or (n_samples, n_outputs), "
                             f"got {describe(y)}")
        return T
    return as_label_tensor(name, y, num_classes)


def checked(_fn: Callable | None = None, /, **kinds: str | None) -> Callable:
    """Decorator: check every argument whose name (or ``kinds`` entry) is a course argument kind.

    ``kinds`` corrects or adds kinds (``noise="bool"``) or switches a check off (``width=None``).
    A name's kind adapts to the annotation (``width: float``, ``shots: Sequence[int]``, ``X: np.ndarray``)
    and yields to one that contradicts it (``lrs: dict``, ``s: Settings``) or to a default it refuses.
    An argument whose default is None may be None. ``X`` becomes a float tensor with the model's
    feature count when the function also takes ``model``; ``y`` becomes a label tensor (or a float
    tensor for regression) of X's length, checked against the model's task.
    """

    def decorate(fn: Callable) -> Callable:
        signature = inspect.signature(fn)
        plan = {}
        for p in signature.parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            kind = kinds[p.name] if p.name in kinds else ARG_KINDS.get(p.name)
            if p.name not in kinds and kind is not None:
                kind = _name_kind_fits(fn, p, kind)  # the annotation may say otherwise (lrs: dict)
            if kind is not None:
                plan[p.name] = (kind, p.default is None or "None" in _split_union(str(p.annotation)))
            elif p.name not in kinds:
                by_type = _annotation_check(fn, p)
                if by_type is not None:
                    plan[p.name] = (by_type, False)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            arguments = bound.arguments
            for arg, (kind, optional) in plan.items():
                if arg not in arguments or (optional and arguments[arg] is None):
                    continue
                if kind == "y":
                    continue
                if callable(kind):
                    arguments[arg] = kind(arg, arguments[arg])
                    continue
                arguments[arg] = check_kind(arg, arguments[arg], kind)
            model = arguments.get("model")
            if "X" in plan and "X" in arguments and isinstance(model, torch.nn.Module):
                check_features("X", arguments["X"], model)
            if "y" in plan and "y" in arguments and arguments["y"] is not None:
                task, num_classes = (_task_and_classes(model, arguments.get("task"))
                                     if isinstance(model, torch.nn.Module) else (None, None))
                if task is not None:
                    arguments["y"] = check_targets("y", arguments["y"], task, num_classes)
                    if isinstance(arguments.get("X"), torch.Tensor):
                        check_same_length("X", arguments["X"], "y", arguments["y"])
            return fn(*bound.args, **bound.kwargs)

        wrapper.__checked__ = {arg: kind for arg, (kind, _) in plan.items()}  # what is checked, by name
        return wrapper

    return decorate(_fn) if _fn is not None else decorate


_SEQUENCE_OF = {"int+": "ints+", "int0": "ints0", "float+": "floats+", "float0": "floats0",
                "finite": "finites", "seed": "seeds", "str": "names"}


def _name_kind_fits(fn: Callable, p: inspect.Parameter, kind: str) -> str | None:
    """The name's kind adapted to the parameter's annotation and default, or None when they
    contradict it (``lrs: dict``, ``s: Settings``, ``epoch: int = -1``): then the annotation rules."""
    kind = _adapt_kind(fn, p, kind)
    if kind is not None and p.default is not inspect.Parameter.empty and p.default is not None \
            and kind not in ("X", "y", "X_np"):
        try:
            check_kind(p.name, p.default, kind)
        except (TypeError, ValueError):
            return None
    return kind


def _adapt_kind(fn: Callable, p: inspect.Parameter, kind: str) -> str | None:
    """``kind`` adapted to the parameter's annotation (float, a sequence, np.ndarray), or None."""
    text = p.annotation if isinstance(p.annotation, str) else getattr(p.annotation, "__name__", "")
    if not text or p.annotation is inspect.Parameter.empty:
        return kind
    parts = [t for t in _split_union(text) if t != "None"]
    if len(parts) != 1:
        return kind
    base = parts[0].split("[")[0]
    if base in ("dict", "Mapping"):
        return None
    if base == "float" and kind in ("int+", "int0"):
        return "float+" if kind == "int+" else "float0"
    if base == "int" and kind in ("unit", "open_unit"):
        return "int+"
    if base in ("Sequence", "list", "tuple") and kind in _SEQUENCE_OF:
        return _SEQUENCE_OF[kind]
    if base in ("np.ndarray", "ndarray") and kind == "X":
        return "X_np"
    cls = fn.__globals__.get(base)
    if not (isinstance(cls, type) and cls.__module__.startswith("course_lib")):
        return kind
    if kind == "split":
        return kind if cls.__name__ == "Split" else None
    if kind == "model":
        return kind if issubclass(cls, torch.nn.Module) else None
    return None


def _split_union(text: str) -> list[str]:
    """The members of a union annotation 'a | b[c | d] | None', split at the top level only."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "|" and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    return parts + [text[start:].strip()]


def _check_real(name: str, value: Any) -> Any:
    """A real number that is not NaN (infinity allowed: "no limit")."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {describe(value)}")
    if math.isnan(float(value)):
        raise ValueError(f"{name} must be a number, got nan")
    return value


def _check_str(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {describe(value)}")
    return value


def _check_mapping(name: str, value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, got {describe(value)}")
    return value


def _check_list(name: str, value: Any) -> Any:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(
            value, (list, tuple, range, np.ndarray, torch.Tensor)):
        raise TypeError(f"{name} must be a list or tuple, got {describe(value)}")
    return value


def _check_any_callable(name: str, value: Any) -> Any:
    check_callable(name, value, "a function")
    return value


def _to_tensor(name: str, value: Any) -> Any:
    return as_float_tensor(name, value, ndim=None)


def _to_array(name: str, value: Any) -> Any:
    return as_array(name, value, ndim=None, min_len=0, finite=False)


_BY_ANNOTATION: dict[str, Callable[[str, Any], Any]] = {
    "int": lambda n, v: check_int(n, _scalar(v)), "float": lambda n, v: _check_real(n, _scalar(v)),
    "bool": check_bool, "str": _check_str,
    "dict": _check_mapping, "Mapping": _check_mapping, "list": _check_list, "Sequence": _check_list,
    "tuple": _check_list, "Callable": _check_any_callable,
    "nn.Module": lambda n, v: check_module(n, v) or v,
    "torch.nn.Module": lambda n, v: check_module(n, v) or v,
    "torch.Tensor": _to_tensor, "np.ndarray": _to_array,
}


def _annotation_check(fn: Callable, p: inspect.Parameter) -> Callable[[str, Any], Any] | None:
    """A check built from a parameter's type annotation (int, float, Split, dict[...]...), or None."""
    text = p.annotation if isinstance(p.annotation, str) else getattr(p.annotation, "__name__", "")
    if not text or p.annotation is inspect.Parameter.empty:
        return None
    parts = _split_union(text)
    optional = "None" in parts or p.default is None
    parts = [t for t in parts if t != "None"]
    if len(parts) > 1:
        check = _union_check(fn, parts)
        if check is None:
            return None
        return check if not optional else (lambda n, v: v if v is None else check(n, v))
    base = parts[0].split("[")[0]
    check = _BY_ANNOTATION.get(base)
    if check is None:
        cls = fn.__globals__.get(base)
        if not (isinstance(cls, type) and cls.__module__.startswith("course_lib")):
            return None

        def check(n: str, v: Any, cls: type = cls) -> Any:
            check_instance(n, v, cls, f"a {cls.__module__}.{cls.__name__}")
            return v

    if not optional:
        return check
    return lambda n, v: v if v is None else check(n, v)


def check_member(name: str, value: Any, options: Any, options_name: str) -> None:
    """Raise unless ``value`` is one of ``options`` (a slider's value among its positions)."""
    options = list(options)
    if value not in options:
        raise ValueError(f"{name} must be one of {options_name} {options}, got {describe(value)}")


def check_items(name: str, values: Any, cls: type | tuple[type, ...], expected: str) -> list:
    """Raise unless ``values`` is a non-empty list/tuple whose items are all instances of ``cls``."""
    items = check_sequence(name, values, f"a non-empty list of {expected}")
    for i, item in enumerate(items):
        if not isinstance(item, cls):
            raise TypeError(f"{name} must be a list of {expected}, got {_describe_type(item)} at {name}[{i}]")
    return items


def check_mapping_of(name: str, value: Any, cls: type | tuple[type, ...], expected: str) -> None:
    """Raise unless ``value`` is a non-empty dict whose values are instances of ``cls``."""
    if not isinstance(value, Mapping) or not value:
        raise TypeError(f"{name} must be a non-empty dict of {expected}, got {describe(value)}")
    for key, item in value.items():
        if not isinstance(item, cls):
            raise TypeError(f"{name} must be a dict of {expected}, got {_describe_type(item)} at "
                            f"{name}[{key!r}]")


_UNION_TYPES: dict[str, tuple[type, ...]] = {
    "int": (Integral,), "float": (Real,), "bool": (bool, np.bool_), "str": (str,),
    "dict": (Mapping,), "Mapping": (Mapping,), "list": (list, tuple, range, np.ndarray, torch.Tensor),
    "Sequence": (list, tuple, range, np.ndarray, torch.Tensor), "tuple": (list, tuple, np.ndarray),
    "nn.Module": (torch.nn.Module,),
    "torch.nn.Module": (torch.nn.Module,), "torch.Tensor": (torch.Tensor,), "np.ndarray": (np.ndarray,),
}


def _union_check(fn: Callable, parts: list[str]) -> Callable[[str, Any], Any] | None:
    """A type check for a union annotation like 'str | nn.Module' (None when a member is unknown)."""
    types: list[type] = []
    for part in parts:
        base = part.split("[")[0]
        found = _UNION_TYPES.get(base)
        if found is None:
            cls = fn.__globals__.get(base)
            if not (isinstance(cls, type) and cls.__module__.startswith("course_lib")):
                return None
            found = (cls,)
        types.extend(found)
    expected = " or ".join(parts)
    bool_ok = bool in types

    def check(name: str, value: Any) -> Any:
        if (isinstance(value, bool) and not bool_ok) or not isinstance(value, tuple(types)):
            raise TypeError(f"{name} must be {expected}, got {_describe_type(value)}")
        return value

    return check
