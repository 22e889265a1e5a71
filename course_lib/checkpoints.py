"""Pretrained checkpoints that ship with the course: saved with torch.save, loaded with
``torch.load(..., weights_only=True)``, and checked, so a bad file gets an error that says what is wrong.

A checkpoint is a plain dict: {"format", "version", "config" (the MLP's constructor arguments),
"state_dict" (tensors only), "meta" (what it was trained on, its source-task loss)}. Nothing in it
needs pickled code, so ``weights_only=True`` can load it, and refuses any file that would run code.
"""

from __future__ import annotations

import os
import pickle
import re
import zipfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .checks import check_type, checked
from .models import MLP

FORMAT = "course_lib.checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint file that cannot be used; the message says why (truncated, code, architecture)."""


@checked
def _data_dir() -> Path:
    """The course's data/ folder: next to the course_lib package, at the repository root.

    Found the same way from notebooks/ on a laptop and on Colab (the repository cloned to
    /content/course), because course_lib is installed editable from the repository.
    """
    path = Path(__file__).resolve().parent.parent / "data"
    if not path.is_dir():
        raise FileNotFoundError(
            f"the course's data/ folder was not found at {path}. course_lib must be used from a "
            "clone of the course repository (pip install -e <repository>), not from a copy of the "
            "package alone; on Colab, run the setup cell at the top of the notebook first."
        )
    return path


@checked
def data_path(name: str) -> Path:
    """Path of the file ``name`` in the course's data/ folder, checked to exist."""
    path = _data_dir() / name
    if not path.is_file():
        known = sorted(p.name for p in _data_dir().iterdir() if p.is_file())
        raise FileNotFoundError(f"name must be a file in {_data_dir()}, one of {known}, got {name!r}")
    return path


@checked
def save_checkpoint(model: MLP, path: str | os.PathLike, *, meta: dict[str, Any] | None = None) -> Path:
    """Save an MLP's constructor arguments, weights and ``meta`` (plain numbers and strings)."""
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a course_lib.models.MLP, got {type(model).__name__}")
    if meta is not None:
        check_type("meta", meta, dict, "a dict of plain values")
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "config": dict(model.config),
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "meta": dict(meta or {}),
    }
    check_type("path", path, (str, os.PathLike), "a file path")
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"path must be in an existing folder, got {str(path)!r}: the folder "
                                f"{str(path.parent)!r} does not exist (create it with "
                                "Path(folder).mkdir(parents=True))")
    if path.is_dir():
        raise ValueError(f"path must be a file name, got the folder {str(path)!r}")
    torch.save(payload, path)
    return path


@checked
def read_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """The checkpoint's dict, loaded with weights_only=True; CheckpointError says what is wrong."""
    check_type("path", path, (str, os.PathLike), "a file path")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path must be an existing checkpoint file, got {str(path)!r}")
    size = path.stat().st_size
    if size == 0 or (not zipfile.is_zipfile(path) and _starts_like_zip(path)):
        raise CheckpointError(
            f"{path.name} is truncated or corrupted ({size} bytes, the zip archive that torch.save "
            "writes is incomplete): download or regenerate it (python data/scripts/pretrain.py)"
        )
    kind = _foreign_kind(path)
    if kind is not None:
        raise CheckpointError(f"{path.name} is not a course_lib checkpoint: it is {kind}, not a file "
                              "written by save_checkpoint (torch.save)")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(exc))
        if found:
            what = f" (it refers to {found.group(1)})" if found else ""
            raise CheckpointError(
                f"{path.name} holds pickled code or objects, not only tensors{what}: "
                "torch.load(weights_only=True) refused to run it. Load files like this only if you "
                "trust where they come from."
            ) from None
        raise CheckpointError(f"{path.name} is truncated or corrupted: {str(exc)[:160]}") from None
    except (RuntimeError, EOFError, OSError, KeyError, ValueError) as exc:
        raise CheckpointError(f"{path.name} is truncated or corrupted: {str(exc)[:120]}") from None
    missing = [k for k in ("format", "version", "config", "state_dict")
               if not isinstance(payload, dict) or k not in payload]
    if missing or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path.name} is not a course_lib checkpoint: it lacks {missing or ['format']}")
    if payload["version"] != VERSION:
        raise CheckpointError(f"{path.name} has format version {payload['version']}, "
                              f"this course_lib reads version {VERSION}")
    _check_structure(path.name, payload)
    return payload


def _check_structure(name: str, payload: dict) -> None:
    """Raise CheckpointError unless config is a dict of settings and state_dict a dict of tensors."""
    if not isinstance(payload["config"], dict):
        raise CheckpointError(f"{name} has the wrong structure: its config must be a dict of MLP "
                              f"settings, got {type(payload['config']).__name__}")
    state = payload["state_dict"]
    if not isinstance(state, dict) or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        what = type(state).__name__ if not isinstance(state, dict) else "a dict with non-tensor entries"
        raise CheckpointError(f"{name} has the wrong structure: its state_dict must be a dict of "
                              f"named tensors, got {what}")
    if not isinstance(payload.get("meta", {}), dict):
        raise CheckpointError(f"{name} has the wrong structure: its meta must be a dict, got "
                              f"{type(payload['meta']).__name__}")


def _foreign_kind(path: Path) -> str | None:
    """What a file is when it is clearly not a torch.save file (NumPy, JSON, text), else None."""
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(b"\x93NUMPY"):
        return "a NumPy .npy file (np.save)"
    if head.startswith(b"PK\x03\x04"):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
            if not any(n.endswith("data.pkl") for n in names):
                return "a zip archive (an .npz file or similar) without torch's data.pkl"
        return None
    if head.startswith(b"\x80"):  # a pickle (protocol 2+): torch's legacy format or plain pickle
        return None
    stripped = head.lstrip()
    if stripped[:1] in (b"{", b"["):
        return "JSON or other text"
    try:
        head.decode("utf-8")
        return "a text file"
    except UnicodeDecodeError:
        return None


@checked
def _check_architecture(model: nn.Module, state_dict: dict[str, torch.Tensor], name: str = "checkpoint"
                       ) -> None:
    """Raise CheckpointError unless ``state_dict`` has exactly the model's parameter names and shapes."""
    bad = [k for k, v in state_dict.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise CheckpointError(f"{name} has the wrong structure: state_dict entries {bad[:5]} are not tensors")
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    found = {k: tuple(v.shape) for k, v in state_dict.items()}
    problems = []
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    if missing:
        problems.append(f"missing {missing}")
    if unexpected:
        problems.append(f"unexpected {unexpected}")
    for k in sorted(set(expected) & set(found)):
        if expected[k] != found[k]:
            problems.append(f"{k} has shape {found[k]} in the file but {expected[k]} in the model")
    if problems:
        raise CheckpointError(f"{name} does not match the architecture: " + "; ".join(problems))


@checked
def load_checkpoint(path: str | os.PathLike, model: nn.Module | None = None
                    ) -> tuple[nn.Module, dict[str, Any]]:
    """(model, meta): the MLP the checkpoint describes, or ``model`` given, with its weights loaded."""
    payload = read_checkpoint(path)
    name = Path(path).name
    if model is None:
        try:
            model = MLP(**payload["config"])
        except (TypeError, ValueError) as exc:
            raise CheckpointError(f"{name} has an invalid architecture config: {exc}") from None
    elif not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module or None, got {type(model).__name__}")
    _check_architecture(model, payload["state_dict"], name)
    model.load_state_dict(payload["state_dict"])
    return model, dict(payload.get("meta", {}))


def _starts_like_zip(path: Path) -> bool:
    """True when the file begins with a zip header (what torch.save writes)."""
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


class _RunsCode:
    """An object whose unpickling calls a function: exactly what ``weights_only=True`` refuses."""

    def __reduce__(self):
        return (print, ("this would have run while loading!",))


@checked
def safety_demo(model: MLP, folder: str | os.PathLike) -> dict[str, str]:
    """What ``load_checkpoint`` says about three broken files, written to ``folder`` from ``model``:
    one holding pickled code, one cut short, and a good one loaded into a narrower architecture.

    Returns {file name: the CheckpointError's message}, for notebook 05 to print.
    """
    if isinstance(folder, bool) or not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path (str or os.PathLike), got {type(folder).__name__} {folder!r}")
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a course_lib.models.MLP, got {type(model).__name__}")
    folder = Path(folder)
    good = save_checkpoint(model, folder / "backbone.pt", meta={"note": "a good file"})
    torch.save({"state_dict": model.state_dict(), "gift": _RunsCode()}, folder / "pickled_code.pt")
    (folder / "truncated.pt").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    narrower = MLP(**{**model.config, "hidden": tuple(h // 2 for h in model.config["hidden"])})
    messages = {}
    for name, into in (("pickled_code.pt", None), ("truncated.pt", None), ("backbone.pt", narrower)):
        try:
            load_checkpoint(folder / name, into)
        except CheckpointError as error:
            messages[name] = str(error)
    return messages
