"""Benchmark: notebook 05's comparison of four ways to adapt the shipped pretrained model.

Median normalised test MSE over 8 seeds (10 labelled points, related and 1.5x-shifted sinusoid),
1 - accuracy for the digits 0-4 -> 5-9 counter-example (5 seeds, 5 images per class), trainable
parameters, and the wall time of one adaptation run (300 full-batch Adam steps).

    python tools/benchmark_transfer.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course_lib import runtime, transfer  # noqa: E402


def main() -> None:
    """Print the comparison table."""
    runtime.setup(seed=0, verbose=False)
    pretrained = transfer.load_pretrained()[0]
    start = time.perf_counter()
    results = transfer.compare(pretrained, transfer.sinusoid_targets(seeds=range(8)))
    seconds = (time.perf_counter() - start) / (8 * 2 * len(transfer.METHODS))
    digits = transfer.compare(transfer.pretrain_digits(), transfer.digits_targets(seeds=range(5)))
    median, digits_median = transfer.median_errors(results), transfer.median_errors(digits)["digits 5-9"]
    print(f"{'method':16s} {'trainable':>9s} {'related':>8s} {'shifted':>8s} {'digits 5-9':>10s}")
    for m in transfer.METHODS:
        print(f"{m:16s} {results['related'][m][0].trainable:9,d} {median['related'][m]:8.3f} "
              f"{median['shifted'][m]:8.3f} {digits_median[m]:10.3f}")
    print(f"one adaptation run (300 steps, 10 points): {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
