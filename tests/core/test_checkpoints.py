"""Checkpoints load with torch.load(weights_only=True); bad files get an error that says what is wrong;
the shipped pretrained model is what data/scripts/pretrain.py makes; safety_demo says what is wrong with each
broken file."""

import collections
import pickle

import pretrain
import pytest
import torch

from course_lib.checkpoints import (
    CheckpointError,
    data_path,
    load_checkpoint,
    read_checkpoint,
    save_checkpoint,
)
from course_lib.fine_tuning import transfer
from course_lib.models import MLP


class _RunsCode:
    """Unpickling this calls a function: what weights_only=True exists to refuse."""

    def __reduce__(self):
        return (print, ("this ran while loading",))


@pytest.fixture
def saved(tmp_path):
    model = MLP(3, out_features=2, hidden=(8,), activation="tanh", task="regression", seed=1)
    return model, save_checkpoint(model, tmp_path / "m.pt", meta={"note": "test"})


def test_round_trip_gives_the_same_model_and_loads_with_weights_only(saved):
    model, path = saved
    payload = torch.load(path, weights_only=True)  # plain tensors and numbers: no pickled code
    assert payload["config"] == model.config
    loaded, meta = load_checkpoint(path)
    assert meta == {"note": "test"} and loaded.config == model.config
    X = torch.randn(5, 3)
    assert torch.equal(loaded(X), model(X))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")  # the old-style pickle below
def test_a_file_holding_pickled_code_is_refused_and_the_error_says_so(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"format": "course_lib.checkpoint", "obj": _RunsCode()}, path)
    with pytest.raises(CheckpointError, match=r"pickled code.*refers to (builtins\.)?print"):
        read_checkpoint(path)
    with open(tmp_path / "plain.pkl", "wb") as f:  # not even a torch file, an old-style pickle
        pickle.dump(collections.OrderedDict(a=1), f)
    with pytest.raises(CheckpointError):
        read_checkpoint(tmp_path / "plain.pkl")


@pytest.mark.parametrize("keep", [0, 0.5, 0.95])
def test_a_truncated_file_says_truncated(saved, keep):
    _, path = saved
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(CheckpointError, match="truncated or corrupted"):
        load_checkpoint(path)


def test_an_architecture_mismatch_names_the_layers(saved):
    _, path = saved
    with pytest.raises(CheckpointError, match=r"does not match the architecture.*body.block1.linear.weight "
                                              r"has shape \(8, 3\) in the file but \(16, 3\)"):
        load_checkpoint(path, MLP(3, out_features=2, hidden=(16,), task="regression"))
    with pytest.raises(CheckpointError, match="missing.*body.block2"):
        load_checkpoint(path, MLP(3, out_features=2, hidden=(8, 8), task="regression"))


def test_not_a_course_checkpoint_and_bad_arguments(tmp_path):
    torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a course_lib checkpoint"):
        read_checkpoint(tmp_path / "other.pt")
    with pytest.raises(FileNotFoundError, match="path must be an existing checkpoint file"):
        read_checkpoint(tmp_path / "missing.pt")
    with pytest.raises(TypeError, match="path must be a file path"):
        read_checkpoint(3)
    with pytest.raises(FileNotFoundError, match="name must be a file in"):
        data_path("no_such_file.pt")
    with pytest.raises(TypeError, match="model must be a course_lib.models.MLP"):
        save_checkpoint(torch.nn.Linear(1, 1), tmp_path / "x.pt")


def test_the_shipped_model_loads_and_fits_its_source_task():
    model, meta = transfer.load_pretrained()
    assert model.config == transfer.backbone().config
    assert transfer.source_loss(model) == pytest.approx(meta["source_loss"], rel=1e-4)
    assert meta["source_loss"] < 0.2 and "digits" in meta["trained_on"]


def test_the_script_reproduces_an_equivalent_model(tmp_path):
    shipped, meta = transfer.load_pretrained()
    model, _ = load_checkpoint(pretrain.main(tmp_path / "again.pt"))
    assert model.config == shipped.config
    loss = transfer.source_loss(model)
    assert loss < 0.2 and loss == pytest.approx(meta["source_loss"], rel=0.2)


def test_safety_demo_reports_code_truncation_and_architecture(tmp_path):
    from course_lib.checkpoints import safety_demo

    model = MLP(8, out_features=3, hidden=(16, 16), activation="tanh", task="multiclass", seed=0)
    messages = safety_demo(model, tmp_path)
    assert list(messages) == ["pickled_code.pt", "truncated.pt", "backbone.pt"]
    assert "pickled code" in messages["pickled_code.pt"] and "truncated" in messages["truncated.pt"]
    assert "does not match the architecture" in messages["backbone.pt"]
    with pytest.raises(TypeError, match="model must be a course_lib.models.MLP"):
        safety_demo(torch.nn.Linear(1, 1), tmp_path)
