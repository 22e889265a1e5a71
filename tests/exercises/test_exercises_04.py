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
                     "04.warmup_lambda": "CodeExercise"}


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


def test_warmup_reference_drives_lambdalr_to_fits_own_warmup(digits):
    """LambdaLR with the reference gives exactly the LRs of fit(warmup_steps=w), on random settings."""
    rng = np.random.default_rng(7)
    for _ in range(3):
        w, lr = int(rng.integers(1, 12)), float(rng.uniform(0.01, 0.5))
        h = fit(build_mlp(digits, hidden=(8,), seed=0), digits, optimizer="sgd", lr=lr, batch_size=256,
                num_steps=2 * w + 3, warmup_steps=w)
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=lr)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step, w=w: ex04.warmup_factor(step, w))
        lrs = []
        for _ in range(2 * w + 3):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        np.testing.assert_allclose(lrs, h.lr[:len(lrs)], rtol=1e-6)


def test_warmup_reference_is_the_library_function():
    for w in (1, 5, 100):
        for step in (0, w - 1, w, w + 10):
            assert ex04.warmup_factor(step, w) == schedules.warmup_factor(step, w)
    assert schedules.warmup_factor(0, 100) == pytest.approx(1 / 101)
    assert schedules.warmup_factor(100, 100) == 1.0 and schedules.warmup_factor(500, 100) == 1.0


def test_wrong_warmups_differ_from_each_other_on_the_checked_inputs():
    ex = exercises.get("04.warmup_lambda")
    inputs = _inputs(ex)[:24]  # the inputs check() compares a wrong-looking function on
    outputs = [tuple(f(*a) for a in inputs) for f in (ex.reference, *ex.wrong.values())]
    assert len(set(outputs)) == len(outputs)
