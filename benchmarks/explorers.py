"""Latency of every control of the course's explorers, in the kernel (no browser): a value never seen,
and the same value again (a revisit, answered from the explorer's cache where it has one).

    python benchmarks/explorers.py [--quick]

Settings are the notebooks' where a build is cheap (01's hinges, 02's three explorers, 03's gradient
flow, 04's clipping), smaller where the notebook trains for minutes (03's depth sweep, 05's rank
sweep; their sliders only redraw, so the size of the training does not change what is timed). The
table goes to artifacts/explorer_latency.md with the machine's load average, because a shared
machine's wall time says little: the CPU-time column is what an idle machine would wait. The browser
adds the PNG's transfer and paint (tens of ms); tests/browser records that end to end.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import torch  # noqa: E402

from course_lib import data  # noqa: E402

TARGETS = {"redraw": 0.150, "retrain": 1.0}  # issue 25: seconds, median, idle machine


def _values(control, limit: int) -> list:
    """Up to ``limit`` values a control offers, spread over its range."""
    if hasattr(control, "options") and control.options:
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
    elif isinstance(control.value, bool):
        values = [not control.value, control.value]
    else:
        values = list(np.linspace(control.min, control.max, limit))
        if isinstance(control.value, int):
            values = [int(round(v)) for v in values]
    index = np.unique(np.linspace(0, len(values) - 1, min(limit, len(values))).round().astype(int))
    return [values[i] for i in index if values[i] != control.value] or values[:1]


def measure(explorer, name: str, limit: int = 8) -> dict[str, float]:
    """Median and max wall seconds of a first visit and of a revisit, and the median CPU seconds."""
    control = explorer.controls[name]
    start_value = control.value
    with contextlib.redirect_stdout(io.StringIO()):  # clear_output outside a kernel prints escapes
        explorer.redraw()
        first, first_cpu, again = [], [], []
        values = _values(control, limit)
        for value in values:
            wall, cpu = time.perf_counter(), time.process_time()
            control.value = value
            first.append(time.perf_counter() - wall)
            first_cpu.append(time.process_time() - cpu)
        for value in values:
            control.value = start_value
            wall = time.perf_counter()
            control.value = value
            again.append(time.perf_counter() - wall)
        control.value = start_value
    return {"n": len(values), "median": statistics.median(first), "max": max(first),
            "cpu": statistics.median(first_cpu), "revisit": statistics.median(again),
            "errors": len(explorer.errors)}


def explorers(quick: bool):
    """(notebook, name, explorer, [(control, kind)]) for each explorer benchmarked."""
    from course_lib.architecture import signals, trainability, trainability_plots
    from course_lib.evaluation import imbalance, operating_point
    from course_lib.evaluation.threshold_explorer import ThresholdExplorer
    from course_lib.mlp import approximation_plots
    from course_lib.training_tricks import clipping

    rng = np.random.default_rng(0)
    y = (rng.random(114) < 43 / 114).astype(int)  # 02's validation set: 43 malignant of 114
    s = 1 / (1 + np.exp(-(rng.normal(size=114) + 2.0 * y - 0.5)))
    digits = data.load("digits", seed=0)
    hinges = approximation_plots.hinge_explorer(data.FUNCTIONS_1D["wiggly"])
    yield "01", "hinges", hinges, [("width", "redraw")]
    yield "02", "threshold", ThresholdExplorer(y, s, bins=20), [("threshold", "redraw")]
    yield "02", "prevalence", imbalance.PrevalenceExplorer(), [
        ("threshold", "redraw"), ("prevalence", "redraw"), ("separation", "redraw")]
    yield "02", "cost", operating_point.CostExplorer(y, s, value=5), [("cost_ratio", "redraw")]
    yield "03", "gradient flow", signals.flow_explorer(digits, depth=20, activation="relu"), [
        ("depth", "retrain"), ("activation", "retrain"), ("init", "retrain"), ("residual", "retrain")]
    moons = data.load("moons", n_samples=300, seed=0)
    sweep = trainability.depth_sweep(moons, depths=(2, 5, 10, 20, 30), num_epochs=1)
    yield "03", "depth", trainability_plots.depth_explorer(sweep, depth=10), [("depth", "redraw")]
    mild = clipping.scale_targets(data.load("regression", seed=0), 0.1)
    steps = 60 if quick else 300
    yield "04", "clipping", clipping.ClippingExplorer(mild, threshold=100.0, lr=0.05, num_steps=steps), [
        ("threshold", "redraw")]


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    torch.set_num_threads(1)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = []
    for notebook, name, explorer, controls in explorers(quick):
        for control, kind in controls:
            m = measure(explorer, control, limit=5 if quick else 8)
            rows.append((notebook, name, control, kind, m))
            print(f"{notebook} {name:<14} {control:<11} {kind:<7} n={m['n']:<2} "
                  f"median {m['median'] * 1e3:6.0f} ms max {m['max'] * 1e3:6.0f} ms  "
                  f"cpu {m['cpu'] * 1e3:6.0f} ms  revisit "
                  f"{m['revisit'] * 1e3:5.0f} ms  errors {m['errors']}", flush=True)
    lines = [f"# Explorer latency in the kernel (no browser); load average {load:.1f} on "
             f"{os.cpu_count()} CPUs at the start", "",
             "| notebook | explorer | control | kind | target | n | median ms | max ms | CPU median ms "
             "| revisit median ms | errors |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for notebook, name, control, kind, m in rows:
        lines.append(f"| {notebook} | {name} | {control} | {kind} | ≤ {TARGETS[kind] * 1e3:.0f} | {m['n']} | "
                     f"{m['median'] * 1e3:.0f} | {m['max'] * 1e3:.0f} | {m['cpu'] * 1e3:.0f} | "
                     f"{m['revisit'] * 1e3:.0f} | {m['errors']} |")
    out = ROOT / "artifacts" / "explorer_latency.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"table: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
