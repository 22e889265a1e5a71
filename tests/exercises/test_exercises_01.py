"""Notebook 01's exercises agree with what the library computes (the generic checks: test_exercises.py)."""

import numpy as np
import pytest
import torch

from course_lib import data, exercises, models
from course_lib.exercises import _inputs, ex01
from course_lib.mlp import approximation

WIGGLY = data.FUNCTIONS_1D["wiggly"]


@pytest.fixture(autouse=True)
def fresh_attempts():
    exercises.reset()
    yield
    exercises.reset()


def test_forward_reference_is_nn_sequential_and_the_notebooks_hand_computation(capsys):
    """The reference equals the course MLP (section 1's 2-8-8-1 model, unrolled there by hand)."""
    model = models.MLP(in_features=2, hidden=(8, 8), activation="relu", task="binary", seed=0).double()
    X = torch.randn(7, 2, dtype=torch.float64)
    layers = [model.body.block1.linear, model.body.block2.linear, model.head]
    with torch.no_grad():
        out = ex01._forward_reference(X, [m.weight for m in layers], [m.bias for m in layers])
        assert torch.allclose(out, model(X))


def test_the_checked_inputs_have_one_to_four_layers_and_a_single_layer_first():
    inputs = _inputs(exercises.get("01.forward"))
    depths = {len(weights) for _, weights, _ in inputs}
    assert depths == {1, 2, 3, 4}


def test_a_correct_forward_pass_written_with_numpy_is_accepted(capsys):
    def forward(X, weights, biases):
        X = np.asarray(X)
        for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
            X = X @ np.asarray(W).T + np.asarray(b)
            if i < len(weights) - 1:
                X = np.maximum(X, 0)
        return X

    assert exercises.check("01.forward", forward)


def test_a_forward_pass_with_untransposed_weights_gets_the_smallest_failing_input(capsys):
    def forward(X, weights, biases):
        for W, b in zip(weights[:-1], biases[:-1], strict=True):
            X = torch.relu(X @ W + b)
        return X @ weights[-1] + biases[-1]

    assert not exercises.check("01.forward", forward)
    out = capsys.readouterr().out
    assert "smallest input" in out and "Hint 1/3" in out


def test_hinges_answer_matches_the_library():
    """(c) about 30: 16 units are not enough for a max error of 0.1, 32 are."""
    assert exercises.get("01.hinges").answer == "c"
    assert approximation.fit_hinges(WIGGLY, 16).max_error > 0.15
    assert approximation.fit_hinges(WIGGLY, 32).max_error < 0.1


def test_learnability_answer_matches_the_library():
    assert exercises.get("01.learnability").answer == "c"
    built = approximation.fit_hinges(WIGGLY, 20)
    assert abs(built.max_error - 0.18) < 0.005  # the number the question quotes
    trained = approximation.train_hinges(WIGGLY, 20, num_steps=2000, lr=0.01, seed=0)
    assert trained.max_error > 3 * built.max_error
    assert 61 == sum(p.numel() for p in torch.nn.Sequential(torch.nn.Linear(1, 20), torch.nn.ReLU(),
                                                             torch.nn.Linear(20, 1)).parameters())


def test_memorise_answer_matches_the_library():
    """(c): claimed over seeds in test_claims_01.test_c8_...; here the parameter count the hint quotes."""
    assert exercises.get("01.memorise").answer == "c"
    digits = data.load("digits")
    assert len(digits.y_train) == 1077
    assert models.count_parameters(models.build_mlp(digits, hidden=(256, 256))) == 85_002
