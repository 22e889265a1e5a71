"""Unit tests of notebook 04's modules: hand-written rules against torch's own, widgets without a
browser, and bad input."""

import json
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from course_lib import plots, style
from course_lib.models import build_mlp
from course_lib.training import fit
from course_lib.training_tricks import (
    accumulation,
    batch_size,
    clipping,
    explosion,
    hyperparameters,
    learning_rate,
    lr_finder,
    schedules,
    warmup,
    weight_decay,
)

# --- schedules: our formulas and fit's LR trace against torch.optim.lr_scheduler -----------------

@pytest.mark.parametrize("name", [n for n in schedules.SCHEDULES if n != "plateau"])
@pytest.mark.parametrize("final_factor", [0.0, 0.1])
def test_formula_matches_torch_scheduler(name, final_factor):
    options = {"warmup_steps": 12} if name == "warmup_cosine" else {}
    torch_curve = schedules.schedule_curve(name, 100, 0.3, final_factor=final_factor, **options)
    by_hand = schedules.formula(name, 100, 0.3, final_factor=final_factor, **options)
    np.testing.assert_allclose(torch_curve, by_hand, rtol=1e-9, atol=1e-12)


def test_schedule_shapes():
    cosine = schedules.schedule_curve("cosine", 100, 1.0, final_factor=0.1)
    assert cosine[0] == 1.0 and abs(cosine[-1] - 0.1) < 0.01 and np.all(np.diff(cosine) <= 1e-12)
    warm = schedules.schedule_curve("warmup_cosine", 100, 1.0, warmup_steps=10)
    assert np.argmax(warm) == 10 and np.all(np.diff(warm[:11]) > 0)
    step = schedules.schedule_curve("step", 100, 1.0)
    assert sorted(set(np.round(step, 6))) == [0.001, 0.01, 0.1, 1.0]


def test_fit_uses_the_schedule_torch_gives(digits):
    h = schedules.train_with_schedule(digits, "warmup_cosine", num_epochs=2, batch_size=128)
    expected = schedules.schedule_curve("warmup_cosine", h.num_steps, 0.1,
                                        warmup_steps=max(1, h.num_steps // 10))
    np.testing.assert_allclose(h.lr, expected, rtol=1e-6)


def test_plateau_follows_the_validation_loss():
    lrs = schedules.plateau_curve([1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], lr=1.0, patience=2)
    assert lrs[0] == 1.0 and lrs[-1] < 1.0
    assert np.all(schedules.plateau_curve([1.0, 0.9, 0.8, 0.7], patience=2) == 1.0)


def test_schedule_explorer_caches_and_draws(digits):
    ex = schedules.ScheduleExplorer(digits, num_epochs=1, seeds=(0,))
    ex.redraw()
    assert ex.state["schedule"] == "step" and ex.cache.misses == 2  # step and the constant line
    ex.controls["schedule"].value = "plateau"
    ex.controls["schedule"].value = "step"
    assert ex.cache.misses == 3 and ex.cache.hits >= 3
    assert len(ex.figure.axes) == 2


def test_schedule_bad_input():
    with pytest.raises(ValueError, match="name must be one of"):
        schedules.make_scheduler("triangle", 10)
    with pytest.raises(ValueError, match="warmup_steps must be between"):
        schedules.make_scheduler("warmup_cosine", 10, warmup_steps=10)
    with pytest.raises(ValueError, match="plateau"):
        schedules.schedule_curve("plateau", 10)


# --- the learning rate --------------------------------------------------------------------------

def test_bowl_rule_matches_the_closed_form():
    run = learning_rate.gd_on_bowl(0.15, eigenvalues=(1.0, 10.0), x0=(1.0, 1.0), num_steps=7)
    expected = np.stack([(1 - 0.15 * np.array([1.0, 10.0])) ** k for k in range(8)])
    np.testing.assert_allclose(run.path, expected, rtol=1e-12)


def test_adam_first_step_by_hand():
    g = np.array([1e-6, 1e-2, 1.0, 1e3])
    np.testing.assert_allclose(learning_rate.adam_first_step(g, lr=1e-3, eps=1e-8),
                               1e-3 * g / (g + 1e-8), rtol=1e-6)


def test_sharpness_matches_the_hessian_of_a_quadratic():
    model = nn.Linear(3, 1, bias=False)
    X = torch.randn(200, 3, generator=torch.Generator().manual_seed(0))
    y = torch.zeros(200)
    lam = learning_rate.sharpness(model, X, y, task="regression", num_iters=50)
    hessian = 2 * X.T @ X / len(X)  # MSE loss: H = 2 XᵀX / n
    assert lam == pytest.approx(float(torch.linalg.eigvalsh(hessian).max()), rel=1e-3)


def test_lr_explorer_slider_retrains_caches_and_shows_divergence(digits):
    ex = learning_rate.LRExplorer(digits, num_epochs=2)
    assert ex.controls["lr"].description == "lr" and ex.controls["lr"].continuous_update is False
    ex.redraw()
    assert not ex.state["diverged"] and ex.cache.misses == 1
    ex.controls["lr"].value = 10.0
    assert ex.state["diverged"] and "diverged at step" in ex.figure.axes[0].get_title()
    assert "diverged" in " ".join(t.get_text() for t in ex.figure.axes[0].get_legend().get_texts())
    ex.controls["lr"].value = 0.1
    assert ex.cache.misses == 2 and ex.state["tried"] == [10.0, 0.1] and not ex.errors


def test_lr_explorer_switches_to_adam_and_keeps_every_runs_colour(digits):
    ex = learning_rate.LRExplorer(digits, num_epochs=1, hidden=(16,))
    ex.preload([0.01, 1.0])
    ex.redraw()
    colours = dict(ex.state["colors"])
    ex.controls["lr"].value = 0.316  # a new LR between the others: nobody changes colour
    assert all(ex.state["colors"][lr] == c for lr, c in colours.items())
    assert len(set(ex.state["colors"].values())) == 4  # 0.01, 1, the start 0.1, and 0.316
    ex.controls["optimizer"].value = "adam"
    assert ex.state["optimizer"] == "adam" and ex.cache.misses == 5 and ex.state["tried"] == [0.316]
    right = ex.figure.axes[1]
    assert {t.get_text() for t in right.get_legend().get_texts()} >= {"SGD", "Adam"}
    ex.controls["optimizer"].value = "sgd"
    assert ex.cache.misses == 5 and all(ex.state["colors"][lr] == c for lr, c in colours.items())
    assert not ex.errors


def test_strong_series_colours_skip_yellow_and_no_two_series_look_alike():
    colors = plots.StrongSeriesColors()
    looks = [(colors(k), colors.linestyle(k)) for k in range(20)]
    assert style.OKABE_ITO["yellow"] not in {c for c, _ in looks}
    assert len(set(looks)) == len(looks)  # the 9th series repeats a colour with another line style
    assert colors.style(3)["color"] == colors(3) and colors.linestyle(0) == "-"


def test_lr_explorer_gives_its_eighth_run_no_yellow_and_its_ninth_a_new_look(digits):
    ex = learning_rate.LRExplorer(digits, num_epochs=1, hidden=(8,))
    ex.preload([0.001, 0.01, 1.0, 1.78, 3.16, 5.62, 10.0])
    ex.redraw()  # with the start 0.1: eight runs
    ex.controls["lr"].value = 0.316  # a ninth
    assert style.OKABE_ITO["yellow"] not in ex.state["colors"].values()
    lines = [line for line in ex.figure.axes[0].get_lines() if line.get_linestyle() != "None"]
    assert len(lines) == 9 and len({(ln.get_color(), ln.get_linestyle()) for ln in lines}) == 9
    assert not ex.errors


def test_lr_explorer_starts_at_every_optimizer_its_toggle_offers(digits):
    for name in learning_rate.EXPLORER_OPTIMIZERS:
        ex = learning_rate.LRExplorer(digits, optimizer=name, num_epochs=1, hidden=(8,))
        assert ex.controls["optimizer"].value == name and not ex.errors
    assert ex.controls["optimizer"].options == tuple((label, name) for name, label
                                                     in learning_rate.EXPLORER_OPTIMIZERS.items())


def test_batch_size_explorer_gives_no_batch_size_yellow(digits):
    ex = batch_size.BatchSizeExplorer(digits, num_epochs=1, hidden=(8,))
    colours = [ex.colors(b) for b in batch_size.BATCH_SIZES]
    assert style.OKABE_ITO["yellow"] not in colours and len(set(colours)) == len(colours)


def test_lr_range_test_suggests_a_trainable_lr(digits):
    result = lr_finder.lr_range_test(build_mlp(digits, seed=0), digits, seed=0)
    assert 1e-3 < result.suggestion < result.lr_at_minimum
    h = fit(build_mlp(digits, seed=0), digits, optimizer="sgd", lr=result.suggestion, num_epochs=3)
    assert not h.diverged and h.final() > 0.85


def test_lr_range_test_leaves_the_model_alone(digits):
    model = build_mlp(digits, seed=0)
    before = [p.clone() for p in model.parameters()]
    lr_finder.lr_range_test(model, digits, num_steps=20)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    with pytest.raises(ValueError, match="start_lr must be below end_lr"):
        lr_finder.lr_range_test(model, digits, start_lr=1.0, end_lr=0.1)


# --- batch size, accumulation -------------------------------------------------------------------

def test_batch_size_explorer(digits):
    ex = batch_size.BatchSizeExplorer(digits, num_epochs=2)
    assert ex.controls["batch_size"].description == "batch_size"
    ex.redraw()
    ex.controls["batch_size"].value = 256
    ex.controls["batch_size"].value = 32
    assert ex.cache.misses == 2 and ex.state["history"].num_steps == 2 * math.ceil(1077 / 32)
    assert len(ex.figure.axes) == 3 and ex.figure.axes[0].get_ylabel() == "validation accuracy"


def test_batch_size_explorer_equal_steps_and_scaled_lr(digits):
    ex = batch_size.BatchSizeExplorer(digits, num_epochs=1, hidden=(16,), batch_size=256)
    ex.redraw()
    assert ex.state["steps"] == 5 and ex.state["lr"] == 0.1
    ex.controls["budget"].value = "equal steps"  # the 34 steps batch 32 takes in one epoch
    assert ex.state["history"].num_steps == 34 == ex.state["steps"]
    assert ex.state["epochs"] == pytest.approx(34 / 5) and ex.state["examples"] == round(34 / 5 * 1077)
    assert "34 steps" in ex.figure._suptitle.get_text() and "epochs" in ex.figure._suptitle.get_text()
    ex.controls["scale_lr"].value = True
    assert ex.state["lr"] == pytest.approx(0.1 * 256 / 32) and ex.state["history"].lr[0] == pytest.approx(0.8)
    ex.controls["batch_size"].value = 64
    colour = ex.colors(64)
    ex.controls["batch_size"].value = 512
    assert ex.colors(64) == colour and ex.state["tried"] == [64, 256, 512] and not ex.errors


def test_gradient_noise_falls_like_one_over_batch_size(digits):
    result = batch_size.gradient_noise(build_mlp(digits, seed=0), digits.X_train, digits.y_train,
                                       batch_sizes=(4, 16, 64), num_samples=20)
    assert -1.3 < batch_size.noise_slope(result) < -0.7
    np.testing.assert_allclose(result.noise, result.theory, rtol=0.5)


def test_activation_memory_grows_linearly_with_batch_size(digits):
    model = build_mlp(digits, hidden=(128, 128), seed=0)
    small, large = batch_size.activation_memory(model, 32), batch_size.activation_memory(model, 1024)
    assert large / small == pytest.approx(32, rel=0.1)
    assert batch_size.human_bytes(1536) == "1.5 KiB"


def test_accumulated_gradient_bad_input(digits):
    model = build_mlp(digits, seed=0)
    with pytest.raises(ValueError, match="num_micro must divide"):
        accumulation.accumulated_gradient(model, digits.X_train[:10], digits.y_train[:10], 3)


# --- initialisation, clipping, weight decay ---------------------------------------------------------

@pytest.mark.parametrize("scheme", ["xavier", "he"])
def test_deep_stack_weights_have_the_variance_of_the_formula(scheme):
    stack = explosion.deep_stack(4, 256, scheme, seed=0)
    w = torch.cat([m.weight.detach().flatten() for m in stack if isinstance(m, nn.Linear)])
    expected = 2 / 256 if scheme == "he" else 2 / (256 + 256)  # He: 2/fan_in; Xavier: 2/(in+out)
    assert float(w.var()) == pytest.approx(expected, rel=0.02)
    assert all(float(m.bias.detach().abs().max()) == 0 for m in stack if isinstance(m, nn.Linear))


def test_default_init_is_uniform_one_over_sqrt_fan_in():
    stack = explosion.deep_stack(2, 256, "default", seed=0)
    w = stack[0].weight.detach()
    assert float(w.abs().max()) <= 1 / 16 and float(w.var()) == pytest.approx(1 / (3 * 256), rel=0.03)


@pytest.mark.parametrize("seed", [0, 1])
def test_clip_by_hand_equals_clip_grad_norm(seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 2))
    model(torch.randn(16, 5)).pow(2).sum().mul(100).backward()
    grads = [p.grad.clone() for p in model.parameters()]
    mine, norm = clipping.clip_by_global_norm(grads, 1.0)
    torch_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    assert norm == pytest.approx(float(torch_norm), rel=1e-6)
    for a, p in zip(mine, model.parameters(), strict=True):
        torch.testing.assert_close(a, p.grad)
    same, _ = clipping.clip_by_global_norm(grads, 1e9)
    assert all(torch.equal(a, b) for a, b in zip(same, grads, strict=True))


def test_clipping_explorer_precomputes_and_shows_divergence(regression):
    ex = clipping.ClippingExplorer(regression, thresholds=(10.0, math.inf), num_steps=50)
    assert ex.controls["threshold"].description == "threshold"
    ex.redraw()
    assert not ex.state["diverged"] and ex.state["clipped_fraction"] > 0.5
    labels = " ".join(t.get_text() for t in ex.figure.axes[0].get_legend().get_texts())
    assert "no clipping (diverged" in labels  # the unclipped run is overlaid on the clipped one
    ex.controls["threshold"].value = math.inf
    assert ex.state["diverged"] and "diverged" in ex.figure.axes[0].get_title() and not ex.errors
    assert "%" not in ex.figure.axes[1].get_title()  # "off" clips nothing: no "0% of steps" title


def test_theory_of_orthogonal_init_halves_the_mean_square_and_gain_root_two_restores_it():
    assert explosion.theory_rms(50, "orthogonal") == pytest.approx(explosion.theory_rms(50, "xavier"))
    assert explosion.theory_rms(50, "orthogonal", scale=math.sqrt(2)) == pytest.approx(1.0)


def test_weight_norm_is_the_norm_of_the_weight_matrices():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    expected = torch.sqrt(sum((m.weight.detach() ** 2).sum() for m in model))
    assert weight_decay.weight_norm(model) == pytest.approx(float(expected))


def test_hyperparameters(digits):
    model = build_mlp(digits, hidden=(32,), seed=0)
    assert hyperparameters.model_hyperparameters(model)["hidden"] == (32,)
    hp = hyperparameters.fit_hyperparameters(lr=0.1)
    assert hp["lr"] == 0.1 and hp["batch_size"] == 32 and "seed" not in hp
    with pytest.raises(ValueError, match="settings must be options of fit"):
        hyperparameters.fit_hyperparameters(learning_rate=0.1)


def test_constant_features_do_not_blow_up_standardisation(digits):
    # digits has pixels that are always 0 in the training split; they must stay finite elsewhere
    assert float(digits.X_val.abs().max()) < 100 and float(digits.X_test.abs().max()) < 100


def test_bad_input(digits):
    with pytest.raises(ValueError, match="lr"):
        learning_rate.gd_on_bowl(-1.0)
    with pytest.raises(ValueError, match="eigenvalues"):
        learning_rate.gd_on_bowl(0.1, eigenvalues=(1.0, -2.0))
    with pytest.raises(ValueError, match="grad_scales"):
        learning_rate.adam_first_step([0.0, 1.0])
    with pytest.raises(TypeError, match="data must be"):
        learning_rate.LRExplorer("digits")
    with pytest.raises(ValueError, match="lr must lie in lr_range"):
        learning_rate.LRExplorer(digits, lr=100.0)
    # the optimizers the toggle offers, checked once: no TraitError from the widget for the others
    with pytest.raises(ValueError, match=r"optimizer must be one of \['sgd', 'adam'\], got 'momentum'"):
        learning_rate.LRExplorer(digits, optimizer="momentum")
    with pytest.raises(ValueError, match="scheme must be one of"):
        explosion.activation_rms(3, 8, "lecun")
    with pytest.raises(ValueError, match="max_norm"):
        clipping.clip_by_global_norm([torch.ones(2)], 0.0)
    with pytest.raises(ValueError, match="regression"):
        clipping.standardize_targets(digits)
    with pytest.raises(ValueError, match="large must exceed small"):
        batch_size.equal_epochs_vs_steps(digits, small=64, large=32)
    with pytest.raises(ValueError, match="batch_size must be a multiple"):
        accumulation.accumulation_check(digits, batch_size=130)
    with pytest.raises(TypeError, match="data must be a course_lib.data.Split"):
        schedules.ScheduleExplorer("digits")
    with pytest.raises(ValueError, match="batch_size must be one of batch_sizes"):
        batch_size.BatchSizeExplorer(digits, batch_size=33)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        weight_decay.train_with_penalty(digits, "rmsprop", 0.1)
    with pytest.raises(ValueError, match="num_steps must be >= 10"):
        lr_finder.lr_range_test(build_mlp(digits, seed=0), digits, num_steps=5)
    with pytest.raises(ValueError, match="scheme must be one of"):
        explosion.product_conditioning(scheme="he")


# --- what the notebook's revised cells and figures rely on -------------------------------------------

def test_lr_explorer_edge_separates_training_from_failing_lrs(digits):
    ex = learning_rate.LRExplorer(digits, num_epochs=2)
    assert ex.edge() == (None, None)
    ex.preload([0.1, 10.0])
    assert ex.edge() == (0.1, 10.0)
    with pytest.raises(ValueError, match="threshold"):
        ex.edge(threshold=0.0)


def test_lr_plot_uses_distinct_colours_and_labels_a_diverged_run(digits):
    ex = learning_rate.LRExplorer(digits, num_epochs=1)
    ex.preload([0.01, 0.1, 10.0])
    ex.redraw()
    lines = [line for line in ex.figure.axes[0].get_lines() if line.get_label().startswith("lr ")]
    colours = {line.get_color() for line in lines}
    assert len(colours) == len(lines) == 3
    assert any("lr 10 ✕ diverged" in line.get_label() for line in lines)


def test_bowl_plot_marks_points_beyond_the_frame():
    runs = [learning_rate.gd_on_bowl(f / 10, (1.0, 10.0), num_steps=30) for f in (1.9, 2.1)]
    axes = learning_rate.plot_bowl_runs(runs)
    assert "beyond the frame" in " ".join(t.get_text() for t in axes[1].get_legend().get_texts())
    inside = learning_rate.plot_bowl_runs(runs[:1])  # a converging run stays in the frame
    assert "beyond" not in " ".join(t.get_text() for t in inside[1].get_legend().get_texts())


def test_update_size_legend_gives_the_fitted_slope():
    g = np.array([1e-3, 1e-2, 1e-1, 1.0])
    ax = learning_rate.plot_update_sizes({"sgd": (g, 0.1 * g)})
    assert ax.get_legend().get_texts()[0].get_text() == "sgd: slope 1.00"


def test_lr_range_test_records_its_stop_and_says_so(digits):
    result = lr_finder.lr_range_test(build_mlp(digits, seed=0), digits, stop_factor=4.0, seed=0)
    assert result.stopped_early and result.stop_factor == 4.0 and result.lrs[-1] < 10.0
    assert "4× the first" in lr_finder.plot_lr_range_test(result).get_title()


def test_schedule_explorer_on_constant_has_a_zero_based_lr_axis_and_one_legend_entry(digits):
    ex = schedules.ScheduleExplorer(digits, schedule="constant", seeds=(0,), num_epochs=1)
    ex.redraw()
    left, right = ex.figure.axes[:2]
    assert left.get_ylim()[0] == 0 and left.get_ylim()[1] > 0.6
    labels = [t.get_text() for t in right.get_legend().get_texts()]
    assert sum("constant" in label for label in labels) == 1
    ex.controls["schedule"].value = "cosine"
    assert ex.state["schedule"] == "cosine" and ex.cache.misses == 2 and ex.state["lr"][-1] < 0.05
    assert [line.get_label() for line in ex.figure.axes[0].get_lines()] == ["constant", "cosine"]
    assert not ex.errors


def test_schedule_plot_log_scale_shows_every_step_drop():
    ax = schedules.plot_schedules(300, lr=0.1, names=["constant", "step"], log=True)
    assert ax.get_yscale() == "log" and ax.get_ylim()[0] == pytest.approx(3e-5)
    step = schedules.schedule_curve("step", 300, 0.1)
    assert step.min() > ax.get_ylim()[0]  # the last drop is inside the frame


def test_noise_crossing_is_the_first_batch_size_below_the_signal():
    result = batch_size.GradientNoise(np.array([4.0, 16.0, 64.0]), np.array([1.0, 0.3, 0.05]),
                                      np.zeros(3), 0.2)
    assert batch_size.noise_crossing(result) == 64
    assert batch_size.noise_crossing(batch_size.GradientNoise(result.batch_sizes, result.noise,
                                                              result.theory, 0.01)) is None


def test_budget_comparison_scores_on_validation_not_test(digits):
    result = batch_size.equal_epochs_vs_steps(digits, small=256, large=512, num_epochs=1, seeds=(0,))
    model = build_mlp(digits, seed=0)
    h = fit(model, digits, optimizer="sgd", lr=0.1, batch_size=256, num_epochs=1, seed=0)
    assert result.small == [h.final()]
    labels = [t.get_text() for t in batch_size.plot_budget_comparison(result, 256, 512).get_xticklabels()]
    assert all(len(line) <= 24 for label in labels for line in label.split("\n"))  # no overlap


def test_clipping_threshold_sweep_draws_every_threshold(regression):
    runs = {t: clipping.train_regression(regression, t, num_steps=30) for t in (10.0, math.inf)}
    ax = clipping.plot_threshold_sweep(runs)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["10", "off"]
    assert any("diverged" in t.get_text() for t in ax.texts)


def test_conditional_fit_options_are_explained():
    hp = hyperparameters.fit_hyperparameters()
    assert set(hyperparameters.CONDITIONS) <= set(hp)
    assert "optimizer='momentum'" in hyperparameters.CONDITIONS["momentum"]


def test_schedule_explorer_lr_slider_retrains_both_the_schedule_and_the_constant(digits):
    ex = schedules.ScheduleExplorer(digits, schedule="cosine", seeds=(0,), num_epochs=1, lrs=(0.1, 0.6))
    ex.redraw()
    assert ex.state["peak_lr"] == 0.6 and ex.cache.misses == 2
    ex.controls["lr"].value = 0.1
    assert ex.state["peak_lr"] == 0.1 and ex.state["lr"][0] == pytest.approx(0.1)
    assert ex.cache.misses == 4 and not ex.errors  # cosine and constant at 0.1
    assert ex.final_accuracies("constant", 0.1) == [h.final() for h in ex.cache(("constant", 0.1))]
    with pytest.raises(ValueError, match="lrs"):
        ex.preload(["step"], lrs=(0.3,))


def test_clipping_marks_the_real_blowup_of_the_unclipped_run(regression):
    off = clipping.train_regression(regression, None, num_steps=50)
    assert off.diverged and clipping.blowup_loss(off) > 1e6  # the loss that stopped it, not the last one
    on = clipping.train_regression(regression, 10.0, num_steps=20)
    assert math.isnan(clipping.blowup_loss(on))
    axes = clipping.plot_clipping(on, 10.0, unclipped=off)
    marker = [line for line in axes[0].get_lines() if line.get_marker() == "X"]
    assert len(marker) == 1 and marker[0].get_ydata()[0] == pytest.approx(clipping.blowup_loss(off))
    assert axes[0].get_ylim()[1] > clipping.blowup_loss(off)
    plt.close("all")


def test_clipping_explorer_only_swaps_pictures(regression):
    ex = clipping.ClippingExplorer(regression, thresholds=(1.0, 10.0, math.inf), num_steps=20)
    for t in (1.0, math.inf, 10.0):
        ex.controls["threshold"].value = t
        assert ex.state["threshold"] == t and ex.png == ex.pictures[t]
    assert len(ex.redraw_cpu_seconds) == 3 and max(ex.redraw_cpu_seconds) < 0.15  # issue 25: ≤ 150 ms


def test_best_run_prefers_the_best_score_and_never_a_diverged_run(regression):
    grid = clipping.constant_lr_grid(regression, (0.001, 0.01), num_steps=20)
    assert grid[0.01].diverged and clipping.best_run(grid) == 0.001
    with pytest.raises(ValueError, match="runs"):
        clipping.best_run({})


def test_warmup_lr_and_result_helpers(digits):
    assert [warmup.warmup_lr(s, 1.0, 3) for s in range(5)] == [0.25, 0.5, 0.75, 1.0, 1.0]
    result = warmup.WarmupResult({"no warm-up": [0.95, None], "warm-up 5 steps": [0.93, 0.91]}, {})
    assert result.successes("no warm-up") == 1 and result.successes("warm-up 5 steps") == 2
    assert result.mean("no warm-up") == pytest.approx(0.475)  # a diverged seed counts as 0


# --- LR grids: every arm at every LR over seeds (the fair baselines of section 3) ---------------

def _fake_grid():
    scores = {"constant": [[0.5, 0.6], [0.9, 0.92], [None, 0.4]],
              "cosine": [[0.4, 0.5], [0.9, 0.9], [0.95, 0.93]]}
    return learning_rate.LRGrid("fake", [0.1, 0.3, 1.0], [0, 1], scores, {"optimizer": "sgd"})


def test_lr_grid_means_best_edge_and_round_trip():
    grid = _fake_grid()
    assert grid.mean("constant", 1.0) == pytest.approx(0.2)  # a diverged seed counts 0
    assert grid.per_seed("constant", 1.0) == [0.0, 0.4]
    assert grid.best("constant") == 0.3 and not grid.at_edge("constant")
    assert grid.best("cosine") == 1.0 and grid.at_edge("cosine")
    again = learning_rate.LRGrid.from_dict(json.loads(json.dumps(grid.to_dict())))
    assert again == grid


def test_lr_grid_trains_every_arm_lr_and_seed_and_marks_divergence(digits):
    calls = []

    def run(arm, lr, seed):
        calls.append((arm, lr, seed))
        return fit(build_mlp(digits, hidden=(8,), seed=seed), digits, optimizer="sgd", lr=lr, num_steps=2,
                   batch_size=64, seed=seed)

    grid = learning_rate.lr_grid(run, ["a", "b"], (0.1, 1e6), (0, 1), title="t", setting={})
    assert len(calls) == 8 and grid.lrs == [0.1, 1e6] and grid.seeds == [0, 1]
    assert all(a is not None for a in grid.scores["a"][0]) and grid.scores["a"][1] == [None, None]


def test_lr_grid_bad_input_names_the_argument():
    with pytest.raises(TypeError, match="run must be a function"):
        learning_rate.lr_grid(None, ["a"], (0.1,), (0,), title="t", setting={})
    with pytest.raises(ValueError, match="lrs"):
        learning_rate.lr_grid(lambda *a: None, ["a"], (-0.1,), (0,), title="t", setting={})
    with pytest.raises(TypeError, match="grid"):
        learning_rate.plot_lr_grid({"lrs": [0.1]})


def test_shipped_grids_load_and_cover_the_settings():
    grids = learning_rate.load_grids()
    assert set(grids) == {"warmup", "long_run", "noisy_run"}
    assert grids["warmup"].lrs == list(warmup.WARMUP_GRID_LRS)
    assert grids["long_run"].lrs == list(schedules.LONG_RUN_LRS)
    assert grids["noisy_run"].lrs == list(schedules.NOISY_RUN_LRS)
    for grid in grids.values():
        assert len(grid.seeds) >= 5
        assert all(len(per_lr) == len(grid.lrs) for per_lr in grid.scores.values())


def test_noisy_regression_noise_as_large_as_the_signal():
    split = schedules.noisy_regression(n_samples=400, noise=1.0, seed=3)
    assert split.X_train.shape[1] == 10 and len(split.X_train) + len(split.X_val) + len(split.X_test) == 400
    y = torch.cat([split.y_train, split.y_val, split.y_test])
    assert 1.2 < float(y.var()) < 2.8  # signal variance 1 + noise variance 1
    with pytest.raises(ValueError, match="noise"):
        schedules.noisy_regression(noise=-1.0)


def test_noise_floor_and_grid_plots_bad_input_names_the_argument():
    with pytest.raises(TypeError, match="runs"):
        schedules.plot_noise_floor([])
    with pytest.raises(ValueError, match="legend"):
        learning_rate.plot_lr_grid(_fake_grid(), legend="left")


def test_lr_grid_summary_gives_each_arm_its_best_lr_seeds_and_mean():
    grid = learning_rate.load_grids()["warmup"]
    lines = grid.summary().splitlines()
    assert len(lines) == len(grid.scores)
    for line, arm in zip(lines, grid.scores, strict=True):
        lr = grid.best(arm)
        assert line == (f"{arm:17s}: best lr {lr:g}, val accuracy per seed "
                        + "  ".join(f"{a:.3f}" for a in grid.per_seed(arm, lr))
                        + f"   mean {grid.mean(arm, lr):.3f}")
    assert "validation R² per seed" in learning_rate.load_grids()["long_run"].summary(metric="validation R²")
