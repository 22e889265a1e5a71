"""Notebook 04's exercises: the reference answers agree with what the library and torch compute."""

import numpy as np
import pytest
import torch

from course_lib import exercises
from course_lib.exercises import _inputs, ex04
from course_lib.models import build_mlp
from course_lib.training import fit
from course_lib.training_tricks import schedules


def test_four_exercises_three_predictions_tied_to_explorers_and_one_function():
    kinds = {k: type(exercises.get(k)).__name__ for k in exercises.keys("04")}
    assert kinds == {"04.adam_lr": "Prediction", "04.schedule": "Prediction", "04.nan_first": "Prediction",
                     "04.warmup_cosine": "CodeExercise"}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_adam_at_lr_1_does_not_diverge_but_is_stuck_near_chance(digits, seed):
    """Exercise 1's answer (c), on the explorer's settings; SGD at lr 1 trains."""
    adam = fit(build_mlp(digits, seed=seed), digits, optimizer="adam", lr=1.0, batch_size=32, num_epochs=3,
               seed=seed)
    assert not adam.diverged and adam.final() < 0.25  # measured 0.10
    sgd = fit(build_mlp(digits, seed=seed), digits, optimizer="sgd", lr=1.0, batch_size=32, num_epochs=3,
              seed=seed)
    assert not sgd.diverged and sgd.final() > 0.5  # "trains", as LRExplorer.edge counts it


def test_adam_diverges_at_a_still_larger_lr(digits):
    """What the feedback of choice (b) says: Adam does diverge at lr 3.16."""
    h = fit(build_mlp(digits, seed=0), digits, optimizer="adam", lr=3.16, batch_size=32, num_epochs=1)
    assert h.diverged


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_warmup_cosine_reference_drives_lambdalr_to_the_libraries_sequential_schedule(seed):
    """LambdaLR with the reference gives exactly the LRs of torch's SequentialLR(LinearLR,
    CosineAnnealingLR), as make_scheduler('warmup_cosine') builds it, on random settings."""
    rng = np.random.default_rng(seed)
    w = int(rng.integers(1, 12))
    T = w + int(rng.integers(1, 30))
    torch_lrs = schedules.schedule_curve("warmup_cosine", T, lr=0.5, warmup_steps=w)
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.5)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: ex04.warmup_cosine_factor(step, w, T))
    lrs = []
    for _ in range(T):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    np.testing.assert_allclose(lrs, torch_lrs, rtol=1e-6, atol=1e-12)


def test_warmup_cosine_reference_is_the_libraries_formula():
    for w, T in ((1, 2), (3, 10), (100, 1000)):
        curve = schedules.formula("warmup_cosine", T, 1.0, warmup_steps=w)
        np.testing.assert_allclose([ex04.warmup_cosine_factor(t, w, T) for t in range(T)], curve, atol=1e-12)


def test_the_warmup_part_is_fits_own_warmup():
    for w in (1, 5, 100):
        for step in range(w):
            assert ex04.warmup_cosine_factor(step, w, 2 * w) == schedules.warmup_factor(step, w)
        assert ex04.warmup_cosine_factor(w, w, 2 * w) == pytest.approx(1.0)


def test_wrong_warmups_differ_from_each_other_on_the_checked_inputs():
    ex = exercises.get("04.warmup_cosine")
    inputs = _inputs(ex)[:24]  # the inputs check() compares a wrong-looking function on
    outputs = [tuple(round(f(*a), 9) for a in inputs) for f in (ex.reference, *ex.wrong.values())]
    assert len(set(outputs)) == len(outputs)
