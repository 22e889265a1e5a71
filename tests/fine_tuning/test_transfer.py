"""The five ways to adapt: what trains, fair starting points, target styles, the vmapped trainer
being exactly per-seed training, compute accounting, the rank explorer, argument checks."""

import copy

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from course_lib.fine_tuning import transfer, transfer_plots
from course_lib.fine_tuning.lora import lora_layers
from course_lib.models import count_parameters

# The chosen lrs at an edge of their grid, each explained in notebook 05: a body lr of 1e-6 is the
# limit "leave the body as it is" (200 Adam steps move a weight by at most 2e-4; smaller is the
# same); LP-FT's body lr 0.1 on the rotated digits is the grid's top, and 0.3 diverges.
EDGES = ["same style / full fine-tune / body lr 1e-06", "same style / LoRA / body lr 1e-06",
         "same style / LP-FT / body lr 1e-06", "rotated 90° / LP-FT / body lr 0.1",
         "noisy / LoRA / body lr 1e-06"]


@pytest.fixture(scope="module")
def pretrained():
    return transfer.load_pretrained()[0]


def test_each_method_trains_what_it_says(pretrained):
    counts = {m: count_parameters(transfer.adapt(m, pretrained)) for m in transfer.METHODS}
    full = 2 * (64 * 64 + 64) + 64 * 10 + 10
    assert counts == {"scratch": full, "linear probe": 650, "full fine-tune": full,
                      "LoRA": 650 + 2 * 4 * (64 + 64), "LP-FT": 650}
    lora = transfer.adapt("LoRA", pretrained)
    assert [n for n, _ in lora_layers(lora)] == ["body.block1.linear", "body.block2.linear"]
    assert lora.head.weight.requires_grad and not lora.body.block2.linear.base.weight.requires_grad
    assert transfer.adapt("LoRA", pretrained, rank=16, use_rslora=True).body.block1.linear.scaling == 1.0


def test_adapt_leaves_the_pretrained_model_untouched_and_starts_from_a_zero_head(pretrained):
    before = {k: v.clone() for k, v in pretrained.state_dict().items()}
    task = transfer.target_task("inverted", seed=0)
    for method in transfer.METHODS:
        model = transfer.adapt(method, pretrained)
        assert torch.equal(model(task.X_test), torch.zeros(len(task.X_test), 10))
    transfer.run("LP-FT", pretrained, [task], 1e-3, num_steps=4)
    transfer.run("full fine-tune", pretrained, [task], 1e-3, num_steps=4)
    assert all(torch.equal(v, before[k]) for k, v in pretrained.state_dict().items())
    scratch = transfer.adapt("scratch", pretrained, seed=3)
    assert not torch.equal(scratch.body(task.X_test), pretrained.body(task.X_test))


def _alone(model, task, lr, num_steps):
    """The reference: one model trained by itself with full-batch Adam."""
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(num_steps):
        optimizer.zero_grad()
        F.cross_entropy(model(task.X_train), task.y_train).backward()
        optimizer.step()
    return model


@pytest.mark.parametrize("method", ["full fine-tune", "LoRA", "scratch"])
def test_training_seeds_together_is_training_each_alone(pretrained, method):
    tasks = [transfer.target_task("noisy", seed=s) for s in (0, 1, 2)]
    together = [transfer.adapt(method, pretrained, seed=s) for s in (0, 1, 2)]
    alone = [_alone(copy.deepcopy(m), t, 3e-3, 15) for m, t in zip(together, tasks, strict=True)]
    transfer.train_together(together, tasks, 3e-3, 15)
    for a, b in zip(together, alone, strict=True):
        for (name, p), q in zip(a.named_parameters(), b.parameters(), strict=True):
            assert torch.allclose(p, q, atol=1e-5), name


def test_target_styles_and_splits():
    same, inverted = transfer.target_task("same style", seed=4), transfer.target_task("inverted", seed=4)
    assert torch.allclose(inverted.X_train, 1 - same.X_train) and torch.equal(same.y_test, inverted.y_test)
    rotated = transfer.target_task("rotated 90°", seed=4)
    back = np.rot90(rotated.X_train.numpy().reshape(-1, 8, 8), -1, axes=(1, 2)).reshape(-1, 64)
    assert np.array_equal(back, same.X_train.numpy())
    noise = transfer.target_task("noisy", seed=4).X_test - same.X_test
    assert noise.std().item() == pytest.approx(transfer.NOISE_STD, rel=0.05)
    assert sorted(same.y_train.tolist()) == sorted(list(range(10)) * 3)
    assert len(same.X_val) == 200 and len(same.X_train) + len(same.X_val) + len(same.X_test) == 897
    rows = {tuple(r) for r in same.X_train.tolist()}
    assert not rows & {tuple(r) for r in same.X_test.tolist()}  # distinct images (the pool has no duplicates)


def test_steps_to_target_and_amortisation(pretrained):
    tasks = [transfer.target_task("same style", shots=3, seed=s) for s in (0, 1)]
    race = transfer.steps_to_target(pretrained, tasks, 0.5, lr_grid=(1e-3, 3e-3), num_steps=20,
                                    eval_every=2)
    curve = race["full fine-tune"]["curve"]
    assert curve.shape == (11, 2) and np.allclose(curve[0], 0.9, atol=0.1)  # a zero head: chance level
    assert np.all(race["full fine-tune"]["steps"] % 2 == 0) and race["scratch"]["lr"] in (1e-3, 3e-3)
    assert transfer.amortisation(18000, 40, 10, 100) == 6.0
    assert transfer.amortisation(18000, 10, 10, 100) == float("inf")


def test_lr_search_picks_the_lowest_validation_error_and_the_shipped_file_is_consistent():
    val = {"t": {"m": {1e-3: 0.2, 3e-3: 0.1, 1e-2: 0.1}, "p": {(1e-3, 1e-5): 0.1, (1e-2, 1e-6): 0.1}}}
    assert transfer.best_lrs(val) == {"t": {"m": 3e-3, "p": {"head": 1e-2, "body": 1e-6}}}
    search = transfer.load_lrs()
    assert search["grid"] == list(transfer.LR_GRID) and search["seeds"] == list(transfer.SEEDS)
    assert search["head_grid"] == list(transfer.HEAD_LR_GRID)
    assert search["body_grid"] == list(transfer.BODY_LR_GRID)
    assert transfer.best_lrs(search["val"]) == search["lr"]
    assert set(search["lr"]) == set(transfer.TARGETS)
    assert all(set(by_m) == set(transfer.METHODS) for by_m in search["lr"].values())
    for by_m in search["lr"].values():  # one lr where there is one, a pair where a body moves
        assert all(isinstance(by_m[m], float) for m in transfer.ONE_LR)
        assert all(set(by_m[m]) == {"head", "body"} for m in by_m if m not in transfer.ONE_LR)


def test_discriminative_lrs_train_the_head_and_the_body_at_their_own_rates(pretrained):
    task = transfer.target_task("inverted", seed=0)
    model = transfer.adapt("full fine-tune", pretrained)
    alone = _alone_two_rates(copy.deepcopy(model), task, 1e-2, 1e-4, 5)
    transfer.train_together([model], [task], 1e-4, 5, head_lr=1e-2)
    for (name, p), q in zip(model.named_parameters(), alone.parameters(), strict=True):
        assert torch.allclose(p, q, atol=1e-6), name
    frozen = transfer.run("full fine-tune", pretrained, [task], 1e-12, head_lr=1e-2, num_steps=20)[0]
    probe = transfer.run("linear probe", pretrained, [task], 1e-2, num_steps=20)[0]
    assert abs(frozen.error - probe.error) < 0.01  # a body lr of ~0 is the probe
    assert frozen.head_lr == 1e-2 and frozen.lr == 1e-12


def _alone_two_rates(model, task, head_lr, lr, num_steps):
    """The reference: one model, torch.optim.Adam with a parameter group for the head."""
    head = [p for n, p in model.named_parameters() if n.startswith("head.")]
    body = [p for n, p in model.named_parameters() if not n.startswith("head.") and p.requires_grad]
    optimizer = torch.optim.Adam([{"params": head, "lr": head_lr}, {"params": body, "lr": lr}])
    for _ in range(num_steps):
        optimizer.zero_grad()
        F.cross_entropy(model(task.X_train), task.y_train).backward()
        optimizer.step()
    return model


def test_lp_ft_is_a_probe_then_fine_tuning_with_the_heads_own_lr(pretrained):
    task = transfer.target_task("inverted", seed=1)
    lp_ft = transfer.run("LP-FT", pretrained, [task], 1e-4, head_lr=1e-2, num_steps=10)[0].model
    model = transfer.adapt("linear probe", pretrained, seed=0)
    _alone(model, task, 1e-2, 5)
    model.requires_grad_(True)
    _alone_two_rates(model, task, 1e-2, 1e-4, 5)
    for (name, p), q in zip(lp_ft.named_parameters(), model.parameters(), strict=True):
        assert torch.allclose(p, q, atol=1e-5), name


def test_the_shipped_lrs_at_an_edge_of_their_grid_are_the_explained_ones():
    assert transfer.edge_choices(transfer.load_lrs()) == EDGES
    fake = {"grid": [1, 2, 3], "head_grid": [1, 2, 3], "body_grid": [1, 2, 3],
            "lr": {"t": {"a": 2.0, "b": {"head": 3.0, "body": 2.0}}}}
    assert transfer.edge_choices(fake) == ["t / b / head lr 3"]


def test_the_shipped_compute_races_agree_with_a_live_one(pretrained):
    compute = transfer.load_compute()
    tasks = [transfer.target_task("inverted", shots=10, seed=s) for s in transfer.SEEDS]
    shipped = compute["races"]["inverted|10"]
    i = compute["target_errors"].index(0.15)
    lr = shipped["full fine-tune"]["lr"][i]
    curves = transfer.race(pretrained, tasks, methods=("full fine-tune",), lr_grid=(lr,))
    live = transfer.fastest({"full fine-tune": curves["full fine-tune"]}, 0.15)["full fine-tune"]["steps"]
    assert np.array_equal(live, shipped["full fine-tune"]["seeds"][i])


def test_rank_explorer_moves_its_slider_and_toggle(pretrained):
    tasks = [transfer.target_task("inverted", seed=s) for s in (0, 1)]
    sweep = transfer.rank_sweep(pretrained, tasks, (1, 4), 3e-3, num_steps=10)
    refs = {"linear probe": transfer.run("linear probe", pretrained, tasks, 1e-2, num_steps=10)}
    explorer = transfer_plots.rank_explorer(sweep, refs, alpha=4.0, target="inverted")
    explorer.redraw()
    assert explorer.state["rank"] in (1, 4) and not explorer.state["use_rslora"]

    def scalings_drawn():  # the rank question asks about both: the picture shows the chosen one only
        return {t for ax in explorer.figure.axes for t in (line.get_label() for line in ax.lines)
                if t.startswith("α/")}
    assert scalings_drawn() == {"α/r (LoRA)"}
    explorer.controls["rank"].value = 4
    assert explorer.state["rank"] == 4 and explorer.state["trainable"] == 650 + 2 * 4 * 128
    assert explorer.state["median"] == transfer.median_error(sweep[(4, False)])
    explorer.controls["scaling"].value = explorer.controls["scaling"].options[1]
    assert explorer.state["use_rslora"] and scalings_drawn() == {"α/√r (rsLoRA)"}
    assert explorer.state["median"] == transfer.median_error(sweep[(4, True)])
    assert not explorer.errors and explorer.controls["rank"].description == "rank"
    with pytest.raises(ValueError, match="sweep must hold"):
        transfer_plots.rank_explorer({}, refs, alpha=4.0, target="inverted")


def test_bad_arguments_are_named(pretrained):
    with pytest.raises(ValueError, match="method must be one of"):
        transfer.adapt("prompt tuning", pretrained)
    with pytest.raises(TypeError, match="pretrained must be a course_lib.models.MLP"):
        transfer.adapt("LoRA", torch.nn.Linear(1, 1))
    with pytest.raises(ValueError, match="target must be one of"):
        transfer.target_task("upside down")
    with pytest.raises(ValueError, match="shots must be an integer > 0"):
        transfer.target_task("inverted", shots=0)
    with pytest.raises(ValueError, match="models and tasks"):
        transfer.train_together([], [], 1e-3, 1)
    with pytest.raises(ValueError, match="results and baseline"):
        transfer.wins([1], [1, 2])


def test_wins_table_counts_seeds_against_scratch_and_the_probe():
    def rs(method, errs):
        return [transfer.Result(method, 1e-3, e, e, 0, torch.nn.Identity()) for e in errs]

    results = {"inverted": {"scratch": rs("scratch", [0.3, 0.3, 0.1]),
                            "linear probe": rs("linear probe", [0.2, 0.2, 0.2]),
                            "LoRA": rs("LoRA", [0.1, 0.25, 0.05])}}
    lines = transfer.wins_table(results).splitlines()
    assert lines[0].startswith("seeds (of 3)")
    assert lines[1].split() == ["target", "linear", "probe", "LoRA"]
    assert lines[2].split() == ["inverted", "2", "|", "-", "3", "|", "2"]


def test_lr_pair_reads_a_chosen_setting_and_names_a_bad_one():
    assert transfer.lr_pair(0.01) == (None, 0.01)
    assert transfer.lr_pair({"head": 0.1, "body": 0.001}) == (0.1, 0.001)
    with pytest.raises(ValueError, match="choice must be a number or a dict with a 'body' lr"):
        transfer.lr_pair({"head": 0.1})
    with pytest.raises(TypeError, match="choice must be float or dict"):
        transfer.lr_pair("0.01")
