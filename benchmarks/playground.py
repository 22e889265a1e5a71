"""How fast the course playground answers, measured in Python (the browser adds its round trip).

Wall-clock times depend on the machine's load; CPU times (this process) are what a move costs on an
idle core.

Retrain + first figure: a control change to a setting not seen before, until both figures are PNGs
in their Output widgets. Redraws: scrubbing the epoch, toggling the test points, moving the
threshold (no retraining). Median and maximum over several moves. Then the same retrain as in a
notebook, where an event loop runs: training goes on in a thread and the picture is drawn live, so
the student sees a first picture long before the run ends. Run: `python benchmarks/playground.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import torch  # noqa: E402

from course_lib import playground  # noqa: E402

CPU: list[float] = []  # CPU seconds of each timed action: what it costs on an idle machine


def _timed(action) -> float:
    """Wall-clock seconds ``action()`` takes (its CPU seconds go to CPU)."""
    start, cpu = time.perf_counter(), time.process_time()
    action()
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start


def main() -> None:
    """Print the table."""
    torch.set_num_threads(1)
    warm = _timed(lambda: playground.Playground("v1:points=100&epochs=10"))
    pg = playground.Playground()
    c = pg.controls
    marks = [len(CPU)]
    retrain = []
    for name, value in [("draw", None), ("data", "xor"), ("data", "gauss"), ("activation", "relu"),
                        ("data", "moons"), ("neurons", 7)]:
        if name == "draw":
            retrain.append(_timed(pg.new_draw.click))
        else:
            retrain.append(_timed(lambda n=name, v=value: setattr(c[n], "value", v)))
    train_only = pg.run.seconds
    marks.append(len(CPU))
    scrub = [_timed(lambda e=e: setattr(c["epoch"], "value", e)) for e in (5, 10, 20, 30, 39, 1, 15, 25)]
    marks.append(len(CPU))
    test = [_timed(lambda v=v: setattr(c["show_test"], "value", v)) for v in (True, False) * 4]
    marks.append(len(CPU))
    threshold = [_timed(lambda t=t: setattr(c["threshold"], "value", t)) for t in (0.3, 0.5, 0.7, 0.9) * 2]
    marks.append(len(CPU))
    cached = _timed(lambda: setattr(c["neurons"], "value", 8))  # (moons, relu, 8) was trained above
    print(f"first training in a fresh process (torch loads its kernels once): {warm:.2f} s")
    print(f"{'what':<38}{'median':>10}{'max':>10}{'CPU median':>13}")
    rows = [("retrain + first figure (default size)", retrain), ("scrub epoch", scrub),
            ("toggle test points", test), ("move threshold", threshold)]
    for (label, times), start, end in zip(rows, marks[:-1], marks[1:], strict=True):
        cpu = statistics.median(CPU[start:end])
        print(f"{label:<38}{statistics.median(times) * 1000:>8.0f} ms{max(times) * 1000:>7.0f} ms"
              f"{cpu * 1000:>10.0f} ms")
    print(f"{'of which training (last run)':<38}{train_only * 1000:>8.0f} ms")
    print(f"{'a setting seen before (cache)':<38}{cached * 1000:>8.0f} ms")



def live() -> None:
    """Print control change -> first live picture, and -> the whole run shown, with an event loop."""
    pg = playground.Playground()
    first, whole = [], []

    async def retrain(value: int) -> None:
        start = time.perf_counter()
        pg.controls["neurons"].value = value
        task = pg.follow_task
        while "first_picture" not in pg.timings:
            await asyncio.sleep(0.002)
        first.append(time.perf_counter() - start)
        await task
        whole.append(time.perf_counter() - start)

    async def moves() -> None:
        for value in (4, 5, 6, 7, 9):
            await retrain(value)

    asyncio.run(moves())
    for label, times in (("live: first picture", first), ("live: whole run shown", whole)):
        print(f"{label:<38}{statistics.median(times) * 1000:>8.0f} ms{max(times) * 1000:>7.0f} ms")


if __name__ == "__main__":
    main()
    live()
