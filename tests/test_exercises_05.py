"""Notebook 05's exercises accept the library's answer and reject a wrong one."""

import pytest
from torch import nn

from course_lib import exercises, transfer
from course_lib.lora import LoRALinear
from course_lib.models import count_parameters


def _answers() -> dict:
    """Each answer computed with the library, not typed in."""
    layer = LoRALinear(nn.Linear(10, 10), rank=8, alpha=16)
    return {"05.lora_params": count_parameters(LoRALinear(nn.Linear(256, 128), rank=4)),
            "05.scaling": layer.scaling,
            "05.probe_params": count_parameters(transfer.adapt("linear probe", transfer.backbone(), 3))}


@pytest.mark.parametrize("key", ["05.lora_params", "05.scaling", "05.probe_params"])
def test_correct_passes_wrong_and_missing_get_a_hint(key, capsys):
    assert exercises.check(key, _answers()[key])
    assert not exercises.check(key, 7) and not exercises.check(key, ...) and not exercises.check(key, "x")
    out = capsys.readouterr().out
    assert "Correct" in out and out.count("Hint:") >= 3
    exercises.solution(key)
    assert capsys.readouterr().out.strip()
