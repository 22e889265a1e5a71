"""L1 and L2 penalties on the weights, as TensorFlow Playground's "regularization" adds them to the loss.

``add_penalty`` adds the penalty's gradient to every weight matrix's gradient (a tensor hook), which
is what ``loss + rate * penalty`` would do, so ``training.fit`` trains with it unchanged; the loss
it records is the data loss alone. (An optimizer's ``weight_decay`` is the other route: for SGD it
equals the L2 penalty with rate = weight_decay / 2; for Adam it does not, and AdamW decouples it.)
"""

from __future__ import annotations

import torch
from torch import nn

from ..checks import check_choice, check_positive, checked

PENALTIES = ("l1", "l2")


@checked
def penalty(model: nn.Module, kind: str) -> torch.Tensor:
    """Sum of |w| (l1) or of w² (l2) over the weight matrices of every nn.Linear (biases excluded)."""
    check_choice("kind", kind, PENALTIES)
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    return sum((w.abs().sum() if kind == "l1" else (w**2).sum()) for w in weights)


@checked
def add_penalty(model: nn.Module, kind: str, rate: float) -> list:
    """Train ``model`` with ``rate * penalty(model, kind)`` added to its loss; the hooks' handles.

    Call ``handle.remove()`` on each to train without it again.
    """
    check_choice("kind", kind, PENALTIES)
    check_positive("rate", rate, allow_zero=True)
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    handles = []
    for m in model.modules():
        if isinstance(m, nn.Linear):
            w = m.weight
            if kind == "l1":
                handles.append(w.register_hook(lambda g, w=w: g + rate * torch.sign(w.detach())))
            else:
                handles.append(w.register_hook(lambda g, w=w: g + 2 * rate * w.detach()))
    return handles
