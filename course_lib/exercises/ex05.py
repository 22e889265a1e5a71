"""Exercises of notebook 05: fine-tuning, transfer learning, LoRA."""

import re
from typing import Any

import numpy as np
import torch
from torch import nn

from ..fine_tuning.lora import LoRALinear
from . import CodeExercise, Exercise, Prediction

# ----------------------------------------------------------------------------- reading a method's name
_METHOD_NAMES = ("scratch", "linear probe", "full fine-tune", "LoRA", "LP-FT")

# One pattern per method, tried on the text with LP-FT first (it contains the words of the others).
_PATTERNS = {
    "LP-FT": r"\blp\s*ft\b|\blpft\b"
             r"|\bprob\w*\W+(?:and\s+)?(?:then|first|followed\s+by|before)\W+\w*\W*fine\s*tun\w*"
             r"|\bfirst\W+\w*\W*prob\w*\W+(?:and\s+)?then\W+\w*\W*fine\s*tun\w*",
    "linear probe": r"\b(?:linear\s+)?prob(?:e|es|ing)\b|\bfrozen\s+(?:body|backbone|features)\b"
                    r"|\bfreez\w*\s+(?:the\s+)?(?:body|backbone)\b",
    "full fine-tune": r"\b(?:full(?:y)?\s+)?fine\s*tun\w*|\bfull\s+ft\b|\bft\b|\bfull\b",
    "LoRA": r"\blora\b|\blow\s*rank\b",
    "scratch": r"\bscratch\b|\brandom(?:ly)?\s+init\w*",
}
_NEGATION = re.compile(r"(?:\bnot|\bno|\bnever|\bwithout|\binstead\s+of|\brather\s+than|\bavoid\w*|\bdon'?t"
                       r"|\bagainst|\bover|\bbut\s+not|\bskip\w*)\W+(?:\w+\W+){0,2}$")


def _methods_named(answer: Any) -> list[str]:
    """The methods ``answer`` recommends, in order: each method named and not negated ("not ...",
    "rather than ...", "instead of ..."); LP-FT read as one method, not as a probe and a fine-tune."""
    if not isinstance(answer, str):
        return []
    text = " " + answer.lower().replace("-", " ").replace("_", " ").replace("–", " ") + " "
    found: list[tuple[int, str]] = []
    taken = [False] * len(text)
    for method, pattern in _PATTERNS.items():
        for match in re.finditer(pattern, text):
            if any(taken[match.start():match.end()]):
                continue
            taken[match.start():match.end()] = [True] * (match.end() - match.start())
            if not _NEGATION.search(text[:match.start()]):
                found.append((match.start(), method))
    names = []
    for _, method in sorted(found):
        if method not in names:
            names.append(method)
    return names


def _method(name: str):
    """A judge accepting an answer that recommends ``name`` and no other method."""
    def judge(answer) -> bool:
        return _methods_named(answer) == [name]

    judge.example = name
    return judge


def _unusable_method(answer) -> str | None:
    """Why an answer to 05.choose cannot be judged: no method, or several, named (costs no hint)."""
    names = _methods_named(answer)
    if not names:
        return (f"{answer!r} names none of the five methods: answer with one of "
                + ", ".join(_METHOD_NAMES) + ".")
    if len(names) > 1:
        return (f"read as recommending {' and '.join(names)}: recommend one method (write 'not X' "
                "for one you advise against).")
    return None


def lora_swap_reference(W_merged: torch.Tensor, A_old: torch.Tensor, B_old: torch.Tensor,
                        A_new: torch.Tensor, B_new: torch.Tensor, alpha: float) -> torch.Tensor:
    """The reference: unmerge one adapter and merge another with LoRALinear.merged(), adapters of
    possibly different ranks, both with scaling alpha/r."""
    d_out, d_in = W_merged.shape
    base = nn.Linear(d_in, d_out, dtype=W_merged.dtype)
    old = LoRALinear(base, rank=A_old.shape[0], alpha=alpha)
    with torch.no_grad():
        base.weight.copy_(W_merged)
        old.A.data, old.B.data = A_old.clone(), B_old.clone()
        W = W_merged - old.delta_weight()  # unmerged: the frozen weight the adapters were trained on
        base.weight.copy_(W)
        new = LoRALinear(base, rank=A_new.shape[0], alpha=alpha)
        new.A.data, new.B.data = A_new.clone(), B_new.clone()
        return new.merged().weight.detach().clone()


def _lora_inputs(rng: np.random.Generator, size: int) -> tuple:
    """W_merged (d_out, d_in), an old adapter A (r1, d_in), B (d_out, r1), a new one of another rank
    r2, and alpha."""
    d_in, d_out = size + 1, int(rng.integers(2, size + 3))
    ranks = rng.choice(np.arange(1, min(d_in, d_out) + 1), size=2, replace=False)
    r_old, r_new = int(ranks[0]), int(ranks[1])  # different ranks: the two scales differ

    def T(*shape):
        return torch.from_numpy(rng.standard_normal(shape))

    return (T(d_out, d_in), T(r_old, d_in), T(d_out, r_old), T(r_new, d_in), T(d_out, r_new),
            float(rng.choice([1.0, 4.0, 16.0])))


def _one_scale(W, A1, B1, A2, B2, alpha):
    s = alpha / A2.shape[0]
    return W - s * B1 @ A1 + s * B2 @ A2


def _no_scaling(W, A1, B1, A2, B2, alpha):
    return W - B1 @ A1 + B2 @ A2


def _alpha_only(W, A1, B1, A2, B2, alpha):
    return W - alpha * B1 @ A1 + alpha * B2 @ A2


def _old_kept(W, A1, B1, A2, B2, alpha):
    return W + (alpha / A2.shape[0]) * B2 @ A2


def _sqrt_scaling(W, A1, B1, A2, B2, alpha):
    return W - (alpha / A1.shape[0] ** 0.5) * B1 @ A1 + (alpha / A2.shape[0] ** 0.5) * B2 @ A2


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
        solution="C. On inverted digits LoRA, full fine-tuning and LP-FT all beat "
        "the probe on every seed, and all pretrained starts beat "
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
            "fixed places, which rotation moves. Frozen, they hurt; fine-tuned, they come close to "
            "scratch but stay a little behind, on fresh seeds too. That is negative transfer.",
        },
        solution="C. On rotated digits scratch has the lowest median; full fine-tuning and LP-FT "
        "come close but lose to it on 6 of 8 seeds (and on 5-6 of 6 fresh seeds), and the frozen "
        "probe (and LoRA, which keeps the body mostly frozen) are clearly worse. Always compare with "
        "a from-scratch baseline.",
        hints=("An MLP sees 64 pixel values in a fixed order. Which pixels carry a stroke after a "
               "rotation?",),
    ),
    "rank": Prediction(
        question="LoRA with α fixed at 4, ranks 1 to 32, 200 steps of Adam, each scaling at its own "
        "tuned learning rate, "
        "under the two scalings: the LoRA paper's α/r and rsLoRA's α/√r. What happens to the size "
        "‖ΔW‖ of the update LoRA learns as the rank grows?",
        choices={"A": "it grows with the rank under both scalings",
                 "B": "it stays about the same under both",
                 "C": "it shrinks under α/r and does not shrink under α/√r",
                 "D": "it shrinks under both"},
        answer="C",
        feedback={
            "A": "more rank means more trainable parameters, but the scale falls with the rank too. "
            "Look at the right panel under α/r, then switch the scaling to α/√r.",
            "B": "look at the right panel under α/r: the line is not flat. Then switch to α/√r.",
            "C": "with Adam every entry of A and B moves by about the same step whatever the rank, "
            "so the unscaled product BA grows with r; α/r falls faster than that, α/√r does not. "
            "That is rsLoRA's point: under α/r, high ranks learn too small an update to use their "
            "capacity.",
            "D": "under α/r, yes; but switch the scaling to α/√r: the scale falls more slowly than "
            "the product BA grows.",
        },
        solution="C. Under α/r the learnt update shrinks as r grows (right panel: s falls from 4 at "
        "rank 1 to 1/8 at rank 32) and extra rank buys nothing; under rsLoRA's α/√r (s from 4 to "
        "0.71) it does not shrink: at its own lr (the explorer's) it stays about the same at every "
        "rank, and at α/r's larger lr it would grow with r. That is Kalajdzievski's 2023 argument "
        "for rsLoRA: with α/r, large "
        "ranks learn too slowly to use their capacity. (rsLoRA then needs its own learning rate: "
        "at α/r's, its larger update overshoots here.)",
        hints=("Adam's step size hardly depends on the gradient's scale: how does the size of the "
               "unscaled product BA grow with r, and how do α/r and α/√r fall?",),
    ),
    "swap_adapter": CodeExercise(
        question="A deployed layer holds W_merged, a frozen weight with the adapter (A_old, B_old) "
        "merged in. Write swap_adapter(W_merged, A_old, B_old, A_new, B_new, alpha): the weight "
        "with the new adapter merged instead of the old one. The two adapters have different "
        "ranks (A is r x d_in, B is d_out x r) and the same alpha, with LoRALinear's scaling. It "
        "is checked against LoRALinear.merged() on random inputs.",
        reference=lora_swap_reference,
        make_inputs=_lora_inputs,
        hints=("Two steps: first get back the frozen weight the adapters were trained on (what did "
               "merging add to it?), then merge the new adapter into it.",
               "Each adapter's update has the shape of W and its own scale. Which number in the "
               "scale differs between the two adapters, and where can you read it from A or B?",
               "Test with an old adapter whose B_old is all zeros: the result must then be what "
               "merging the new adapter into W_merged gives. Then test with A_new and B_new equal "
               "to A_old and B_old: the result must be W_merged itself."),
        solution="def swap_adapter(W_merged, A_old, B_old, A_new, B_new, alpha):\n"
        "    W = W_merged - (alpha / A_old.shape[0]) * B_old @ A_old   # unmerge: the frozen weight\n"
        "    return W + (alpha / A_new.shape[0]) * B_new @ A_new        # merge the new adapter\n"
        "Each adapter carries its own scale alpha / r, with r its own rank (the rows of A): "
        "unmerging with the new rank's scale would leave part of the old update in the weight. "
        "Keeping one frozen W and swapping small adapters is how one base model serves many "
        "tasks: here each adapter costs r * (d_in + d_out) numbers instead of d_in * d_out.",
        wrong={"each adapter has its own rank, so its own scale alpha / r: yours scales both by the "
               "new adapter's.": _one_scale,
               "the updates must be scaled by alpha over their rank; yours adds them unscaled.":
               _no_scaling,
               "the scale is alpha divided by the rank r (the number of rows of A); yours multiplies "
               "by alpha alone.": _alpha_only,
               "the old adapter is still merged in: subtract its update before adding the new one.":
               _old_kept,
               "that is rsLoRA's alpha / sqrt(r); LoRALinear (and the LoRA paper) divide by r.":
               _sqrt_scaling},
        atol=1e-8,
        rtol=1e-6,
    ),
    "choose": Exercise(
        question="A colleague has our pretrained backbone and 3 labelled images per class of new "
        "digits, written by other people but with the same pen, size and centring as the source "
        "digits. They plan LoRA 'because it is what everyone fine-tunes with'. Which of the five "
        "methods of the headline table do you recommend? (Answer with its name.)",
        is_correct=_method("linear probe"),
        answer="linear probe",
        hints=("Which of the four targets of the headline is this colleague's task most like?",
               "Look at that target's panel: which method's dots sit lowest, and what does it "
               "train?",
               "When the frozen features already separate the new digits, what is left to learn "
               "from 30 images, and what does moving the body risk?"),
        solution="'linear probe'. These digits are the 'same style' target: there the probe has the "
        "lowest median test error (about 0.05, against about 0.1 for full fine-tuning and 0.2 "
        "from scratch), beats every other method on almost every seed, and trains only the 650 "
        "weights of the new head. LoRA comes close but still moves a body that was already right.",
        mistakes={
            _method("LoRA"): "that is the colleague's plan. LoRA comes close on same-style digits, "
            "but it still moves the body, which was already right; look at the same-style panel: "
            "one method sits lower on every seed shown and trains fewer parameters.",
            _method("full fine-tune"): "on the same-style panel full fine-tuning's dots sit about "
            "twice as high as the lowest method's: moving 8,970 weights on 30 images drifts away "
            "from features that were already right.",
            _method("LP-FT"): "LP-FT starts from a good head but then moves the body; on "
            "same-style digits that costs it a little against the best method.",
            _method("scratch"): "from scratch is the worst on same-style digits: 30 "
            "images are far too few to learn what strokes are.",
        },
        unusable=_unusable_method,
        read=lambda answer: "recommending " + " and ".join(_methods_named(answer)),
    ),
}

# Old keys of students' earlier copies, whose task was different (copies made before 16:46 UTC,
# 7 December 2026; the few made later that day, with the new task under the old key, are sent on too):
# {old name: the exercise that replaced it}. check() and solution() say so and grade nothing.
REPLACED = {"lora_forward": "swap_adapter"}
