"""Residual connections: the identity path of He et al.'s block relu(x + F(x)) against the
pre-activation block x + F(x) and a plain net (training them: ``trainability.depth_sweep``)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import style
from ..checks import checked
from ..data import Split
from .diagnostics import gradient_flow, layer_factor, plot_gradient_flow

BLOCKS: tuple[tuple[str, bool, bool], ...] = (  # (label, residual, pre_activation)
    ("plain", False, False),
    ("relu(x + F(x))", True, False),
    ("x + F(x), pre-activation", True, True),
)


@checked
def identity_flow(data: Split, *, depth: int = 30, init: str = "default",
                  seed: int = 0) -> dict[str, list[float]]:
    """Per-layer gradient norms at initialisation: plain, He's block, and the pre-activation block."""
    return {label: gradient_flow(data, depth, "relu", init, residual=res, pre_activation=pre, seed=seed)
            for label, res, pre in BLOCKS}


@checked
def plot_identity_flow(flows: dict[str, list[float]], *, depth: int = 30):
    """Gradient norm per layer for each kind of block, with its average per-layer factor in the legend."""
    fig, ax = plt.subplots(figsize=style.figsize(4.0))
    labelled = {f"{label}: × {layer_factor(norms):.2f} per layer": norms for label, norms in flows.items()}
    plot_gradient_flow(labelled, ax, title=f"{depth} hidden layers at initialisation")
    return fig
