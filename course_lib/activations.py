"""Activation functions of the lecture's table (plus GELU), by name."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from .checks import check_choice, check_items, check_positive, checked


class BinaryStep(nn.Module):
    """f(x) = 1 if x >= 0 else 0: plotted in the course, not trainable (its gradient is 0)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the step."""
        return (x >= 0).to(x.dtype)


# name -> factory of the nn.Module. Order follows the lecture's table.
ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "linear": nn.Identity,
    "step": BinaryStep,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "softplus": nn.Softplus,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "elu": lambda: nn.ELU(alpha=1.0),
    "gelu": nn.GELU,
}

# Activations a network can be trained with: the binary step has a zero gradient everywhere.
TRAINABLE_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "step")


@checked
def get_activation(name: str, *, trainable: bool = False) -> nn.Module:
    """A fresh activation module by name; with ``trainable`` the binary step is refused."""
    check_choice("activation", name, TRAINABLE_ACTIVATIONS if trainable else ACTIVATIONS)
    return ACTIVATIONS[name]()


# --- The lecture's table, measured -------------------------------------------------------------

# What the slide's table says: range, derivative formula (as code, of x and f(x)) and f'(0).
# GELU is not on the slide; its row gives the textbook derivative Phi(x) + x * phi(x).
_SQRT2 = 2.0**0.5


def _gelu_prime(x: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    """GELU'(x) = Phi(x) + x phi(x)."""
    phi = torch.exp(-0.5 * x**2) / (2 * torch.pi) ** 0.5
    return 0.5 * (1 + torch.erf(x / _SQRT2)) + x * phi


SLIDE_TABLE: dict[str, dict] = {
    "linear": {"range": "(-inf, inf)", "at_zero": "1", "derivative": lambda x, f: torch.ones_like(x)},
    "step": {"range": "{0, 1}", "at_zero": "undefined", "derivative": lambda x, f: torch.zeros_like(x)},
    "sigmoid": {"range": "(0, 1)", "at_zero": "0.25", "derivative": lambda x, f: f * (1 - f)},
    "tanh": {"range": "(-1, 1)", "at_zero": "1", "derivative": lambda x, f: 1 - f**2},
    "relu": {"range": "[0, inf)", "at_zero": "undefined", "derivative": lambda x, f: (x > 0).to(x.dtype)},
    "softplus": {"range": "(0, 1)", "at_zero": "0.5", "derivative": lambda x, f: torch.sigmoid(x)},
    "leaky_relu": {"range": "(-1, 1)", "at_zero": "1",
                   "derivative": lambda x, f: torch.where(x < 0, 0.01, 1.0).to(x.dtype)},
    "elu": {"range": "[0, inf)", "at_zero": "1",
            "derivative": lambda x, f: torch.where(x < 0, torch.exp(x), 1.0).to(x.dtype)},
    "gelu": {"range": "(not on the slide)", "at_zero": "(not on the slide)", "derivative": _gelu_prime},
}

# The errata of the lecture's table (shared/lecture/errata.md) by activation.
ERRATA = {"softplus": "E1", "leaky_relu": "E2", "elu": "E3", "relu": "E4"}


def _as_module(activation: str | nn.Module) -> nn.Module:
    """An activation module from a name or a module."""
    if isinstance(activation, nn.Module):
        return activation
    return get_activation(activation)


@checked
def derivative(activation: str | nn.Module, x: torch.Tensor) -> torch.Tensor:
    """f'(x) of an elementwise activation, computed by autograd (nothing typed in).

    For the binary step the output does not depend on x through autograd: its derivative is 0.
    """
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"x must be a floating-point tensor, got {type(x).__name__}")
    act = _as_module(activation)
    x = x.detach().clone().requires_grad_(True)
    y = act(x)
    if not y.requires_grad:
        return torch.zeros_like(x)
    (grad,) = torch.autograd.grad(y.sum(), x)  # elementwise: d(sum f)/dx_i = f'(x_i)
    return grad


@dataclass(frozen=True)
class Range:
    """The measured range of a function: bounds, whether each is reached, or a finite set of values."""

    low: float
    high: float
    low_closed: bool
    high_closed: bool
    values: tuple[float, ...] | None = None

    def __str__(self) -> str:
        if self.values is not None:
            return "{" + ", ".join(_fmt(v) for v in self.values) + "}"
        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        return f"{left}{_fmt(self.low)}, {_fmt(self.high)}{right}"


def _fmt(v: float) -> str:
    """A bound for the table: -inf, inf, or two decimals without trailing zeros."""
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@checked
def _measure_range(activation: str | nn.Module, *, window: float = 10.0, num: int = 20001) -> Range:
    """The range of f, measured in float64 on grids of growing width.

    A bound is infinite when the extreme keeps growing as the grid widens from ±10 to ±100 to
    ±1000; otherwise it is the extreme over the widest grid, and it is closed ("[" or "]") only if
    f reaches it exactly on [-window, window]. A function taking at most three values is a set.
    """
    check_positive("num", num, integer=True)
    act = _as_module(activation)
    with torch.no_grad():
        near = torch.linspace(-window, window, num, dtype=torch.float64)
        f_near = act(near)
        extremes = []
        for width in (10.0, 100.0, 1000.0):
            grid = torch.cat([near, torch.linspace(-width, width, num, dtype=torch.float64)])
            f = act(grid)
            extremes.append((float(f.min()), float(f.max())))
        unique = torch.unique(f)
    if unique.numel() <= 3:
        return Range(float(unique.min()), float(unique.max()), True, True,
                     values=tuple(float(v) for v in unique))
    (lo1, hi1), (lo2, hi2), (lo3, hi3) = extremes
    low_inf = abs(lo3) >= 5 * abs(lo2) > 0
    high_inf = abs(hi3) >= 5 * abs(hi2) > 0
    low = -math.inf if low_inf else lo3
    high = math.inf if high_inf else hi3
    low_closed = not low_inf and bool((f_near == lo3).any())
    high_closed = not high_inf and bool((f_near == hi3).any())
    return Range(low, high, low_closed, high_closed)


@checked
def activation_table(names: Sequence[str] | None = None, *, window: float = 10.0) -> list[dict]:
    """One row per activation: measured range, autograd f'(0) and f' range, and the slide's values.

    ``derivative_error`` is the largest difference between the slide's derivative formula and
    autograd on a grid that avoids x = 0 (where the slide and PyTorch may pick different values).
    """
    for n in names or ():
        check_choice("names", n, ACTIVATIONS)
    names = list(ACTIVATIONS) if names is None else list(names)
    for name in names:
        check_choice("names", name, ACTIVATIONS)
    x = torch.linspace(-window, window, 4000, dtype=torch.float64)  # even count: 0 is not on it
    zero = torch.zeros(1, dtype=torch.float64)
    rows = []
    for name in names:
        act = get_activation(name)
        d = derivative(act, x)
        with torch.no_grad():
            slide_d = SLIDE_TABLE[name]["derivative"](x, act(x))
        measured = _measure_range(act, window=window)
        rows.append({
            "name": name,
            "range": str(measured),
            "slide_range": SLIDE_TABLE[name]["range"],
            "range_ok": str(measured) == SLIDE_TABLE[name]["range"],
            "derivative_at_zero": float(derivative(act, zero)),
            "slide_at_zero": SLIDE_TABLE[name]["at_zero"],
            "derivative_min": float(d.min()),
            "derivative_max": float(d.max()),
            "derivative_error": float((d - slide_d).abs().max()),
            "erratum": ERRATA.get(name, ""),
            "measured": measured,
        })
    return rows


@checked
def format_table(rows: list[dict]) -> str:
    """The activation table as fixed-width text (ranges and derivatives rounded for print)."""
    check_items("rows", rows, dict, "dicts (from activation_table)")
    d0, span_title = "f'(0) autograd", "f' min..max"
    header = (f"{'activation':<11} {'range (measured)':<17} {'slide says':<13} "
              f"{d0:>14}  {'slide':<10} {span_title:<12} {'formula ok':<11} range ok")
    lines = [header, "-" * len(header)]
    for r in rows:
        slide_range = r["slide_range"] if not r["slide_range"].startswith("(not") else "-"
        at_zero = r["slide_at_zero"] if not r["slide_at_zero"].startswith("(not") else "-"
        span = f"{_fmt(r['derivative_min'])}..{_fmt(r['derivative_max'])}"
        ok = "yes" if r["derivative_error"] < 1e-6 else f"no ({r['derivative_error']:.2g})"
        range_ok = "-" if slide_range == "-" else "yes" if r["range_ok"] else "NO"
        lines.append(
            f"{r['name']:<11} {r['range']:<17} {slide_range:<13} {_fmt(r['derivative_at_zero']):>14}"
            f"  {at_zero:<10} {span:<12} {ok:<11} {range_ok}"
        )
    return "\n".join(lines)
