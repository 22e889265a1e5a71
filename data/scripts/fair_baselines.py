"""Notebook 04 §3's fair baselines over seeds: writes data/schedule_baselines.json.

    python data/scripts/fair_baselines.py      # about 3 minutes on an idle laptop CPU (one thread)

Two LR grids, five seeds each, scored on validation accuracy:

- warm-up: full-batch SGD on the 6×64 He-init MLP of the warm-up experiment (150 steps), without
  and with 100 warm-up steps, at every LR of warmup.WARMUP_GRID_LRS;
- the long run: plain SGD, batches of 16, 30 epochs (3× the schedule explorer's), constant vs
  cosine at every peak LR of schedules.LONG_RUN_LRS;
- the noisy run: schedules.noisy_regression (targets with noise as large as the signal), plain SGD
  with batches of 4 on a 16-unit MLP for 5 epochs (schedules.NOISY_RUN), constant vs cosine at
  every peak LR of schedules.NOISY_RUN_LRS, scored on validation R².

    python data/scripts/fair_baselines.py noisy_run   # redo one grid, keep the others

The notebook plots the result; training it live would take several times the notebook's budget.
The tests re-run a reduced version on other seeds.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from course_lib import data, runtime  # noqa: E402
from course_lib.training_tricks import schedules, warmup  # noqa: E402

FILE = ROOT / "data" / "schedule_baselines.json"


def main(path: Path = FILE, only=()) -> Path:
    """Run the grids (``only``: these keys, the rest kept from the file) and save them."""
    runtime.setup(seed=0, verbose=False)
    digits = data.load("digits", seed=0)  # split seed 0, the notebook's
    noisy = schedules.noisy_regression(seed=0)
    makers = {"warmup": lambda: warmup.warmup_grid(digits, seeds=range(5)),
              "long_run": lambda: schedules.schedule_grid(digits, seeds=range(5)),
              "noisy_run": lambda: schedules.schedule_grid(noisy, lrs=schedules.NOISY_RUN_LRS, seeds=range(5),
                                                           **schedules.NOISY_RUN)}
    out = json.loads(path.read_text(encoding="utf-8")) if only and path.exists() else {}
    for key, make in makers.items():
        if only and key not in only:
            continue
        start = time.perf_counter()
        out[key] = make().to_dict()
        print(f"{key}: {time.perf_counter() - start:.0f} s", flush=True)
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(main(only=tuple(sys.argv[1:])))
