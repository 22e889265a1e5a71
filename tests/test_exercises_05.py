"""Notebook 05's exercises: the answers agree with the library; the probe is accepted in any spelling."""

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


def test_choose_accepts_spellings_of_the_probe():
    assert all(exercises.check("05.choose", a) for a in ("linear probe", "Linear-Probe", "probe "))
