"""Regenerate data/sine_backbone.pt, the pretrained model of notebook 05, deterministically.

    python tools/pretrain.py          # about 3 s on a laptop CPU

The backbone (a 1->64->64 tanh MLP with 20 outputs) is trained with full-batch Adam and a cosine
schedule for 2000 steps on the source task of course_lib.transfer: 20 sinusoids A·sin(x + φ) on
[-5, 5] (A in [0.5, 1.5], φ in [0, 2π), seed 0). tests/test_checkpoints.py checks that this script
still reproduces an equivalent model.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_lib import runtime, transfer  # noqa: E402
from course_lib.checkpoints import save_checkpoint  # noqa: E402


def main(path: Path = ROOT / "data" / transfer.PRETRAINED_FILE) -> Path:
    """Pretrain on the source task and save the checkpoint to ``path``."""
    runtime.setup(seed=0, verbose=False)
    model = transfer.pretrain_sinusoids(seed=0)
    meta = {
        "trained_on": "20 sinusoids A*sin(x + phi) on [-5, 5], A in [0.5, 1.5], phi in [0, 2pi) "
                      "(course_lib.transfer.sinusoid_source, seed 0)",
        "source_loss": transfer.source_loss(model),
        "num_steps": 2000,
        "made_by": "tools/pretrain.py",
    }
    save_checkpoint(model, path, meta=meta)
    print(f"saved {path.name}: source-task MSE {meta['source_loss']:.2e}")
    return path


if __name__ == "__main__":
    main()
