"""Claims of notebook 01, asserted on the measured outcome (see shared/lecture/claims.md)."""

import pytest
import torch

from course_lib import approximation, data, generalization


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_c1_stacked_linear_layers_are_one_linear_layer(seed):
    torch.manual_seed(seed)
    stack = [torch.nn.Linear(2, 16), torch.nn.Linear(16, 16), torch.nn.Linear(16, 1)]
    single = approximation.collapse_linear(stack)
    X = torch.randn(1000, 2)
    assert (torch.nn.Sequential(*stack)(X) - single(X)).abs().max() < 1e-5
    assert single.weight.shape == (1, 2)


def test_c6_one_hidden_layer_error_falls_with_width():
    target = data.FUNCTIONS_1D["wiggly"]
    errors = [approximation.fit_one_hidden_layer(target, w, seed=0)["max_error"]
              for w in (5, 20, 100, 1000)]
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False))
    assert errors[0] > 0.5 and errors[-1] < 0.05  # measured 1.47 and 0.0026


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_c6_existence_is_robust_across_random_features(seed):
    target = data.FUNCTIONS_1D["wiggly"]
    assert approximation.fit_one_hidden_layer(target, 1000, seed=seed)["max_error"] < 0.05


def test_c6_learnability_differs_from_existence():
    target = data.FUNCTIONS_1D["wiggly"]
    exact = approximation.fit_one_hidden_layer(target, 100, seed=0)["max_error"]  # ~0.11
    trained = [approximation.train_one_hidden_layer(target, w, num_steps=2000, seed=0)["max_error"]
               for w in (8, 64)]  # measured ~0.27 and ~0.25: width barely helps the optimiser
    assert min(trained) > 1.5 * exact
    assert abs(trained[0] - trained[1]) < 0.5 * max(trained)


@pytest.mark.parametrize("k", [1, 3, 6, 10])
def test_c7_tent_map_has_two_to_the_k_pieces(k):
    assert approximation.count_linear_pieces(approximation.tent_network(k)) == 2**k


@pytest.mark.parametrize("width", [5, 20, 100])
def test_c7_one_hidden_layer_has_at_most_width_plus_one_pieces(width):
    for seed in range(3):
        pieces = approximation.count_linear_pieces(approximation.shallow_relu_net(width, seed=seed))
        assert pieces <= width + 1
        assert pieces >= width // 2  # the kinks are spread over [0, 1], most of them are seen


@pytest.mark.parametrize("seed", [0, 1])
def test_c8_mlp_memorises_random_labels(seed):
    digits = data.load("digits", seed=seed)
    shuffled = generalization.shuffle_labels(digits, seed=seed)
    result = generalization.train_and_score(shuffled, hidden=(256, 256), lr=3e-3, batch_size=128,
                                            num_epochs=40, seed=seed)
    assert result["train"] > 0.95  # measured 0.996-1.000
    assert result["test"] < 0.2  # chance is 0.1; measured 0.08-0.10


def test_weak_inductive_bias_permuted_pixels_learn_equally_well():
    digits = data.load("digits")
    plain = generalization.train_and_score(digits, hidden=(64, 64), num_epochs=20, seed=0)["test"]
    scrambled = generalization.train_and_score(generalization.permute_features(digits, seed=0),
                                               hidden=(64, 64), num_epochs=20, seed=0)["test"]
    assert plain > 0.9 and abs(plain - scrambled) < 0.03
