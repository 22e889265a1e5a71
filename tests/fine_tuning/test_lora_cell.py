"""Notebook 05 shows the LoRA layer's core in a cell (section 6); the library's LoRALinear is the same
code. The cell is taken from notebooks/src/05_fine_tuning.py and run: its forward, update and merge
are the library's, line for line, and give the library's and peft's outputs for the same A and B."""

import ast
import copy
import inspect
import math
import textwrap
from pathlib import Path

import pytest
import torch
from torch import nn

from course_lib.fine_tuning.lora import LoRALinear

SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / "src" / "05_fine_tuning.py"
SHARED = ("forward", "delta_weight", "merged")  # the methods the cell and the library share


def _cell() -> str:
    """The code cell of notebook 05 that defines ``class LoRALinear``."""
    cells = SOURCE.read_text().split("\n# %%")
    found = [c for c in cells if "class LoRALinear(nn.Module):" in c]
    assert len(found) == 1, "notebook 05 should define LoRALinear in exactly one cell"
    return found[0].split("\n", 1)[1]


def _cell_class() -> type:
    namespace = {"nn": nn, "torch": torch, "math": math, "copy": copy}
    exec(compile(_cell(), str(SOURCE), "exec"), namespace)  # noqa: S102 - the course's own cell
    return namespace["LoRALinear"]


def _body(function) -> str:
    """A method's code without its docstring and comments (ast round trip)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    node = tree.body[0]
    body = node.body[1:] if isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value,
                                                                              ast.Constant) else node.body
    return "\n".join(ast.unparse(statement) for statement in body)


def _cell_bodies() -> dict[str, str]:
    tree = ast.parse(_cell())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "LoRALinear")
    out = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef):
            body = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body
            out[node.name] = "\n".join(ast.unparse(statement) for statement in body)
    return out


def test_the_cell_is_short_and_its_forward_update_and_merge_are_the_librarys_code():
    code = [line for line in _cell().splitlines() if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= 25
    cell = _cell_bodies()
    for name in SHARED:
        assert cell[name] == _body(getattr(LoRALinear, name)), name


@pytest.mark.parametrize("use_rslora", [False, True])
def test_the_cell_gives_the_librarys_and_pefts_outputs_and_merge(use_rslora):
    import peft

    torch.manual_seed(0)
    base = nn.Linear(6, 5)
    mine = _cell_class()(copy.deepcopy(base), rank=2, alpha=4.0, use_rslora=use_rslora)
    lib = LoRALinear(copy.deepcopy(base), rank=2, alpha=4.0, use_rslora=use_rslora)
    config = peft.LoraConfig(r=2, lora_alpha=4, target_modules=["0"], use_rslora=use_rslora)
    theirs = peft.get_peft_model(nn.Sequential(copy.deepcopy(base)), config)
    peft_layer = theirs.base_model.model[0]
    with torch.no_grad():
        A, B = torch.randn(2, 6), torch.randn(5, 2)
        for layer in (mine, lib):
            layer.A.copy_(A)
            layer.B.copy_(B)
        peft_layer.lora_A["default"].weight.copy_(A)
        peft_layer.lora_B["default"].weight.copy_(B)
        X = torch.randn(12, 6)
        assert mine.scaling == lib.scaling == peft_layer.scaling["default"]
        assert torch.allclose(mine(X), lib(X)) and torch.allclose(mine(X), theirs(X), atol=1e-6)
        merged = mine.merged()
        assert isinstance(merged, nn.Linear) and torch.allclose(merged(X), mine(X), atol=1e-5)
        assert torch.allclose(merged.weight, theirs.merge_and_unload()[0].weight, atol=1e-6)
        assert torch.equal(mine.base.weight, base.weight)  # merging leaves the frozen layer as it was


def test_the_cell_starts_as_the_base_layer_and_trains_only_A_and_B():
    base = nn.Linear(8, 4)
    layer = _cell_class()(base, rank=2, alpha=2.0)
    X = torch.randn(3, 8)
    assert torch.equal(layer(X), base(X))
    assert [n for n, p in layer.named_parameters() if p.requires_grad] == ["A", "B"]
