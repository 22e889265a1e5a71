"""Benchmark: notebook 02's explorers redrawn, sliders moved from code as a student would drag them.

Each move recounts the confusion matrix, refills the HTML table, restores the fixed picture, draws
the moving artists (threshold lines, ROC and PR points) and encodes the PNG. Compared with
rebuilding the whole 4-panel figure per move (what a plain ``plt.show()`` redraw costs). The
budget is a median redraw of at most 150 ms.

A second table times every control of the prevalence explorer (separation, prevalence,
threshold) and the cost-ratio slider, wall and CPU time (CPU time is what an idle machine waits).

    python benchmarks/threshold.py [--moves 60]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course_lib import runtime
from course_lib.evaluation import imbalance, operating_point  # noqa: E402
from course_lib.evaluation.threshold_explorer import ThresholdExplorer  # noqa: E402

BUDGET_MS = 150


def scores(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping scores in [0, 1] of n points, 30% positives."""
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < 0.3).astype(np.int64)
    return y_true, 1 / (1 + np.exp(-(rng.normal(size=n) + 1.5 * y_true - 0.7)))


def full_rebuild_ms(y_true, y_score, moves: int) -> float:
    """Median time of building a fresh explorer figure (everything redrawn), for comparison."""
    times = []
    for _ in range(moves):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            ThresholdExplorer(y_true, y_score)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def main() -> None:
    """Print a table: points, median and 90th-percentile redraw, its CPU time, full rebuild, within budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args()
    runtime.setup(seed=0, verbose=False)
    print(f"{'points':>7s} {'median redraw':>14s} {'p90 redraw':>11s} {'median CPU':>11s} "
          f"{'full rebuild':>13s}  within {BUDGET_MS} ms (CPU)")
    for n in (114, 2_000, 50_000):
        y_true, y_score = scores(n)
        with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel the PNGs go to stdout
            explorer = ThresholdExplorer(y_true, y_score)
            explorer.redraw_seconds.clear()
            explorer.redraw_cpu_seconds.clear()
            for value in np.linspace(0.02, 0.98, args.moves):
                explorer.slider.value = float(round(value, 2))
        ms = 1000 * np.array(explorer.redraw_seconds)
        rebuild = full_rebuild_ms(y_true, y_score, 5)
        median, cpu = float(np.median(ms)), 1000 * float(np.median(explorer.redraw_cpu_seconds))
        print(f"{n:7d} {median:11.1f} ms {np.percentile(ms, 90):8.1f} ms {cpu:8.1f} ms {rebuild:10.1f} ms  "
              f"{'yes' if cpu <= BUDGET_MS else 'NO'}")
    other_explorers(args.moves)


def other_explorers(moves: int) -> None:
    """Median wall and CPU time per move of each control of the prevalence and cost explorers."""
    y_true, y_score = scores(114)
    with contextlib.redirect_stdout(io.StringIO()):
        prevalence = imbalance.PrevalenceExplorer()
        cost = operating_point.CostExplorer(y_true, y_score)
    grids = [(prevalence, "separation", list(imbalance.SEPARATIONS)),
             (prevalence, "prevalence", list(imbalance.PREVALENCES)),
             (prevalence, "threshold", [round(v, 2) for v in np.linspace(0.05, 0.95, moves)]),
             (cost, "cost_ratio", list(cost.ratios))]
    print(f"\n{'explorer':20s} {'control':11s} {'median wall':>12s} {'median CPU':>11s}")
    for explorer, name, values in grids:
        explorer.redraw_seconds.clear()
        explorer.redraw_cpu_seconds.clear()
        with contextlib.redirect_stdout(io.StringIO()):
            for value in values + values[::-1]:
                explorer.controls[name].value = value
        times = (explorer.redraw_seconds, explorer.redraw_cpu_seconds)
        wall, cpu = (1000 * float(np.median(t)) for t in times)
        print(f"{type(explorer).__name__:20s} {name:11s} {wall:9.1f} ms {cpu:8.1f} ms")


if __name__ == "__main__":
    main()
