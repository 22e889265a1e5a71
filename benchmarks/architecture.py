"""Time notebook 03's experiments (one CPU thread), so a slow one is noticed: prints a table."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course_lib import data, runtime
from course_lib.architecture import batchnorm, capacity, diagnostics, trainability  # noqa: E402


def timed(fn) -> float:
    """Best of two runs of ``fn``, in seconds."""
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    runtime.setup(seed=0, verbose=False)
    digits = data.load("digits")
    moons = data.load("moons", n_samples=150, noise=0.35, seed=0)
    big_moons = data.load("moons", n_samples=3000, noise=0.35, val_size=0.27, test_size=0.06, seed=0)
    experiments = {
        "depth x width sweep (9 nets)": lambda: capacity.depth_width_sweep(
            moons, (1, 2, 4), (2, 16, 128), num_steps=400, batch_size=30),
        "gradient flow, 12 settings": lambda: [diagnostics.gradient_flow(digits, 10, a, i)
                                               for a in ("sigmoid", "tanh", "relu", "gelu")
                                               for i in ("default", "xavier", "he")],
        "dead units vs lr (15 nets)": lambda: diagnostics.dead_units_vs_lr(
            digits, (1e-3, 3e-3, 1e-2, 3e-2, 1e-1), ("relu", "leaky_relu", "gelu"), num_epochs=5),
        "width x data size (6 nets)": lambda: capacity.data_size_sweep(
            big_moons, (100, 1000), (8, 32, 128)),
        "10 layers by activation (4 nets)": lambda: trainability.activation_runs(digits),
        "depth sweep (15 nets)": lambda: trainability.depth_sweep(digits),
        "BN lr x init grid (36 nets)": lambda: batchnorm.lr_init_grid(
            digits, (0.003, 0.01, 0.03, 0.1, 0.3, 1.0), (0.5, 1.0, 3.0)),
        "injected covariate shift": lambda: batchnorm.covariate_shift_experiment(digits),
    }
    print(f"{'experiment of notebook 03':<32} {'seconds (best of 2)':>20}")
    for name, fn in experiments.items():
        print(f"{name:<32} {timed(fn):>20.2f}")


if __name__ == "__main__":
    main()
