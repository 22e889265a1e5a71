"""Choose each adaptation method's learning rates on validation images: writes data/transfer_lrs.json.

    python data/scripts/tune_transfer.py      # about 3 minutes on an idle laptop CPU (one thread)

For every target of notebook 05 and every method, train at each setting on the notebook's seeds and
keep the one with the lowest median *validation* error (200 images per seed that are neither
trained on nor tested on). scratch and the linear probe have one lr (course_lib.fine_tuning.transfer
.LR_GRID, half-decade steps); the methods that move a pretrained body get discriminative lrs: every
pair of a head lr (HEAD_LR_GRID) and a body lr (BODY_LR_GRID), in decade steps to keep the search
to minutes on a shared CPU. One more search, on the inverted digits: LoRA's adapter lr under each
scaling (alpha/r and rsLoRA's alpha/sqrt(r)), by the mean over ranks RANK_SEARCH of the median
validation error, the head at LoRA's chosen head lr. The notebook loads the result; redoing it live
would take far longer than the notebook's time budget.
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

RANK_SEARCH = (1, 4, 16)  # LoRA's lr per scaling: the mean validation error over these ranks
RANK_LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)


def _json(val: dict) -> dict:
    """Setting keys as strings: 0.001 -> "0.001", (0.001, 1e-05) -> "0.001,1e-05"."""
    def key(k):
        return ",".join(repr(x) for x in k) if isinstance(k, tuple) else repr(k)

    return {t: {m: {key(k): v for k, v in by_k.items()} for m, by_k in by_m.items()}
            for t, by_m in val.items()}


def main(path: Path = ROOT / "data" / transfer.LRS_FILE) -> Path:
    """Run the three searches on the shipped backbone and save grids, validation medians and choices."""
    runtime.setup(seed=0, verbose=False)
    pretrained = transfer.load_pretrained()[0]
    start = time.perf_counter()
    val = transfer.tune_lrs(pretrained, transfer.target_tasks())
    lrs = transfer.best_lrs(val)
    print(f"headline search: {time.perf_counter() - start:.0f} s", lrs, flush=True)

    # LoRA's adapter lr under each scaling, the head at LoRA's chosen head lr on the inverted digits
    inverted = transfer.target_tasks(["inverted"])["inverted"]
    head = lrs["inverted"]["LoRA"]["head"]
    val_rank = {}
    for rslora in (False, True):
        val_rank["rsLoRA" if rslora else "LoRA"] = {
            lr: float(np.mean([np.median([r.val_error for r in transfer.run(
                "LoRA", pretrained, inverted, lr, head_lr=head, rank=rank, use_rslora=rslora)])
                for rank in RANK_SEARCH]))
            for lr in RANK_LRS}
    rank_lrs = {k: min(sorted(v), key=v.get) for k, v in val_rank.items()}
    print(f"+ rank search: {time.perf_counter() - start:.0f} s", rank_lrs, flush=True)

    payload = {"grid": list(transfer.LR_GRID), "head_grid": list(transfer.HEAD_LR_GRID),
               "body_grid": list(transfer.BODY_LR_GRID), "seeds": list(transfer.SEEDS),
               "shots": transfer.SHOTS, "num_steps": transfer.NUM_STEPS, "val": _json(val), "lr": lrs,
               "rank_search": list(RANK_SEARCH), "rank_grid": list(RANK_LRS), "rank_head_lr": head,
               "val_rank": {k: {repr(lr): e for lr, e in v.items()} for k, v in val_rank.items()},
               "rank_lr": rank_lrs,
               "made_by": "data/scripts/tune_transfer.py"}
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    print(f"saved {path.name} in {time.perf_counter() - start:.0f} s")
    for target, by_method in lrs.items():
        print(f"{target:13s}", "  ".join(f"{m}: {lr}" for m, lr in by_method.items()))
    return path


if __name__ == "__main__":
    main()
