"""Choose each adaptation method's learning rate on validation images: writes data/transfer_lrs.json.

    python data/scripts/tune_transfer.py      # about a minute on a laptop CPU

For every target of notebook 05 and every method, train at each lr of course_lib.fine_tuning.transfer.LR_GRID
on the notebook's seeds and keep the lr with the lowest median *validation* error (200 images
per seed that are neither trained on nor tested on). The notebook loads the result; it would
take longer than the notebook's whole time budget to redo live.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from course_lib import runtime  # noqa: E402
from course_lib.fine_tuning import transfer  # noqa: E402


def main(path: Path = ROOT / "data" / transfer.LRS_FILE) -> Path:
    """Run the search on the shipped backbone and save grid, validation medians and chosen lrs."""
    runtime.setup(seed=0, verbose=False)
    pretrained = transfer.load_pretrained()[0]
    start = time.perf_counter()
    val = transfer.tune_lrs(pretrained, transfer.target_tasks())
    lrs = transfer.best_lrs(val)
    payload = {"grid": list(transfer.LR_GRID), "seeds": list(transfer.SEEDS), "shots": transfer.SHOTS,
               "num_steps": transfer.NUM_STEPS, "val": {t: {m: {str(lr): v for lr, v in by_lr.items()}
                                                             for m, by_lr in by_m.items()}
                                                         for t, by_m in val.items()},
               "lr": lrs, "made_by": "data/scripts/tune_transfer.py"}
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    print(f"saved {path.name} in {time.perf_counter() - start:.0f} s")
    for target, by_method in lrs.items():
        print(f"{target:13s}", "  ".join(f"{m}: {lr:g}" for m, lr in by_method.items()))
    return path


if __name__ == "__main__":
    main()
