"""Exercises of notebook 05: fine-tuning, transfer learning, LoRA."""

import numpy as np
import torch
from torch import nn

from ..fine_tuning.lora import LoRALinear
from . import CodeExercise, Exercise, Prediction


def _method(name: str, *aliases: str):
    """A judge accepting ``name`` or one of ``aliases``, ignoring case, spaces and hyphens."""
    def normal(text) -> str:
        return str(text).lower().replace("-", " ").replace("_", " ").strip()

    def judge(answer) -> bool:
        return isinstance(answer, str) and normal(answer) in {normal(n) for n in (name, *aliases)}

    judge.example = name
    return judge


def _probe(answer) -> bool:
    """Accepts the linear probe however it is written ("probe", "linear probing", "frozen probe"),
    but not LP-FT ("probe, then fine-tune")."""
    if not isinstance(answer, str):
        return False
    text = answer.lower().replace("-", " ").replace("_", " ")
    return "prob" in text and not any(w in text.split() for w in ("ft", "fine", "lp", "lpft", "then"))


_probe.example = "linear probe"

def _lpft(answer) -> bool:
    """Accepts LP-FT however it is written ("LP-FT", "lpft", "probe, then fine-tune")."""
    if not isinstance(answer, str):
        return False
    text = answer.lower().replace("-", " ").replace("_", " ")
    return "lp ft" in text or "lpft" in text or ("prob" in text and ("fine" in text or "ft" in text.split()))


_lpft.example = "LP-FT"

_METHOD_NAMES = ("scratch", "linear probe", "full fine-tune", "LoRA", "LP-FT")


def _not_a_method(answer) -> bool:
    """True for an answer that names none of the five methods (a number, another technique)."""
    text = str(answer).lower()
    return not any(w in text for w in ("scratch", "prob", "fine", "ft", "lora", "full"))


_not_a_method.example = 0.05


def lora_forward_reference(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor, A: torch.Tensor,
                           B: torch.Tensor, alpha: float) -> torch.Tensor:
    """The reference: course_lib.fine_tuning.lora.LoRALinear with weight W, bias b and adapter A, B."""
    d_out, d_in = W.shape
    base = nn.Linear(d_in, d_out, dtype=W.dtype)
    layer = LoRALinear(base, rank=A.shape[0], alpha=alpha)
    with torch.no_grad():
        base.weight.copy_(W)
        base.bias.copy_(b)
        layer.A.data = A.clone()
        layer.B.data = B.clone()
        return layer(x)


def _lora_inputs(rng: np.random.Generator, size: int) -> tuple:
    """x (n, d), W (d, d), b (d,), A (r, d), B (d, r), alpha: a square layer like the backbone's."""
    d, r = size + 1, int(rng.integers(1, size + 1)) + 1

    def T(*shape):
        return torch.from_numpy(rng.standard_normal(shape))

    return T(size, d), T(d, d), T(d), T(r, d), T(d, r), float(rng.choice([1.0, 4.0, 16.0]))


def _no_scaling(x, W, b, A, B, alpha):
    return x @ W.T + b + (x @ A.T) @ B.T


def _swapped(x, W, b, A, B, alpha):
    return x @ W.T + b + (alpha / A.shape[0]) * (x @ B) @ A


def _alpha_only(x, W, b, A, B, alpha):
    return x @ W.T + b + alpha * (x @ A.T) @ B.T


def _sqrt_scaling(x, W, b, A, B, alpha):
    return x @ W.T + b + (alpha / A.shape[0] ** 0.5) * (x @ A.T) @ B.T


EXERCISES = {
    "inverted": Prediction(
        question="Inverted digits (white ink on black), 3 labelled images per class: which kind of "
        "method will have the lowest median test error?",
        choices={"A": "training from scratch", "B": "the linear probe (frozen body)",
                 "C": "a method that changes the body: full fine-tuning, LoRA or LP-FT",
                 "D": "all about the same"},
        answer="C",
        feedback={
            "A": "scratch has to learn what strokes are from 30 images; look at the inverted panel: "
            "its dots sit far above every pretrained start.",
            "B": "the probe is stuck with features computed on dark-on-light strokes; it beats "
            "scratch, but look at the inverted panel: the methods that move the body sit lower.",
            "C": "the features are nearly right but see the strokes with the wrong sign; a small "
            "change of the body (LoRA changes each hidden layer by a rank-4 update) repairs that, "
            "and the frozen probe cannot.",
            "D": "look at the inverted panel: scratch's dots and the fine-tuned methods' dots do not "
            "even overlap.",
        },
        solution="C. On inverted digits LoRA, full fine-tuning and LP-FT all have lower medians than "
        "the probe (LoRA on every seed, the other two on most), and all pretrained starts beat "
        "scratch. The input change "
        "is simple (1 - x flips the sign of the first layer's input), so a small update of the body "
        "recovers most of what pretraining learnt.",
        hints=("Think about what the frozen features compute when every pixel is flipped, and "
               "which methods can change them.",),
    ),
    "rotated": Prediction(
        question="Rotated digits (turned by 90°), 3 labelled images per class: does the pretrained "
        "backbone help?",
        choices={"A": "yes: every pretrained start beats scratch",
                 "B": "only when its body is fine-tuned; the frozen probe is worse than scratch",
                 "C": "no: no pretrained start beats scratch, and the frozen ones are clearly worse"},
        answer="C",
        feedback={
            "A": "look at the rotated panel: the probe's dots sit far above scratch's.",
            "B": "half right: the frozen probe is far worse than scratch; but look at full "
            "fine-tuning and LP-FT on the rotated panel: their medians are no lower than scratch's.",
            "C": "a pixel-level MLP has no notion of rotation: its features are tuned to strokes in "
            "fixed places, which rotation moves. Frozen, they hurt; fine-tuned, they only get back "
            "to scratch's level. That is negative transfer.",
        },
        solution="C. On rotated digits scratch has the lowest median; full fine-tuning and LP-FT "
        "only match it, and the frozen probe (and LoRA, which keeps the body mostly frozen) are "
        "clearly worse. Always compare with a from-scratch baseline.",
        hints=("An MLP sees 64 pixel values in a fixed order. Which pixels carry a stroke after a "
               "rotation?",),
    ),
    "rank": Prediction(
        question="LoRA with α fixed at 4, scaling α/r: as the rank grows from 1 to 32, what happens "
        "to the size ‖ΔW‖ of the update LoRA learns in 200 steps?",
        choices={"A": "it grows with the rank", "B": "it stays about the same",
                 "C": "it shrinks as the rank grows"},
        answer="C",
        feedback={
            "A": "more rank means more parameters, but look at the right panel under α/r: the scale "
            "α/r falls faster than the extra directions add.",
            "B": "look at the right panel under α/r: the line is not flat. Then switch to α/√r.",
            "C": "with Adam every entry of A and B moves by about the same step whatever the rank, "
            "and the scale α/r falls faster than the extra directions add up: a high-rank adapter "
            "learns a smaller update. Switch to α/√r: there the update grows with the rank.",
        },
        solution="C. Under α/r the learnt update shrinks as r grows (right panel) and extra rank "
        "buys nothing; under rsLoRA's α/√r it grows with r. That is Kalajdzievski's 2023 argument "
        "for rsLoRA: with α/r, large ranks learn too slowly to use their capacity. (rsLoRA then "
        "needs its own learning rate: at α/r's, its larger update overshoots here.)",
        hints=("Adam's step size hardly depends on the gradient's scale.",),
    ),
    "lora_forward": CodeExercise(
        question="Write lora_forward(x, W, b, A, B, alpha): the output of a LoRA layer with frozen "
        "weight W (d_out, d_in), bias b, adapter A (r, d_in) and B (d_out, r), for inputs x (n, d_in).",
        reference=lora_forward_reference,
        make_inputs=_lora_inputs,
        hints=("Start from the frozen layer's output x @ W.T + b, then add the adapter's path: "
               "first A (down to r numbers), then B (back up to d_out), then a scale set by alpha "
               "and the rank.",
               "The LoRA paper divides alpha by the rank itself, and A is applied first: "
               "(x @ A.T) @ B.T. Look at LoRALinear.forward in course_lib/lora.py."),
        solution="def lora_forward(x, W, b, A, B, alpha):\n    r = A.shape[0]\n"
        "    return x @ W.T + b + (alpha / r) * (x @ A.T) @ B.T\n"
        "Never form B @ A during training: (x @ A.T) @ B.T costs r * (d_in + d_out) per input "
        "instead of d_in * d_out.",
        wrong={"the adapter's output must be scaled by alpha over the rank; yours adds it unscaled.":
               _no_scaling,
               "the scale is alpha divided by the rank r (the number of rows of A); yours multiplies "
               "by alpha alone.": _alpha_only,
               "A and B are swapped: x goes through A first (down to r numbers), then B.": _swapped,
               "that is rsLoRA's alpha / sqrt(r); LoRALinear (and the LoRA paper) divide by r.":
               _sqrt_scaling},
        atol=1e-8,
        rtol=1e-6,
    ),
    "choose": Exercise(
        question="A colleague has our pretrained backbone and 3 labelled images per class of new "
        "digits written in the same style as the source. They plan full fine-tuning 'because it "
        "adapts everything'. Which of the five methods of the headline table do you recommend? "
        "(Answer with its name.)",
        is_correct=_probe,
        answer="linear probe",
        hints=("Look at the same-style panel: which method's dots sit lowest, and what does it train?",
               "The frozen features already separate these digits; 30 images are enough to fit a new "
               "head on them, and too few to move 9,000 weights well."),
        solution="'linear probe'. On same-style digits it has the lowest median test error (about "
        "0.05, against about 0.1 for full fine-tuning and 0.2 from scratch), beats every other "
        "method on almost every seed, and trains only the 650 weights of the new head.",
        mistakes={
            _method("full fine-tune", "full fine tuning", "full", "fine-tuning", "fine tune"):
            "that is the colleague's plan: on the same-style panel full fine-tuning's dots sit about "
            "twice as high as the probe's: moving 8,970 weights on 30 images drifts away from "
            "features that were already right.",
            _method("LoRA"): "LoRA comes close, but it still moves the body, which was already "
            "right; the probe is lower on every seed shown and trains fewer parameters.",
            _lpft: "LP-FT keeps the probe's head but then moves the "
            "body; on same-style digits that costs it a little against the plain probe.",
            _method("scratch", "from scratch"): "from scratch is the worst on same-style digits: 30 "
            "images are far too few to learn what strokes are.",
            _not_a_method: "answer with the name of one of the five methods of the headline: "
            + ", ".join(_METHOD_NAMES) + ".",
        },
    ),
}
