"""Benchmark: notebook 05's headline on the shipped backbone and on a fresh one, with timings.

Median test error [25th-75th percentile] of five ways to adapt (each at its lr from
data/transfer_lrs.json) on four target styles, 3 labelled images per class; the steps to reach a
validation error of 0.15 on inverted digits (10 per class) from scratch and from the pretrained
backbone; the wall time of one batched adaptation run (8 seeds, 200 steps) and of the rank
explorer's redraw.

    python benchmarks/transfer.py [--seeds 0 1 2 ...] [--backbone-seed 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course_lib import runtime
from course_lib.fine_tuning import transfer, transfer_plots  # noqa: E402


def main() -> None:
    """Print the headline table, the steps-to-target figures and the timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=list(transfer.SEEDS))
    parser.add_argument("--backbone-seed", type=int, default=None, help="pretrain a fresh backbone")
    args = parser.parse_args()
    runtime.setup(seed=0, verbose=False)
    if args.backbone_seed is None:
        pretrained = transfer.load_pretrained()[0]
    else:
        pretrained = transfer.pretrain(args.backbone_seed)[0]
    lrs = transfer.load_lrs()["lr"]
    start = time.perf_counter()
    results = transfer.compare(pretrained, transfer.target_tasks(seeds=args.seeds), lrs, seeds=args.seeds)
    seconds = (time.perf_counter() - start) / (len(transfer.TARGETS) * len(transfer.METHODS))
    print(transfer.table(results))
    print(f"one batched run ({len(args.seeds)} seeds, {transfer.NUM_STEPS} steps): {seconds:.2f} s")
    tasks = [transfer.target_task("inverted", shots=10, seed=s) for s in args.seeds]
    race = transfer.steps_to_target(pretrained, tasks, 0.15)
    for m, c in race.items():
        print(f"{m:15s} lr {c['lr']:g}: median {np.median(c['steps']):.1f} steps to 0.15 "
              f"(seeds {c['steps'].min():.0f}-{c['steps'].max():.0f})")
    inverted = transfer.target_tasks(("inverted",), seeds=args.seeds)["inverted"]
    search = transfer.load_lrs()
    sweep = transfer.rank_sweep(pretrained, inverted, (1, 4, 32), search["rank_lr"]["LoRA"],
                                rslora_lr=search["rank_lr"]["rsLoRA"], head_lr=search["rank_head_lr"],
                                seeds=args.seeds)
    explorer = transfer_plots.rank_explorer(sweep, {}, alpha=transfer.LORA_ALPHA, target="inverted")
    explorer.redraw()
    times = []
    for rank, scaling in ((32, 0), (1, 1), (4, 0)):
        start = time.perf_counter()
        explorer.controls["scaling"].value = explorer.controls["scaling"].options[scaling]
        explorer.controls["rank"].value = rank
        times.append(time.perf_counter() - start)
    print("rank explorer redraws (s):", ", ".join(f"{t:.2f}" for t in times))


if __name__ == "__main__":
    main()
