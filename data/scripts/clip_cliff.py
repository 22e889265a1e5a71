"""Measure where clipping beats the tuned learning rate for notebook 04: writes data/clip_cliff.json.

    python data/scripts/clip_cliff.py      # about a minute on an idle laptop CPU (one thread)

For each seed (a fresh memory task and fresh starting weights), plain SGD on the cliff RNN of
course_lib.training_tricks.cliff for NUM_STEPS steps: unclipped at every lr of UNCLIPPED_LRS, clipped
at τ = CLIP_TAU at every lr of CLIPPED_LRS, and at lr CLIP_LR at every τ of TAUS. Records each run's
steps to reach validation MSE TARGET_LOSS and stay below it to the end ("inf" when it does not), its
final validation MSE, the step it diverged at and its fraction of clipped steps.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from course_lib import runtime  # noqa: E402
from course_lib.training_tricks import cliff  # noqa: E402

SEEDS = tuple(range(8))


def _number(value: float) -> float | str:
    """JSON has no inf or nan: those become strings."""
    return value if math.isfinite(value) else str(value)


def measure(seed: int) -> dict:
    """Every arm's runs on one seed."""
    arms = {"unclipped": (cliff.UNCLIPPED_LRS, [math.inf] * len(cliff.UNCLIPPED_LRS)),
            "clipped": (cliff.CLIPPED_LRS, [cliff.CLIP_TAU] * len(cliff.CLIPPED_LRS)),
            "taus": ([cliff.CLIP_LR] * len(cliff.TAUS), cliff.TAUS)}
    lrs = [lr for a in arms.values() for lr in a[0]]
    taus = [t for a in arms.values() for t in a[1]]
    runs = cliff.train_rnns(cliff.memory_task(seed=seed), lrs, taus, num_steps=cliff.NUM_STEPS, seed=seed)
    out, i = {}, 0
    for name, (arm_lrs, _) in arms.items():
        out[name] = []
        for _ in arm_lrs:
            out[name].append({"lr": lrs[i], "tau": _number(taus[i]),
                              "steps_to_target": _number(runs.steps_to(i)),
                              "final_val_loss": _number(runs.final(i)), "diverged_at": runs.diverged_at[i],
                              "clipped_fraction": runs.clipped_fraction(i)})
            i += 1
    return out


def main(path: Path = ROOT / "data" / cliff.RESULTS_FILE) -> Path:
    """Run every seed and save what it says."""
    runtime.setup(seed=0, verbose=False)
    start = time.time()
    result = {"seeds": list(SEEDS), "num_steps": cliff.NUM_STEPS, "target_loss": cliff.TARGET_LOSS,
              "clip_tau": cliff.CLIP_TAU, "clip_lr": cliff.CLIP_LR, "runs": {}}
    for seed in SEEDS:
        result["runs"][str(seed)] = measure(seed)
        print(f"seed {seed} done ({time.time() - start:.0f} s)", flush=True)
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path} in {time.time() - start:.0f} s")
    return path


if __name__ == "__main__":
    main()
