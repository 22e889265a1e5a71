"""The hand-written LoRA layer: zero start, merge equivalence, parameter counts, frozen base, the
LoRA paper's formula, and the same outputs and merge as Hugging Face's peft (a test dependency) for
the same A and B, under both scalings (alpha / r and rsLoRA's alpha / sqrt(r))."""

import pytest
import torch
from torch import nn

from course_lib.fine_tuning.lora import LoRALinear, add_lora, lora_layers, lora_parameter_count, merge_lora
from course_lib.models import MLP, count_parameters


def _trained_like(layer: LoRALinear, seed: int = 0) -> LoRALinear:
    """Give B non-zero values, as training would."""
    with torch.no_grad():
        layer.B.normal_(generator=torch.Generator().manual_seed(seed))
    return layer


def test_zero_initialised_B_gives_the_base_outputs():
    base = nn.Linear(5, 3)
    layer = LoRALinear(base, rank=2, alpha=4.0)
    X = torch.randn(10, 5)
    assert torch.equal(layer.B, torch.zeros(3, 2)) and layer.A.abs().sum() > 0
    assert torch.equal(layer(X), base(X))


@pytest.mark.parametrize("rank, alpha", [(1, 1.0), (2, 8.0), (4, 2.0)])
def test_forward_is_W_x_plus_scaled_BA_x_and_merging_gives_the_same_outputs(rank, alpha):
    base = nn.Linear(6, 4)
    layer = _trained_like(LoRALinear(base, rank=rank, alpha=alpha, seed=1))
    X = torch.randn(20, 6)
    W = base.weight + (alpha / rank) * layer.B @ layer.A  # the paper's W0 + ΔW, ΔW = BA scaled by α/r
    assert torch.allclose(layer(X), X @ W.T + base.bias, atol=1e-6)
    merged = layer.merged()
    assert isinstance(merged, nn.Linear)
    assert torch.allclose(merged.weight, W, atol=1e-6) and torch.equal(merged.bias, base.bias)
    assert torch.allclose(merged(X), layer(X), atol=1e-6)
    assert torch.linalg.matrix_rank(layer.delta_weight()) == rank


def test_A_is_initialised_like_nn_linear_and_peft():
    """peft: kaiming_uniform_(A, a=sqrt(5)), B zeros; nn.Linear initialises its weight the same way."""
    layer = LoRALinear(nn.Linear(64, 8), rank=4, seed=3)
    reference = torch.empty(4, 64)
    torch.nn.init.kaiming_uniform_(reference, a=5 ** 0.5)
    bound = reference.abs().max().item()
    assert layer.A.abs().max() <= 1 / 64 ** 0.5 + 1e-7 and bound <= 1 / 64 ** 0.5 + 1e-7
    assert layer.A.std().item() == pytest.approx(reference.std().item(), rel=0.3)
    assert torch.equal(LoRALinear(nn.Linear(64, 8), rank=4, seed=3).A, layer.A)  # seeded


def test_only_A_and_B_train_and_the_count_is_r_times_in_plus_out():
    base = nn.Linear(64, 32)
    layer = LoRALinear(base, rank=3)
    assert not base.weight.requires_grad and not base.bias.requires_grad
    assert count_parameters(layer) == lora_parameter_count(64, 32, 3) == 3 * (64 + 32)
    assert count_parameters(layer, trainable_only=False) == 64 * 32 + 32 + 3 * 96


def test_training_changes_A_and_B_but_never_the_base_weight():
    base = nn.Linear(4, 2)
    before = base.weight.detach().clone()
    layer = LoRALinear(base, rank=2)
    optimizer = torch.optim.Adam(layer.parameters(), lr=0.1)
    X, y = torch.randn(32, 4), torch.randn(32, 2)
    for _ in range(5):
        optimizer.zero_grad()
        ((layer(X) - y) ** 2).mean().backward()
        optimizer.step()
    assert torch.equal(base.weight, before) and base.weight.grad is None
    assert layer.B.abs().sum() > 0


def test_add_lora_wraps_every_linear_freezes_the_rest_and_merge_restores_plain_linears():
    model = MLP(3, out_features=2, hidden=(8, 8), task="regression", seed=0)
    X = torch.randn(16, 3)
    reference = model(X).detach()
    add_lora(model, rank=2)
    assert [n for n, _ in lora_layers(model)] == ["body.block1.linear", "body.block2.linear", "head"]
    assert count_parameters(model) == 2 * (3 + 8) + 2 * (8 + 8) + 2 * (8 + 2)
    assert torch.equal(model(X), reference)  # B = 0: the adapted model starts as the pretrained one
    for _, layer in lora_layers(model):
        _trained_like(layer)
    merged = merge_lora(model)
    assert not lora_layers(merged) and lora_layers(model)  # a copy; the original keeps its adapters
    assert torch.allclose(merged(X), model(X), atol=1e-5)
    assert not torch.allclose(merged(X), reference)


def test_add_lora_on_named_targets_only():
    model = MLP(3, hidden=(8, 8), task="regression")
    add_lora(model, rank=1, targets=["body.block2.linear"])
    assert [n for n, _ in lora_layers(model)] == ["body.block2.linear"]
    assert count_parameters(model) == 1 * (8 + 8)


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="base must be a torch.nn.Linear"):
        LoRALinear(nn.Conv1d(1, 1, 1))
    with pytest.raises(ValueError, match="rank must be an integer > 0"):
        LoRALinear(nn.Linear(2, 2), rank=0)
    with pytest.raises(ValueError, match="alpha must be"):
        LoRALinear(nn.Linear(2, 2), alpha=-1.0)
    with pytest.raises(ValueError, match="targets must name nn.Linear layers"):
        add_lora(MLP(3, hidden=(8,)), targets=["nope"])
    with pytest.raises(TypeError, match="targets must be a list"):
        add_lora(MLP(3, hidden=(8,)), targets="head")
    with pytest.raises(ValueError, match="no nn.Linear"):
        add_lora(nn.Sequential(nn.Tanh()))


@pytest.mark.parametrize("use_rslora", [False, True])
def test_same_outputs_and_merge_as_peft(use_rslora):
    """The oracle: peft wraps the same layers; copied A and B give the same outputs and merge."""
    import peft

    model = MLP(3, out_features=2, hidden=(8, 8), task="regression", seed=0)
    ours = add_lora(MLP(3, out_features=2, hidden=(8, 8), task="regression", seed=0).body, rank=2, alpha=4.0,
                    use_rslora=use_rslora)
    config = peft.LoraConfig(r=2, lora_alpha=4, target_modules=["linear"], use_rslora=use_rslora)
    theirs = peft.get_peft_model(model.body, config)
    assert count_parameters(theirs) == count_parameters(ours) == 2 * (3 + 8) + 2 * (8 + 8)
    X = torch.randn(16, 3)
    with torch.no_grad():
        for name, layer in lora_layers(ours):
            _trained_like(layer)
            twin = theirs.base_model.model.get_submodule(name)
            assert twin.scaling["default"] == pytest.approx(layer.scaling)
            twin.lora_A["default"].weight.copy_(layer.A)
            twin.lora_B["default"].weight.copy_(layer.B)
        assert torch.allclose(theirs(X), ours(X), atol=1e-6)
        assert torch.allclose(theirs.merge_and_unload()(X), merge_lora(ours)(X), atol=1e-5)


def test_rslora_scales_by_alpha_over_sqrt_r():
    assert LoRALinear(nn.Linear(32, 32), rank=16, alpha=8.0, use_rslora=True).scaling == 2.0
    assert LoRALinear(nn.Linear(32, 32), rank=16, alpha=8.0).scaling == 0.5
