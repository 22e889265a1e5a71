"""Test settings: one intra-op thread, flushed denormals, a non-interactive matplotlib backend."""

import os
import sys
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The repository's scripts are tested as modules: tools/ (lab, course_repo, build_notebooks) and
# data/scripts/ (pretrain, tune_transfer) are on the path by their file names.
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "data" / "scripts")]

# nbval's kernels inherit this process's environment: a set MPLBACKEND would remove their figures.
os.environ.pop("MPLBACKEND", None)
matplotlib.use("Agg")

import torch  # noqa: E402

torch.set_num_threads(1)
torch.set_flush_denormal(True)


@pytest.fixture(scope="session")
def digits():
    """The digits split (seed 0), loaded once for every test that needs it."""
    from course_lib import data

    return data.load("digits", seed=0)


@pytest.fixture(scope="session")
def regression():
    """The tabular regression split (seed 0), loaded once."""
    from course_lib import data

    return data.load("regression", seed=0)


@pytest.fixture
def course_style():
    """The course's figure style for one test, restored afterwards; its figures closed."""
    import matplotlib.pyplot as plt

    from course_lib import style

    with matplotlib.rc_context():
        style.use_style()
        yield
    plt.close("all")
