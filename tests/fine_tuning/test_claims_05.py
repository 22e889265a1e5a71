"""Claims of notebook 05 (transfer learning and LoRA; shared/lecture/claims.md), asserted as
directions over seeds, never one seed's ranking, on the shipped backbone *and* on a freshly
pretrained one (another seed), with seeds the notebook never uses. The experiments run once per
module and are shared by the tests."""

import numpy as np
import pytest
import torch

from course_lib import exercises
from course_lib.fine_tuning import transfer
from course_lib.fine_tuning.lora import merge_lora

FRESH_SEEDS = (20, 21, 22, 23, 24, 25)


@pytest.fixture(scope="module", params=["shipped", "fresh"])
def backbone(request):
    if request.param == "shipped":
        return transfer.load_pretrained()[0]
    return transfer.pretrain(seed=1)[0]


@pytest.fixture(scope="module")
def lrs():
    return transfer.load_lrs()["lr"]


@pytest.fixture(scope="module")
def results(backbone, lrs):
    """The notebook's headline on fresh seeds: 5 methods x 4 targets x 6 seeds."""
    return transfer.compare(backbone, transfer.target_tasks(seeds=FRESH_SEEDS), lrs, seeds=FRESH_SEEDS)


def _median(results, target, method):
    return transfer.median_error(results[target][method])


PRETRAINED = transfer.METHODS[1:]


def test_same_style_every_pretrained_start_ties_and_fine_tuning_chooses_not_to_move_the_body(results, lrs):
    r = results["same style"]
    for method in PRETRAINED:  # measured 0.04-0.06 vs 0.20-0.22 from scratch, on every seed
        assert transfer.wins(r[method], r["scratch"]) == len(FRESH_SEEDS)
    assert "linear probe" in transfer.leaders(r)  # the best does not beat the probe on >= 3/4 of seeds
    medians = [transfer.median_error(r[m]) for m in PRETRAINED]
    assert max(medians) - min(medians) < 0.02  # measured 0.049-0.055
    for method in ("full fine-tune", "LP-FT"):  # the smallest body lr: leave the body as it is
        assert lrs["same style"][method]["body"] == min(transfer.BODY_LR_GRID)


def test_inverted_contrast_methods_that_change_the_body_beat_the_probe_and_lora_leads(results):
    r = results["inverted"]
    for method in ("full fine-tune", "LoRA", "LP-FT"):
        # the prose: "on 6 of 6 fresh seeds, with this backbone and with the second"
        assert transfer.wins(r[method], r["linear probe"]) == len(FRESH_SEEDS)
    assert transfer.leaders(r, min_share=0.5)[0] == "LoRA"  # lowest median: 0.061-0.069
    # the prose: LoRA's weak win over full fine-tuning "repeats on fresh seeds (5 of 6 with this
    # backbone, 6 of 6 with the second)"
    assert transfer.wins(r["LoRA"], r["full fine-tune"]) >= 5
    assert transfer.wins(r["linear probe"], r["scratch"]) == len(FRESH_SEEDS)


def test_rotated_negative_transfer_nothing_beats_scratch(results, request):
    r = results["rotated 90°"]
    assert transfer.leaders(r)[0] == "scratch"  # lowest median: 0.22 vs 0.25-0.40
    assert transfer.wins(r["scratch"], r["linear probe"]) == len(FRESH_SEEDS)  # on every seed
    assert transfer.median_error(r["linear probe"]) > transfer.median_error(r["scratch"]) + 0.1
    # the prose: scratch's weak win "repeats on fresh seeds (6 of 6 with this backbone, 5-6 of 6 with
    # the second)"; measured 6/6/6 (full FT, LoRA, LP-FT) shipped, 5/6/6 on the second backbone
    for method in PRETRAINED:
        assert transfer.wins(r["scratch"], r[method]) >= 5
    if request.node.callspec.params["backbone"] == "shipped":  # "6 of 6 with this backbone"
        assert all(transfer.wins(r["scratch"], r[m]) == len(FRESH_SEEDS) for m in PRETRAINED)


def test_noisy_images_every_pretrained_start_beats_scratch_and_none_wins_among_them(results):
    r = results["noisy"]
    medians = {m: transfer.median_error(rs) for m, rs in r.items()}
    for method in PRETRAINED:
        assert medians[method] < medians["scratch"] - 0.08  # measured about 0.3 vs 0.44
        assert transfer.wins(r[method], r["scratch"]) == len(FRESH_SEEDS)
    pretrained = [medians[m] for m in PRETRAINED]
    assert max(pretrained) - min(pretrained) < 0.04  # measured 0.29-0.32 (a spread of 0.03 at most)


def test_pretrained_start_reaches_a_target_error_in_fewer_steps(backbone):
    tasks = [transfer.target_task("inverted", shots=10, seed=s) for s in FRESH_SEEDS[:4]]
    race = transfer.steps_to_target(backbone, tasks, 0.15)
    scratch, fine_tuned = race["scratch"]["steps"], race["full fine-tune"]["steps"]
    assert np.all(fine_tuned < scratch)  # on every seed
    assert np.median(fine_tuned) < np.median(scratch) / 2  # measured 4 vs 14.5 steps
    fine_tunes = transfer.amortisation(18000, np.median(scratch), np.median(fine_tuned), 100)
    assert 1 < fine_tunes < 50  # pretraining costs several fine-tunes' worth


def test_with_few_labels_pretraining_buys_accuracy_scratch_never_reaches(backbone):
    tasks = [transfer.target_task("inverted", shots=3, seed=s) for s in FRESH_SEEDS[:4]]
    curves = transfer.race(backbone, tasks)
    steps = transfer.fastest(curves, 0.2)
    assert np.isinf(np.median(steps["scratch"]["steps"]))  # the median seed, at any lr: never in 100 steps
    assert np.isinf(steps["scratch"]["steps"]).sum() >= 3  # of 4 seeds (measured 3 on the shipped one)
    assert np.all(np.isfinite(steps["full fine-tune"]["steps"]))  # measured 4 steps (median)


def test_on_rotated_digits_fine_tuning_is_slower_than_scratch(backbone):
    tasks = [transfer.target_task("rotated 90°", shots=10, seed=s) for s in FRESH_SEEDS[:4]]
    curve = transfer.compute_curve(transfer.race(backbone, tasks), (0.15, 0.2), 18000, 100)
    assert np.all(curve["full fine-tune"] >= curve["scratch"])  # never faster: 14.5 vs 8.5 and 9.5 vs
    assert np.all(np.isinf(curve["repay"]))  # 6.5 on the notebook's seeds, 14 vs 14 and 8.5 vs 7.5 here


def test_sample_efficiency_the_gain_over_scratch_shrinks_with_more_labels(backbone, lrs):
    errs = transfer.sample_efficiency(backbone, "inverted", (1, 30), lrs["inverted"],
                                      methods=("scratch", "full fine-tune"), seeds=FRESH_SEEDS[:4])
    gap = np.median(errs["scratch"], axis=1) - np.median(errs["full fine-tune"], axis=1)
    assert gap[0] > 0.15 and gap[1] < gap[0] / 2


def test_lora_alpha_over_r_shrinks_the_update_at_high_rank_and_rslora_lets_it_grow():
    from course_lib.fine_tuning.transfer_plots import _update_norm

    pretrained = transfer.load_pretrained()[0]
    tasks = [transfer.target_task("inverted", seed=s) for s in FRESH_SEEDS[:3]]
    sweep = transfer.rank_sweep(pretrained, tasks, (1, 32), 1e-3)
    norm = {k: np.median([_update_norm(r) for r in rs]) for k, rs in sweep.items()}
    assert norm[(32, False)] < 0.9 * norm[(1, False)]  # measured 3.5 vs 4.7: alpha/r shrinks it
    assert norm[(32, True)] > 2 * norm[(32, False)]  # rsLoRA lets it grow: 10 vs 3.4


def test_lora_starts_at_the_pretrained_model_and_merges_exactly(results):
    trained = results["inverted"]["LoRA"][0].model
    X = transfer.target_task("inverted", seed=0).X_test
    assert torch.allclose(merge_lora(trained)(X), trained(X), atol=1e-5)
    pretrained = transfer.load_pretrained()[0]
    assert torch.equal(transfer.adapt("LoRA", pretrained).body(X), pretrained.body(X))


def test_the_exercise_answers_are_what_the_experiment_says(results):
    assert "linear probe" in transfer.leaders(results["same style"])  # tied for best, and the cheapest
    assert exercises.check("05.choose", "linear probe")
