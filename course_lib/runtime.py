"""Reproducibility and speed settings: seeds, one intra-op thread, denormals, device, versions."""

from __future__ import annotations

import platform
import random
import sys

import numpy as np
import torch

from .checks import checked


@checked
def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch; return a torch.Generator seeded with ``seed``."""
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 (students may still use the legacy global RNG)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


@checked
def choose_device(prefer: str = "cpu") -> torch.device:
    """Return the device to use; small course models run fastest on the CPU, so that is the default."""
    if prefer not in ("cpu", "auto"):
        raise ValueError(f"prefer must be 'cpu' or 'auto', got {prefer!r}")
    if prefer == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
    return torch.device("cpu")


@checked
def accelerator_hint() -> str:
    """A friendly sentence about the accelerator, if any, and why the course does not need one."""
    if torch.cuda.is_available():
        found = f"a CUDA GPU ({torch.cuda.get_device_name(0)})"
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        found = "an Apple GPU (MPS)"
    else:
        return "No GPU found: that is fine, every experiment in this course is sized for a laptop CPU."
    return (
        f"Found {found}. The course's models are so small that the CPU is faster; "
        "pass device=choose_device('auto') to experiment with it."
    )


@checked
def versions() -> dict[str, str]:
    """Versions of Python and the libraries the course uses."""
    import ipywidgets
    import matplotlib
    import sklearn

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "matplotlib": matplotlib.__version__,
        "ipywidgets": ipywidgets.__version__,
    }


@checked
def setup(seed: int = 0, *, threads: int = 1, verbose: bool = True) -> torch.Generator:
    """Prepare a notebook: seed everything, use ``threads`` intra-op threads, flush denormals.

    One thread is fastest for the course's small models (two threads made a batch-16 step ~50x
    slower on a 2-core machine), and flushing denormals keeps deep nets whose signal vanishes
    from running ~10x slower.
    """
    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    generator = seed_everything(seed)
    if verbose:
        line = " | ".join(f"{k} {v}" for k, v in versions().items())
        print(line)
        print(accelerator_hint())
    return generator


@checked
def in_colab() -> bool:
    """True when running inside Google Colab."""
    return "google.colab" in sys.modules
