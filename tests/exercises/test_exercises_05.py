"""Notebook 05's exercises: the answers agree with the library (the headline's directions are in
test_claims_05); the LoRA code exercise's reference is course_lib.fine_tuning.lora and matches peft."""

import numpy as np
import torch

from course_lib import exercises
from course_lib.exercises import ex05


def test_choose_accepts_spellings_of_the_probe():
    assert all(exercises.check("05.choose", a) for a in ("linear probe", "Linear-Probe", "probe "))


def test_lora_forward_reference_is_the_formula_and_peft():
    import peft
    from torch import nn

    rng = np.random.default_rng(0)
    x, W, b, A, B, alpha = ex05._lora_inputs(rng, 6)
    r = A.shape[0]
    expected = x @ W.T + b + (alpha / r) * (x @ A.T) @ B.T
    assert torch.allclose(ex05.lora_forward_reference(x, W, b, A, B, alpha), expected)
    model = nn.Sequential(nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64))
    with torch.no_grad():
        model[0].weight.copy_(W)
        model[0].bias.copy_(b)
    wrapped = peft.get_peft_model(model, peft.LoraConfig(r=r, lora_alpha=alpha, target_modules=["0"]))
    with torch.no_grad():
        layer = wrapped.base_model.model[0]
        layer.lora_A["default"].weight.copy_(A)
        layer.lora_B["default"].weight.copy_(B)
        assert torch.allclose(wrapped(x), expected)
