"""Parameters versus hyperparameters: what training learns, and what we chose to build and train."""

from __future__ import annotations

import inspect

from torch import nn

from ..checks import checked
from ..training import fit

_NOT_HYPER = {"model", "data", "task", "progress", "callback", "seed",  # not choices about learning
              "record_grad_norms", "divergence_factor", "train_eval_size", "eval_every"}


CONDITIONS = {  # options of fit that only act together with another choice
    "num_epochs": "give num_epochs or num_steps; neither: 10 epochs",
    "weight_decay": "None = the optimizer's own default",
    "momentum": "used only with optimizer='momentum'",
    "scheduler_interval": "used only with a scheduler",
    "patience": "early stopping; None = off",
}


@checked
def fit_hyperparameters(**settings) -> dict:
    """The hyperparameters of ``training.fit``: its defaults, overridden by ``settings``."""
    defaults = {name: p.default for name, p in inspect.signature(fit).parameters.items()
                if name not in _NOT_HYPER}
    unknown = sorted(set(settings) - set(defaults))
    if unknown:
        raise ValueError(f"settings must be options of fit {sorted(defaults)}, got {unknown}")
    return {**defaults, **settings}


@checked
def model_hyperparameters(model: nn.Module) -> dict:
    """The choices that built a course_lib MLP (its ``config``, without the seed and the sizes the
    data dictates: in_features, out_features, task)."""
    config = getattr(model, "config", None)
    if not isinstance(config, dict):
        raise TypeError(f"model must be a course_lib.models.MLP (with a .config), got {type(model).__name__}")
    return {k: v for k, v in config.items() if k not in ("seed", "in_features", "out_features", "task")}
