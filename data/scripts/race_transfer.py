"""Measure compute as curves for notebook 05: writes data/transfer_compute.json.

    python data/scripts/race_transfer.py      # about a minute on an idle laptop CPU (one thread)

For the inverted and the rotated digits at 1, 3, 10 and 30 labelled images per class, train scratch
and full fine-tuning of the shipped backbone on the notebook's 8 seeds at each lr of
course_lib.fine_tuning.transfer.RACE_LRS for RACE_STEPS full-batch Adam steps, recording the
validation error after every step. For every target error of TARGET_ERRORS: the steps each seed
needs at each start's fastest lr, and how many fine-tunes repay pretraining (images processed).
The notebook reruns one of these races live (inverted, 10 per class) and draws the rest from here.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from course_lib import runtime  # noqa: E402
from course_lib.fine_tuning import transfer  # noqa: E402

TARGETS = ("inverted", "rotated 90°")
SHOTS = (1, 3, 10, 30)
TARGET_ERRORS = (0.06, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30)


def summary(curves: dict, shots: int, pretrain_images: int) -> dict:
    """What the notebook needs of one race: per target error, each start's median steps, its lr and
    every seed's steps, and the fine-tunes that repay pretraining (JSON: inf and nan as strings)."""
    curve = transfer.compute_curve(curves, TARGET_ERRORS, pretrain_images, shots * transfer.NUM_CLASSES)
    out = {"repay": [str(v) if not np.isfinite(v) else float(v) for v in curve["repay"]]}
    for m in curves:
        out[m] = {"median": [str(v) if not np.isfinite(v) else float(v) for v in curve[m]],
                  "lr": [], "seeds": []}
        for target_error in TARGET_ERRORS:
            fast = transfer.fastest({m: curves[m]}, target_error)[m]
            out[m]["lr"].append(fast["lr"])
            out[m]["seeds"].append([str(v) if not np.isfinite(v) else float(v) for v in fast["steps"]])
    return out


def main(path: Path = ROOT / "data" / transfer.COMPUTE_FILE) -> Path:
    """Run the eight races and save what they say."""
    runtime.setup(seed=0, verbose=False)
    pretrained, meta = transfer.load_pretrained()
    start = time.perf_counter()
    races = {}
    for target in TARGETS:
        for k in SHOTS:
            tasks = [transfer.target_task(target, shots=k, seed=s) for s in transfer.SEEDS]
            races[f"{target}|{k}"] = summary(transfer.race(pretrained, tasks), k, meta["images"])
            print(f"{target}, {k} per class: {time.perf_counter() - start:.0f} s", flush=True)
    payload = {"targets": list(TARGETS), "shots": list(SHOTS), "target_errors": list(TARGET_ERRORS),
               "lr_grid": list(transfer.RACE_LRS), "num_steps": transfer.RACE_STEPS,
               "seeds": list(transfer.SEEDS), "pretrain_images": meta["images"], "races": races,
               "made_by": "data/scripts/race_transfer.py"}
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    print(f"saved {path.name} in {time.perf_counter() - start:.0f} s")
    return path


if __name__ == "__main__":
    main()
