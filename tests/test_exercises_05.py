"""Notebook 05's exercises: answers agree with the library, classic mistakes get targeted feedback."""

import pytest
from torch import nn

from course_lib import exercises, transfer
from course_lib.lora import LoRALinear
from course_lib.models import count_parameters


def _answers() -> dict:
    """Each answer computed with the library, not typed in (05.choose: see test_claims_05)."""
    layer = LoRALinear(nn.Linear(10, 10), rank=8, alpha=16)
    return {"05.choose": "linear probe",
            "05.scaling": layer.scaling,
            "05.probe_params": count_parameters(transfer.adapt("linear probe", transfer.backbone(), 3))}


@pytest.mark.parametrize(("key", "answer", "feedback"), [
    ("05.choose", "LoRA", "321"), ("05.choose", "Full fine-tune", "4,353"), ("05.choose", "scratch", "worst"),
    ("05.scaling", 5.657, "rsLoRA"), ("05.probe_params", 192, "biases")])
def test_classic_mistakes_get_targeted_feedback(key, answer, feedback, capsys):
    assert not exercises.check(key, answer)
    assert feedback in capsys.readouterr().out


def test_choose_accepts_spellings_of_the_probe():
    assert all(exercises.check("05.choose", a) for a in ("linear probe", "Linear-Probe", "probe "))
