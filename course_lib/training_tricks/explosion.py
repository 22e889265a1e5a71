"""Exploding and vanishing signals: activation scale through a deep ReLU stack under each
initialisation, the conditioning of deep linear products, and causes of explosion besides init."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from .. import style
from ..checks import check_choice, check_positive, checked
from ..initialization import INITS, initialize


@checked
def deep_stack(depth: int = 50, width: int = 256, scheme: str = "default", *, scale: float = 1.0,
               seed: int = 0) -> nn.Sequential:
    """``depth`` Linear(width, width) + ReLU layers: weights by ``scheme`` (course_lib.initialization)
    times ``scale``, biases zero, so that only the weights' scale decides what happens to the signal."""
    check_choice("scheme", scheme, INITS)
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.ReLU()]
    stack = initialize(nn.Sequential(*layers), scheme, scale=scale, seed=seed)
    with torch.no_grad():
        for layer in stack:
            if isinstance(layer, nn.Linear):
                layer.bias.zero_()
    return stack


@checked
@torch.no_grad()
def activation_rms(depth: int = 50, width: int = 256, scheme: str = "default", *, scale: float = 1.0,
                   num_samples: int = 256, seed: int = 0) -> np.ndarray:
    """Root-mean-square activation after each of ``depth`` ReLU layers, for unit-variance input
    (weights of ``scheme`` multiplied by ``scale``)."""
    stack = deep_stack(depth, width, scheme, scale=scale, seed=seed)
    x = torch.randn(num_samples, width, generator=torch.Generator().manual_seed(seed + 1),
                    dtype=torch.float64)
    stack = stack.double()
    rms = []
    for layer in stack:
        x = layer(x)
        if isinstance(layer, nn.ReLU):
            rms.append(float(x.pow(2).mean().sqrt()))
    return np.array(rms)


@checked
def theory_rms(depth: int, scheme: str, width: int = 256, *, scale: float = 1.0) -> float:
    """What variance propagation predicts for the RMS after ``depth`` ReLU layers (zero bias).

    Each layer multiplies the mean square by fan_in·Var(w)/2: 1 for He, 1/2 for Xavier with
    fan_in = fan_out, 1/6 for PyTorch's default U(±1/√fan_in) (ignoring its small biases), 1/2
    for an orthogonal matrix (it keeps lengths; the ReLU halves the mean square); weights times
    ``scale`` multiply it by scale² more (1.5 × He: 2.25 per layer; orthogonal × √2: 1)."""
    check_choice("scheme", scheme, ("he", "xavier", "default", "orthogonal"))
    check_positive("scale", scale)
    gain = {"he": 1.0, "xavier": 0.5, "default": 1.0 / 6.0, "orthogonal": 0.5}[scheme] * scale**2
    return float(gain ** (depth / 2))


@checked
def plot_activation_rms(curves: dict[str, np.ndarray], ax=None):
    """RMS activation against depth on a log axis, one line (colour, style and marker) per
    initialisation; the legend gives each one's value after the last layer."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.6))
    for i, (name, rms) in enumerate(curves.items()):
        layers = np.arange(1, len(rms) + 1)
        ax.semilogy(layers, np.maximum(rms, 1e-300), color=style.color(i), ls=style.linestyle(i),
                    marker=style.MARKERS[i], markevery=10, lw=2.4, label=f"{name}: {rms[-1]:.1g}")
    ax.axhline(1.0, color="0.5", ls=":", lw=1.2)
    ax.set_xlabel("layer")
    ax.set_ylabel("activation RMS")
    ax.set_title(f"signal size through {len(next(iter(curves.values())))} ReLU layers")
    style.legend_outside(ax, "right", title="init: RMS at the end")
    return ax


@dataclass
class Conditioning:
    """Singular values of a product of ``depth`` square matrices (a deep linear network)."""

    scheme: str
    singular_values: np.ndarray

    @property
    def condition_number(self) -> float:
        """Largest over smallest singular value."""
        return float(self.singular_values.max() / self.singular_values.min())


@checked
def product_conditioning(depth: int = 50, width: int = 64, scheme: str = "orthogonal", *,
                         seed: int = 0) -> Conditioning:
    """Multiply ``depth`` matrices initialised by torch.nn.init (orthogonal or Gaussian N(0, 1/width))
    and return the product's singular values: orthogonal keeps every direction's length."""
    check_choice("scheme", scheme, ("orthogonal", "gaussian"))
    generator = torch.Generator().manual_seed(seed)
    product = torch.eye(width, dtype=torch.float64)
    for _ in range(depth):
        W = torch.empty(width, width, dtype=torch.float64)
        if scheme == "orthogonal":
            nn.init.orthogonal_(W, generator=generator)
        else:
            nn.init.normal_(W, std=width**-0.5, generator=generator)
        product = W @ product
    return Conditioning(scheme, torch.linalg.svdvals(product).numpy())
