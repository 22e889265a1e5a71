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
    """With as much data as least squares had, trained nets stay far above what exists."""
    target = data.FUNCTIONS_1D["wiggly"]
    exact = approximation.fit_one_hidden_layer(target, 100, seed=0)["max_error"]  # ~0.094
    trained = [approximation.train_one_hidden_layer(target, w, n_samples=2000, num_steps=2000,
                                                    seed=0)["max_error"]
               for w in (8, 64)]  # measured ~0.21 and ~0.27: width does not help the optimiser
    assert min(trained) > 1.5 * exact
    assert trained[1] > 0.5 * trained[0]


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
def test_c8_deep_and_wide_mlps_both_memorise_random_labels(seed):
    digits = data.load("digits", seed=seed)
    shuffled = generalization.shuffle_labels(digits, seed=seed)
    results = {hidden: generalization.train_and_score(shuffled, hidden=hidden, lr=3e-3, batch_size=128,
                                                      num_epochs=60, seed=seed)
               for hidden in [(256, 256), (128,) * 4, (64,) * 6]}
    for result in results.values():
        assert result["train"] > 0.9  # measured 0.92-1.00
        assert result["test"] < 0.2  # chance is 0.1; measured 0.06-0.12
    # E10: the wide net is the easier one to optimise: after 20 epochs it is far ahead of 6 x 64
    wide, narrow = results[(256, 256)]["history"], results[(64,) * 6]["history"]
    assert wide.train_metric[19] > narrow.train_metric[19] + 0.2  # measured 0.91-0.93 vs 0.46-0.48


def test_weak_inductive_bias_permuted_pixels_learn_equally_well():
    digits = data.load("digits")
    plain = generalization.train_and_score(digits, hidden=(64, 64), num_epochs=20, seed=0)["test"]
    scrambled = generalization.train_and_score(generalization.permute_features(digits, seed=0),
                                               hidden=(64, 64), num_epochs=20, seed=0)["test"]
    assert plain > 0.9 and abs(plain - scrambled) < 0.03
