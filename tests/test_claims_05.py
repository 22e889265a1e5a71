"""Claims of notebook 05 (C23, C24), asserted on medians over seeds (see shared/lecture/claims.md)."""

import pytest
import torch

from course_lib import transfer
from course_lib.lora import merge_lora

SEEDS = range(8)


@pytest.fixture(scope="module")
def pretrained():
    return transfer.load_pretrained()[0]


@pytest.fixture(scope="module")
def sinusoids(pretrained):
    """The notebook's comparison: 4 methods, 10 labelled points, related and shifted target, 8 seeds."""
    return transfer.compare(pretrained, transfer.sinusoid_targets(seeds=SEEDS))


def test_c23_transfer_helps_a_lot_on_a_related_target(sinusoids):
    median = transfer.median_errors(sinusoids)["related"]
    assert median["linear probe"] < median["scratch"] / 2.5  # measured 0.018 vs 0.071
    assert min(median, key=median.get) == "linear probe"
    assert median["LoRA"] < median["scratch"] / 1.5  # measured 0.039
    assert median["full fine-tune"] < median["scratch"]  # measured 0.059


def test_c23_the_gain_shrinks_on_a_shifted_target(sinusoids):
    median = transfer.median_errors(sinusoids)
    gain = {name: m["scratch"] / min(m[k] for k in transfer.METHODS[1:]) for name, m in median.items()}
    assert gain["related"] > 2 * gain["shifted"]  # measured 3.9 vs 1.5
    assert median["shifted"]["linear probe"] > 5 * median["related"]["linear probe"]  # 0.205 vs 0.018


def test_c23_negative_transfer_digits_scratch_beats_every_adapted_model(pretrained):
    results = transfer.compare(transfer.pretrain_digits(), transfer.digits_targets(seeds=range(5)))
    median = transfer.median_errors(results)["digits 5-9"]
    assert all(median["scratch"] < median[m] for m in transfer.METHODS[1:])  # 0.11 vs 0.15-0.38
    assert median["linear probe"] > 2 * median["scratch"]  # 0.38 vs 0.11
    assert max(median, key=median.get) == "linear probe"


def test_c24_lora_matches_full_fine_tuning_with_a_fraction_of_the_parameters(sinusoids):
    median = transfer.median_errors(sinusoids)
    lora, full = (sinusoids["related"][m][0].trainable for m in ("LoRA", "full fine-tune"))
    assert lora < 0.15 * full  # 451 of 4,353
    for name in ("related", "shifted"):
        assert median[name]["LoRA"] < 1.5 * median[name]["full fine-tune"]


def test_c24_lora_starts_at_the_pretrained_model_and_merges_exactly(pretrained, sinusoids):
    model = transfer.adapt("LoRA", pretrained)
    probe = transfer.adapt("linear probe", pretrained)
    X = torch.linspace(-5, 5, 50)[:, None]
    assert torch.equal(model.body(X), pretrained.body(X)) and torch.equal(probe.body(X), model.body(X))
    trained = sinusoids["related"]["LoRA"][0].model
    assert not torch.equal(trained.body(X), pretrained.body(X))
    assert torch.allclose(merge_lora(trained)(X), trained(X), atol=1e-5)


def test_c24_rank_matters_only_when_the_target_is_far_from_the_source(pretrained):
    targets = transfer.sinusoid_targets(seeds=range(4))
    errors = {name: {r: transfer.median_error(rs)
                     for r, rs in transfer.rank_sweep(pretrained, (1, 16), tasks).items()}
              for name, tasks in targets.items()}
    assert errors["related"][1] < 1.3 * errors["related"][16]  # rank 1 is enough: 0.071 vs 0.078
    assert errors["shifted"][16] < 0.9 * errors["shifted"][1]  # more rank helps: 0.31 vs 0.51
