"""The four ways to adapt: what trains, what stays frozen, fair starting points, argument checks."""

import pytest
import torch

from course_lib import transfer
from course_lib.lora import lora_layers
from course_lib.models import count_parameters


@pytest.fixture(scope="module")
def pretrained():
    return transfer.load_pretrained()[0]


def test_each_method_trains_what_it_says(pretrained):
    counts = {m: count_parameters(transfer.adapt(m, pretrained)) for m in transfer.METHODS}
    assert counts == {"scratch": 4353, "linear probe": 65, "full fine-tune": 4353,
                      "LoRA": 65 + 2 * (1 + 64) + 2 * (64 + 64)}
    lora = transfer.adapt("LoRA", pretrained)
    assert [n for n, _ in lora_layers(lora)] == ["body.block1.linear", "body.block2.linear"]
    assert lora.head.weight.requires_grad and not lora.body.block1.linear.base.weight.requires_grad


def test_adapt_leaves_the_pretrained_model_untouched_and_starts_from_a_zero_head(pretrained):
    before = {k: v.clone() for k, v in pretrained.state_dict().items()}
    target = transfer.sinusoid_target(10, seed=0)
    for method in transfer.METHODS:
        model = transfer.adapt(method, pretrained)
        assert torch.equal(model(target.X_test), torch.zeros(len(target.X_test), 1))
        transfer.finetune(method, pretrained, target, num_steps=5)
    assert all(torch.equal(v, before[k]) for k, v in pretrained.state_dict().items())
    scratch = transfer.adapt("scratch", pretrained, seed=3)
    assert not torch.equal(scratch.body(target.X_test), pretrained.body(target.X_test))


def test_targets_and_errors():
    related, shifted = transfer.sinusoid_target(7, 1.0, seed=2), transfer.sinusoid_target(7, 1.5, seed=2)
    assert related.X_train.shape == (7, 1) and torch.equal(related.X_train, shifted.X_train)
    assert related.extra["amplitude"] == shifted.extra["amplitude"]
    digits = transfer.digits_target(3, seed=0)
    assert digits.X_train.shape == (15, 64) and sorted(digits.y_train.tolist()) == sorted(list(range(5)) * 3)
    zero = torch.nn.Linear(1, 1)
    torch.nn.init.zeros_(zero.weight), torch.nn.init.zeros_(zero.bias)
    y = related.y_test
    expected = float((y ** 2).mean() / y.var(unbiased=False))
    assert transfer.target_error(zero, related.X_test, y) == pytest.approx(expected)


def test_bad_arguments_are_named(pretrained):
    with pytest.raises(ValueError, match="method must be one of"):
        transfer.adapt("prompt tuning", pretrained)
    with pytest.raises(TypeError, match="pretrained must be a course_lib.models.MLP"):
        transfer.adapt("LoRA", torch.nn.Linear(1, 1))
    with pytest.raises(ValueError, match="n_train must be an integer > 0"):
        transfer.sinusoid_target(0)
    with pytest.raises(TypeError, match="target must be a course_lib.transfer.Task"):
        transfer.finetune("LoRA", pretrained, (1, 2))


def test_rank_explorer_slider_redraws_from_the_precomputed_sweep(pretrained):
    targets = transfer.sinusoid_targets(seeds=[0])["shifted"]
    sweep = transfer.rank_sweep(pretrained, (1, 4), targets, num_steps=20)
    explorer = transfer.rank_explorer(sweep, targets, {"full": [sweep[4][0]]})
    explorer.redraw()
    assert explorer.state["rank"] == 1 and explorer.state["trainable"] == sweep[1][0].trainable
    explorer.controls["rank"].value = 4
    assert explorer.state == {"rank": 4, "trainable": sweep[4][0].trainable, "error": sweep[4][0].error}
    assert not explorer.errors and explorer.controls["rank"].description == "rank"
