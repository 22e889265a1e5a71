"""The validation layer (course_lib.checks) at the boundaries issue 17 lists: labels, array-likes,
feature counts, split sizes, callables, non-finite numbers, checkpoints, BatchNorm's last mini-batch."""

import json

import numpy as np
import pytest
import torch

from course_lib import checks, data, metrics, plots, training
from course_lib.checkpoints import CheckpointError, load_checkpoint, read_checkpoint, save_checkpoint
from course_lib.evaluation.threshold_explorer import ThresholdExplorer
from course_lib.fine_tuning import lora
from course_lib.models import MLP
from course_lib.training_tricks import accumulation


@pytest.fixture(scope="module")
def moons():
    return data.load("moons", n_samples=100)


# ----------------------------------------------------------------------------- labels
def test_string_labels_are_a_type_error_naming_y(moons):
    X = moons.X_train.numpy()
    with pytest.raises(TypeError, match=r"y must hold"):
        training.fit(MLP(2), (X, np.array(["a", "b"] * (len(X) // 2))))
    with pytest.raises(TypeError, match=r"y must hold numbers"):
        data.split(np.zeros((30, 2)), np.array(["a", "b", "c"] * 10))


def test_labels_out_of_range_for_the_model_say_so_before_cross_entropy():
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = np.arange(20) % 6  # labels 0..5 for a 3-class model
    with pytest.raises(ValueError, match=r"y must hold labels in 0..2 for 3 classes, got label 5"):
        training.fit(MLP(2, out_features=3, task="multiclass"), (X, y))


def test_three_classes_split_as_binary_is_refused():
    with pytest.raises(ValueError, match=r"y must hold the labels 0 and 1 for task='binary'"):
        data.split(np.zeros((60, 2)), np.arange(60) % 3, task="binary")


def test_object_arrays_holding_none_never_reach_torch():
    with pytest.raises(TypeError, match=r"X must hold numbers"):
        training.predict(MLP(2), np.array([[1.0, None]], dtype=object))


# ----------------------------------------------------------------------------- array-likes, features
def test_numpy_lists_and_tensors_are_accepted_alike():
    model = MLP(2, hidden=(4,))
    X = np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32)
    y = np.array([0, 1] * 4)
    g_np = accumulation.batch_gradient(model, X, y)
    g_list = accumulation.batch_gradient(model, X.tolist(), y.tolist())
    g_t = accumulation.batch_gradient(model, torch.as_tensor(X), torch.as_tensor(y))
    assert torch.allclose(g_np, g_t) and torch.allclose(g_list, g_t)
    assert torch.equal(training.predict(model, X), training.predict(model, X.tolist()))


def test_feature_count_mismatch_names_x_not_mat1_and_mat2():
    model = MLP(3)
    with pytest.raises(ValueError, match=r"X must have 3 features for this model .* got 2"):
        training.predict_scores(model, np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"X must have 3 features"):
        accumulation.batch_gradient(model, np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"X must have 2 features to draw a decision boundary"):
        plots.plot_decision_boundary(MLP(3), np.zeros((4, 3)), np.zeros(4))


# ----------------------------------------------------------------------------- sizes and numbers
def test_empty_training_data_is_an_error_not_a_diverged_run():
    with pytest.raises(ValueError, match=r"X must hold at least one example"):
        training.fit(MLP(2), (np.zeros((0, 2)), np.zeros(0)))


@pytest.mark.parametrize("n, kwargs, pattern", [
    (5, {}, r"y must hold at least 3 examples of each class"),
    (12, dict(test_size=0.05), r"test_size must leave at least one example of each of the 2 classes"),
    (40, dict(val_size=0.5, test_size=0.49), r"val_size \+ test_size must leave training data"),
])
def test_infeasible_splits_name_the_argument_to_change(n, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        data.split(np.random.default_rng(0).normal(size=(n, 2)), np.arange(n) % 2, **kwargs)


@pytest.mark.parametrize("call, pattern", [
    (lambda: training.fit(MLP(2), data.load("moons", n_samples=60), lr=float("nan")), r"lr must be"),
    (lambda: metrics.apply_threshold([0.1, 0.2], float("nan")), r"threshold must be a number, got nan"),
    (lambda: data.make_function_1d(high=float("inf")), r"high must be a finite number"),
    (lambda: ThresholdExplorer([0, 1], [0.2, 0.8], threshold=1.5),
     r"threshold must be a number in \[0.0, 1.0\]"),
    (lambda: lora.LoRALinear(torch.nn.Linear(2, 3), rank=8), r"rank must be at most the layer's size"),
])
def test_non_finite_and_out_of_range_numbers_are_refused(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_a_scheduler_class_instead_of_a_factory_says_how_to_wrap_it(moons):
    with pytest.raises(TypeError, match=r"scheduler must be a function optimizer -> LR scheduler, got the "
                                        r"class CosineAnnealingLR.*wrap it"):
        training.fit(MLP(2), moons, scheduler=torch.optim.lr_scheduler.CosineAnnealingLR)


# ----------------------------------------------------------------------------- BatchNorm's last mini-batch
def test_batchnorm_merges_a_last_mini_batch_of_one(moons):
    X, y = moons.X_train[:33], moons.y_train[:33]  # 32 + 1: the last mini-batch would hold one example
    history = training.fit(MLP(2, batch_norm=True, hidden=(8,)), (X, y), batch_size=32, num_epochs=2)
    assert not history.diverged and history.num_steps == 2  # one merged mini-batch of 33 per epoch
    with pytest.raises(ValueError, match=r"at least 2 examples to train a model with BatchNorm"):
        training.fit(MLP(2, batch_norm=True), (X[:1], y[:1]))
    plain = training.fit(MLP(2, hidden=(8,)), (X, y), batch_size=32, num_epochs=2)
    assert plain.num_steps == 4  # without BatchNorm nothing changes


# ----------------------------------------------------------------------------- checkpoints
def test_files_that_are_not_checkpoints_are_named_for_what_they_are(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros(3))
    with pytest.raises(CheckpointError, match=r"not a course_lib checkpoint: it is a NumPy"):
        read_checkpoint(tmp_path / "a.npy")
    (tmp_path / "b.pt").write_text(json.dumps({"format": "course_lib.checkpoint"}))
    with pytest.raises(CheckpointError, match=r"not a course_lib checkpoint: it is JSON"):
        read_checkpoint(tmp_path / "b.pt")
    with pytest.raises(CheckpointError) as info:
        read_checkpoint(tmp_path / "b.pt")
    assert "pickled code" not in str(info.value) and "trust" not in str(info.value)


def test_a_checkpoint_with_the_right_keys_but_the_wrong_structure(tmp_path):
    payload = {"format": "course_lib.checkpoint", "version": 1, "config": {"in_features": 2},
               "state_dict": [1, 2], "meta": {}}
    torch.save(payload, tmp_path / "c.pt")
    with pytest.raises(CheckpointError, match=r"wrong structure: its state_dict must be a dict of named"):
        load_checkpoint(tmp_path / "c.pt")


def test_saving_into_a_missing_folder_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"path must be in an existing folder.*does not exist"):
        save_checkpoint(MLP(2), tmp_path / "missing" / "m.pt")


# ----------------------------------------------------------------------------- the helpers themselves
@pytest.mark.parametrize("call, error, pattern", [
    (lambda: checks.check_int("n", 2.0), TypeError, r"n must be an integer, got 2.0"),
    (lambda: checks.check_int("n", 0, low=1), ValueError, r"n must be an integer >= 1, got 0"),
    (lambda: checks.check_seed("seed", -1), ValueError, r"seed must be an integer in \[0,"),
    (lambda: checks.check_bool("flag", "yes"), TypeError, r"flag must be True or False"),
    (lambda: checks.check_finite("x", float("inf")), ValueError, r"x must be a finite number, got inf"),
    (lambda: checks.check_sequence("hidden", [4, 0], "widths",
                                   item=lambda n, v: checks.check_int(n, v, low=1)),
     ValueError, r"hidden must be widths, got \[4, 0\] \(hidden\[1\] must be an integer >= 1, got 0\)"),
    (lambda: checks.as_array("s", ["a"]), TypeError, r"s must hold numbers"),
    (lambda: checks.as_array("s", [[1.0], [1.0, 2.0]]), ValueError, r"s must be a rectangular array"),
    (lambda: checks.check_callable("f", torch.optim.lr_scheduler.StepLR, "a factory", num_args=1), TypeError,
     r"f must be a factory, got the class StepLR"),
    (lambda: checks.check_member("threshold", 5, [1, 10], "thresholds"), ValueError,
     r"threshold must be one of thresholds \[1, 10\], got 5"),
    (lambda: checks.check_kind("clip", float("nan"), "limit"), ValueError, r"clip must be a number, got nan"),
])
def test_check_helpers(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_checked_converts_array_likes_and_lets_none_through_where_it_is_the_default():
    @checks.checked
    def f(model, X, y=None, *, lr: float = 0.1, task: str | None = None):
        return X, y

    X, y = f(MLP(2), [[0.0, 1.0]], [1])
    assert isinstance(X, torch.Tensor) and X.dtype == torch.float32 and y.dtype == torch.int64
    assert f(MLP(2), np.zeros((1, 2)))[1] is None
    with pytest.raises(ValueError, match=r"lr must be a number > 0"):
        f(MLP(2), np.zeros((1, 2)), lr=-1.0)


def test_an_annotation_that_contradicts_a_names_kind_wins():
    """A name's kind (lrs: positive numbers, epoch: >= 0, width: integer) yields to what the function
    says it takes: a dict of lrs, an epoch of -1 for "the last", a float width, a NumPy X."""

    @checks.checked
    def f(lrs: dict[str, float], epoch: int = -1, width: float = 10.0, shots: list[int] = (1,),
          X: np.ndarray = None):
        return lrs, epoch, width, shots, X

    assert f({"sgd": 0.1}, width=9.5, X=[[1.0, 2.0]])[4].__class__ is np.ndarray
    with pytest.raises(TypeError, match="lrs must be a dict"):
        f([0.1])
    with pytest.raises(TypeError, match="epoch"):
        f({}, epoch=1.5)
    with pytest.raises(ValueError, match="shots"):
        f({}, shots=[0])
    with pytest.raises(ValueError, match="X must be finite"):
        f({}, X=[[np.nan, 1.0]])
