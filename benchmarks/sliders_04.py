"""Latency of notebook 04's retraining sliders: a value never seen, and a value seen before (cached).

    python benchmarks/sliders_04.py
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from course_lib import data, runtime
from course_lib.training_tricks import batch_size, clipping, learning_rate, schedules  # noqa: E402


def timed(explorer, name: str, values) -> tuple[float, float, float]:
    """(median new, worst new, median cached) seconds to redraw after setting ``name``."""
    with contextlib.redirect_stdout(io.StringIO()):  # clear_output outside a kernel prints escapes
        return _timed(explorer, name, values)


def _timed(explorer, name: str, values) -> tuple[float, float, float]:
    """The measurement of ``timed``."""
    new, cached = [], []
    explorer.redraw()
    for value in values:
        start = time.perf_counter()
        explorer.controls[name].value = value
        new.append(time.perf_counter() - start)
        plt.close("all")
    first = explorer.controls[name].value
    for value in values:
        explorer.controls[name].value = first  # move away, then back: both are cached now
        start = time.perf_counter()
        explorer.controls[name].value = value
        cached.append(time.perf_counter() - start)
        plt.close("all")
    return statistics.median(new), max(new), statistics.median(cached)


def main() -> None:
    """Print one row per control."""
    runtime.setup(seed=0, verbose=False)
    digits = data.load("digits", seed=0)
    rows = []
    lr = learning_rate.LRExplorer(digits)
    rows.append(("lr (10 epochs SGD)", *timed(lr, "lr", [0.001, 0.0178, 0.316, 3.16, 10.0])))
    lr.controls["optimizer"].value = "adam"
    rows.append(("lr (10 epochs Adam)", *timed(lr, "lr", [0.001, 0.0178, 0.316, 1.0])))
    bs = batch_size.BatchSizeExplorer(digits)
    rows.append(("batch_size (10 epochs)", *timed(bs, "batch_size", [8, 16, 64, 256, 1024])))
    bs.controls["budget"].value = "equal steps"
    rows.append(("batch_size (equal steps)", *timed(bs, "batch_size", [8, 64, 256, 1024])))
    bs.controls["scale_lr"].value = True
    rows.append(("batch_size (scaled lr)", *timed(bs, "batch_size", [8, 64, 256, 1024])))
    sched = schedules.ScheduleExplorer(digits, schedule="constant")
    rows.append(("schedule (3 seeds)", *timed(sched, "schedule", ["step", "cosine", "plateau"])))
    start = time.perf_counter()
    clip = clipping.ClippingExplorer(clipping.scale_targets(data.load("regression", seed=0), 0.1),
                                     threshold=100.0, lr=0.05)
    build = time.perf_counter() - start
    rows.append(("threshold (precomputed)", *timed(clip, "threshold", [1.0, 10.0, float("inf")])))
    print(f"{'control':26s} {'new, median':>12s} {'new, worst':>11s} {'cached':>8s}")
    for name, med, worst, cached in rows:
        print(f"{name:26s} {med:11.3f}s {worst:10.3f}s {cached:7.3f}s")
    print(f"(the threshold slider's runs are all trained when it is built: {build:.2f} s)")


if __name__ == "__main__":
    main()
