"""LoRA written in the open (Hu et al. 2021): a frozen nn.Linear plus a trainable low-rank update.

    y = W x + b + (alpha / r) * B A x,   A: (r, in_features),  B: (out_features, r),  B = 0 at start

(rank-stabilised LoRA, Kalajdzievski 2023, scales by alpha / sqrt(r) instead: ``use_rslora=True``,
as in peft's ``LoraConfig``.)

B starts at zero, so the adapted model first equals the pretrained one; only A and B train, so a
layer costs r * (in_features + out_features) trainable parameters instead of in * out; and the
update can be merged back into the weight, W' = W + (alpha / r) * B A, for free inference.
The `peft` library's LoraLayer does the same (A: Kaiming-uniform, B: zeros, scaling alpha / r).
LoRALinear's forward, delta_weight and merged are the code notebook 05 shows in a cell
(tests/fine_tuning/test_lora_cell.py keeps the two equal).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence

import torch
from torch import nn

from ..checks import check_positive, check_type, checked


class LoRALinear(nn.Module):
    """A frozen ``nn.Linear`` plus a trainable rank-``rank`` update scaled by ``alpha / rank``
    (or ``alpha / sqrt(rank)`` with ``use_rslora=True``)."""

    @checked
    def __init__(self, base: nn.Linear, rank: int = 4, alpha: float | None = None, *, seed: int = 0,
                 use_rslora: bool = False):
        check_type("base", base, nn.Linear, "a torch.nn.Linear")
        if rank > max(base.in_features, base.out_features):
            raise ValueError(f"rank must be at most the layer's size ({base.in_features} inputs, "
                             f"{base.out_features} outputs; useful ranks are <= "
                             f"{min(base.in_features, base.out_features)}), got {rank}")
        alpha = float(rank) if alpha is None else alpha
        super().__init__()
        self.base = base
        self.base.requires_grad_(False)  # the pretrained weight stays as it is
        self.rank = rank
        self.alpha = float(alpha)
        self.use_rslora = use_rslora
        self.scaling = self.alpha / (math.sqrt(rank) if use_rslora else rank)
        generator = torch.Generator().manual_seed(seed)
        A = torch.empty(rank, base.in_features)
        bound = 1 / math.sqrt(base.in_features)  # = kaiming_uniform_(a=sqrt(5)), like nn.Linear and peft
        self.A = nn.Parameter(A.uniform_(-bound, bound, generator=generator))
        self.B = nn.Parameter(torch.zeros(base.out_features, rank))  # zero: no change at the start

    @property
    def in_features(self) -> int:
        """Inputs of the wrapped layer."""
        return self.base.in_features

    @property
    def out_features(self) -> int:
        """Outputs of the wrapped layer."""
        return self.base.out_features

    def delta_weight(self) -> torch.Tensor:
        """The low-rank update (alpha / r) * B A, shaped like the base weight."""
        return self.scaling * (self.B @ self.A)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """W x + b + (alpha / r) * B (A x): never forms the full update matrix."""
        return self.base(x) + self.scaling * ((x @ self.A.T) @ self.B.T)

    @torch.no_grad()
    def merged(self) -> nn.Linear:
        """A plain nn.Linear with weight W + (alpha / r) B A and the same bias."""
        layer = copy.deepcopy(self.base)  # same bias, dtype and device; no random init drawn
        layer.weight.add_(self.delta_weight())
        return layer.requires_grad_(True)

    def extra_repr(self) -> str:
        return f"rank={self.rank}, alpha={self.alpha:g}" + (", rslora" if self.use_rslora else "")


@checked
def lora_parameter_count(in_features: int, out_features: int, rank: int) -> int:
    """Trainable parameters of one LoRA adapter: r * (in + out) (the full weight has in * out)."""
    for name, value in (("in_features", in_features), ("out_features", out_features), ("rank", rank)):
        check_positive(name, value, integer=True)
    return rank * (in_features + out_features)


def _linear_names(model: nn.Module) -> list[str]:
    """Names of every nn.Linear inside ``model`` (not inside a LoRALinear)."""
    wrapped = {f"{n}.base" if n else "base" for n, m in model.named_modules() if isinstance(m, LoRALinear)}
    return [n for n, m in model.named_modules() if isinstance(m, nn.Linear) and n not in wrapped]


def _set_module(model: nn.Module, name: str, module: nn.Module) -> None:
    """Replace the submodule called ``name`` (dotted path) by ``module``."""
    parent_name, _, child = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, child, module)


@checked
def add_lora(model: nn.Module, rank: int = 4, alpha: float | None = None, *,
             targets: Sequence[str] | None = None, seed: int = 0, use_rslora: bool = False) -> nn.Module:
    """Freeze ``model`` and wrap its nn.Linear layers named in ``targets`` (default: all) in LoRALinear.

    Works in place and returns the model. Only the adapters' A and B are left trainable; unfreeze
    anything else (a new head) afterwards. Layer i gets seed ``seed + i``.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    available = _linear_names(model)
    if targets is None:
        targets = available
    else:
        if isinstance(targets, str):
            raise TypeError(f"targets must be a list of layer names, got the string {targets!r}")
        missing = [t for t in targets if t not in available]
        if missing:
            raise ValueError(f"targets must name nn.Linear layers of the model, one of {available}, "
                             f"got {missing}")
    if not targets:
        raise ValueError("model has no nn.Linear layer to adapt")
    model.requires_grad_(False)
    for i, name in enumerate(targets):
        _set_module(model, name, LoRALinear(model.get_submodule(name), rank, alpha, seed=seed + i,
                                                  use_rslora=use_rslora))
    return model


@checked
def merge_lora(model: nn.Module) -> nn.Module:
    """A copy of ``model`` with every LoRALinear replaced by its merged nn.Linear (same outputs)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    merged = copy.deepcopy(model)
    names = [name for name, m in merged.named_modules() if isinstance(m, LoRALinear)]
    if isinstance(merged, LoRALinear):
        return merged.merged()
    for name in names:
        _set_module(merged, name, merged.get_submodule(name).merged())
    return merged


@checked
def lora_layers(model: nn.Module) -> list[tuple[str, LoRALinear]]:
    """Every LoRALinear of ``model`` with its name."""
    return [(n, m) for n, m in model.named_modules() if isinstance(m, LoRALinear)]
