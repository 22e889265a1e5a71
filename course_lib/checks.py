"""Argument checks shared by every public function: clear errors that name the argument."""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np
import torch


def _describe(value: Any) -> str:
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
        raise TypeError(f"{name} must be {expected}, got {_describe(value)}")
    if not isinstance(value, types):
        raise TypeError(f"{name} must be {expected}, got {_describe(value)}")


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
        raise ValueError(f"{name} must be one of {options}, got {_describe(value)}")


def as_float_tensor(name: str, X: Any, *, ndim: int | None = 2) -> torch.Tensor:
    """Convert array-like ``X`` to a finite float32 tensor with ``ndim`` dimensions."""
    if isinstance(X, (list, tuple)):
        X = np.asarray(X)
    if not isinstance(X, (np.ndarray, torch.Tensor)):
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {_describe(X)}")
    T = torch.as_tensor(X).detach()
    if not (T.is_floating_point() or T.dtype in (torch.int32, torch.int64, torch.uint8, torch.bool)):
        raise TypeError(f"{name} must hold numbers, got {_describe(X)}")
    T = T.to(torch.float32)
    if ndim is not None and T.ndim != ndim:
        shape = "(n_samples, n_features)" if ndim == 2 else "(n_samples,)"
        raise ValueError(f"{name} must have shape {shape}, got {_describe(X)}")
    if not torch.isfinite(T).all():
        bad = int((~torch.isfinite(T)).sum())
        raise ValueError(f"{name} must be finite, got {bad} NaN or infinite value(s)")
    return T


def as_label_tensor(name: str, y: Any, num_classes: int | None = None) -> torch.Tensor:
    """Convert array-like class labels to an int64 tensor of shape (n,), checked against num_classes."""
    if isinstance(y, (list, tuple)):
        y = np.asarray(y)
    if not isinstance(y, (np.ndarray, torch.Tensor)):
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {_describe(y)}")
    T = torch.as_tensor(y).detach()
    if T.is_floating_point():
        if not torch.isfinite(T).all():
            raise ValueError(f"{name} must be finite, got NaN or infinite labels")
        if not torch.equal(T, T.round()):
            raise ValueError(f"{name} must hold integer class labels, got non-integer values")
    T = T.to(torch.int64)
    if T.ndim != 1:
        raise ValueError(f"{name} must have shape (n_samples,), got {_describe(y)}")
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
