"""Regenerate data/digits_backbone.pt, the pretrained model of notebook 05, deterministically.

    python data/scripts/pretrain.py          # about 2 s on a laptop CPU

The backbone (a 64->64->64 tanh MLP with 10 outputs) is trained with minibatch Adam (lr 3e-3,
batch 64, 20 epochs = 300 steps) on the source task of course_lib.fine_tuning.transfer: 900 of scikit-learn's
8x8 digits images, all 10 classes (a fixed split, seed 0; the other 897 images are the target pool).
tests/core/test_checkpoints.py checks that this script still reproduces an equivalent model.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from course_lib import runtime  # noqa: E402
from course_lib.checkpoints import save_checkpoint  # noqa: E402
from course_lib.fine_tuning import transfer  # noqa: E402


def main(path: Path = ROOT / "data" / transfer.PRETRAINED_FILE, seed: int = 0) -> Path:
    """Pretrain on the source images and save the checkpoint to ``path``."""
    runtime.setup(seed=seed, verbose=False)
    model, cost = transfer.pretrain(seed=seed)
    X, y = transfer.source_data()
    meta = {
        "trained_on": f"{transfer.SOURCE_SIZE} digits images (8x8, all 10 classes; "
                      "course_lib.fine_tuning.transfer.source_data, split seed 0)",
        "source_loss": transfer.source_loss(model),
        "source_error": transfer.error(model, X, y),
        "steps": cost["steps"],
        "images": cost["images"],
        "seed": seed,
        "made_by": "data/scripts/pretrain.py",
    }
    save_checkpoint(model, path, meta=meta)
    print(f"saved {path.name}: source-task cross-entropy {meta['source_loss']:.3f}, "
          f"error {meta['source_error']:.3f}, {cost['steps']} steps, {cost['seconds']:.1f} s")
    return path


if __name__ == "__main__":
    main()
