"""Notebook 05's exercises: the answers agree with the library (the headline's directions are in
test_claims_05); the LoRA code exercise's reference is course_lib.fine_tuning.lora and matches peft."""

import numpy as np
import pytest
import torch

from course_lib import exercises
from course_lib.exercises import ex05


@pytest.mark.parametrize(("answer", "read_as"), [
    ("linear probe", ["linear probe"]), ("Linear-Probe", ["linear probe"]), ("probe ", ["linear probe"]),
    ("the linear probe, not full fine-tuning", ["linear probe"]),
    ("I would use a linear probe rather than fine-tuning", ["linear probe"]),
    ("not LoRA but the probe", ["linear probe"]), ("freeze the body and train a new head", ["linear probe"]),
    ("LP-FT", ["LP-FT"]), ("lpft", ["LP-FT"]), ("probe, then fine-tune", ["LP-FT"]),
    ("first probe, then fine-tune", ["LP-FT"]), ("full fine-tuning instead of the probe", ["full fine-tune"]),
    ("LoRA", ["LoRA"]), ("from scratch", ["scratch"]), ("probe or LoRA", ["linear probe", "LoRA"]),
    ("banana", []), ("0.05", []),
])
def test_choose_reads_the_method_recommended_not_the_first_keyword(answer, read_as):
    assert ex05._methods_named(answer) == read_as


def test_choose_accepts_the_probe_and_an_unusable_answer_costs_no_hint(capsys):
    assert all(exercises.check("05.choose", a) for a in ("linear probe", "Linear-Probe", "probe ",
                                                         "the linear probe, not full fine-tuning"))
    capsys.readouterr()
    for unusable in ("banana", "probe or LoRA", 3):
        assert not exercises.check("05.choose", unusable)
        out = capsys.readouterr().out
        assert "Not judged" in out and "Hint" not in out
    assert not exercises.check("05.choose", "the probe, then fine-tuning")
    out = capsys.readouterr().out
    assert "read as recommending LP-FT" in out and "Hint 1/3" in out


def test_lora_swap_reference_is_the_formula_and_peft_merge():
    import peft
    from torch import nn

    rng = np.random.default_rng(0)
    W_merged, A1, B1, A2, B2, alpha = ex05._lora_inputs(rng, 6)
    r1, r2 = A1.shape[0], A2.shape[0]
    assert r1 != r2
    W = W_merged - (alpha / r1) * B1 @ A1
    expected = W + (alpha / r2) * B2 @ A2
    assert torch.allclose(ex05.lora_swap_reference(W_merged, A1, B1, A2, B2, alpha), expected)
    model = nn.Sequential(nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64))
    with torch.no_grad():
        model[0].weight.copy_(W)
    wrapped = peft.get_peft_model(model, peft.LoraConfig(r=r2, lora_alpha=alpha, target_modules=["0"]))
    with torch.no_grad():
        layer = wrapped.base_model.model[0]
        layer.lora_A["default"].weight.copy_(A2)
        layer.lora_B["default"].weight.copy_(B2)
    merged = wrapped.merge_and_unload()
    assert torch.allclose(merged[0].weight, expected)
