"""Exercises of notebook 04: training tricks (three predictions, two of them asked before an explorer
is moved, and one function to write)."""

import math

from ..training_tricks import schedules
from . import CodeExercise, Prediction


def warmup_cosine_factor(step: int, warmup_steps: int, num_steps: int) -> float:
    """The reference: the LR factor of make_scheduler("warmup_cosine", num_steps, warmup_steps=...)
    at optimizer step ``step`` (torch's SequentialLR of LinearLR and CosineAnnealingLR; the tests check
    it against torch and against schedules.formula)."""
    if step < warmup_steps:
        return schedules.warmup_factor(step, warmup_steps)
    return (1 + math.cos(math.pi * (step - warmup_steps) / (num_steps - warmup_steps))) / 2


def _warmup_cosine_inputs(rng, size: int) -> tuple:
    """One (step, warmup_steps, num_steps): lengths grow with ``size``; steps in and after the warm-up."""
    warmup_steps = int(rng.integers(1, size + 3))
    num_steps = warmup_steps + int(rng.integers(1, 2 * size + 4))
    return int(rng.integers(0, num_steps)), warmup_steps, num_steps


def _warm(step, warmup_steps):
    return (step + 1) / (warmup_steps + 1)


def _cosine_from_step_0(step, warmup_steps, num_steps):
    if step < warmup_steps:
        return _warm(step, warmup_steps)
    return (1 + math.cos(math.pi * step / num_steps)) / 2


def _cosine_over_all_steps(step, warmup_steps, num_steps):
    if step < warmup_steps:
        return _warm(step, warmup_steps)
    return (1 + math.cos(math.pi * (step - warmup_steps) / num_steps)) / 2


def _warmup_from_zero(step, warmup_steps, num_steps):
    if step < warmup_steps:
        return step / warmup_steps
    return (1 + math.cos(math.pi * (step - warmup_steps) / (num_steps - warmup_steps))) / 2


def _bare_cosine(step, warmup_steps, num_steps):
    if step < warmup_steps:
        return _warm(step, warmup_steps)
    return math.cos(math.pi * (step - warmup_steps) / (num_steps - warmup_steps))


def _no_decay(step, warmup_steps, num_steps):
    return min(1.0, _warm(step, warmup_steps))


EXERCISES = {
    "adam_lr": Prediction(
        question="In the learning-rate explorer, SGD still trains at lr 1. Switch the optimizer to "
        "Adam and predict what lr 1 does before you move the slider there.",
        choices={
            "a": "it trains about as well as SGD at lr 1",
            "b": "it diverges: the loss blows up within a few steps",
            "c": "it does not diverge, but the network gets stuck near chance level",
            "d": "it trains better than any SGD run",
        },
        answer="c",
        feedback={
            "a": "SGD's step is lr × gradient, and this network's gradients are small; Adam's step "
            "is not (the next part of section 2 shows how large it is). Switch the explorer to Adam, "
            "set lr 1 and read its point in the right panel.",
            "b": "switch the explorer to Adam and set lr 1: is its curve marked ✕ diverged, or does "
            "its loss stay finite? Diverging means the loss grows without bound; ask whether it can "
            "when every weight moves by about the same amount per step.",
            "c": "Adam moves every weight by about lr per step, whatever its gradient: at lr 1 that "
            "wrecks the network in its first steps and it stays near 10% accuracy without the loss "
            "blowing up. Adam's usable range is about 100x lower than SGD's (1e-3 to 1e-2 here).",
            "d": "Adam's good learning rates are not SGD's. Switch the explorer to Adam, try lr 1 and "
            "then 0.01, and compare their points in the right panel with SGD's best.",
        },
        hints=("Read on in section 2 (Adam adapts the step size): Adam's step is about lr for every "
               "weight, whatever its gradient. "
               "How large are the weights of a freshly initialised 64-unit layer?",
               "Diverging means the loss grows without bound. Can it, when every step has size "
               "about lr? Then ask what a step of 1 on every weight does to the network."),
        solution="c. Adam normalises each gradient by its running size, so every weight moves by "
        "about lr per step. At lr 1 the first steps change weights of size ~0.1 by ~1: the network "
        "is wrecked (most ReLUs dead, outputs saturated) and ends near 10% validation accuracy, but "
        "the loss stays finite, so fit does not report a divergence (lr 3.16 does diverge). Adam's "
        "good range here is 1e-3 to 1e-2: about 100x below SGD's.",
    ),
    "schedule": Prediction(
        question="The schedule explorer trains plain SGD at lr 0.6 (a large LR that does not "
        "diverge) with batches of 16 for 10 epochs, three seeds. Before you pick a schedule: which "
        "ends with the best validation accuracy?",
        choices={
            "a": "the constant LR: decaying it only slows learning down",
            "b": "a decaying schedule (step or cosine), by a wide margin",
            "c": "all of them, within 0.02 of each other",
        },
        answer="b",
        feedback={
            "a": "pick 'constant' and then 'cosine', and compare the three seeds of each in the "
            "right panel: where do the constant LR's seeds end, and do they agree with each other?",
            "b": "an LR that is too large to settle with is fine early, when the steps make progress, "
            "and harmful late, when they only bounce around the minimum. Decay keeps the early "
            "progress and removes the late bouncing.",
            "c": "that is what happens at a comfortable LR (SGD with momentum at lr 0.1: the "
            "schedules end within 0.005 of each other). Is 0.6 comfortable? Compare 'constant' with "
            "'step' or 'cosine' in the right panel.",
        },
        hints=("What does a large LR do late in training, when the network is near a minimum?",
               "Compare the constant LR's three seeds in the right panel: do they agree?"),
        solution="b. At lr 0.6 the constant LR's three seeds end far apart (0.81 to 0.95 here, mean "
        "about 0.89), while step and cosine bring every seed to about 0.95. A "
        "large LR makes quick progress early but cannot settle; a schedule lowers it once the "
        "progress is made. At a "
        "comfortable LR (SGD with momentum at lr 0.1) the schedules barely differ: decay "
        "pays off where the LR is too large for the end of training.",
    ),
    "nan_first": Prediction(
        question="A regression network's loss explodes within its first ten steps (to 1e21, then "
        "NaN): plain SGD, lr 0.01, on a regression data set, as in section 7. "
        "What do you try first?",
        choices={
            "a": "train for more epochs",
            "b": "clip the gradient norm at a very small threshold, such as 1",
            "c": "look at the scale of the targets and inputs, and standardise them",
            "d": "a larger network",
        },
        answer="c",
        feedback={
            "a": "training stopped within ten steps: more epochs only repeat the same explosion. "
            "Find why the first steps are so large.",
            "b": "clipping keeps training finite, but a τ that small caps every step at lr·τ = 0.01: "
            "on these targets 300 steps end with a poor fit (R² 0.06, as section 7 prints). And it "
            "treats the symptom: ask why the gradients are so large in the first place.",
            "c": "targets with a variance of about 2 × 10⁴ give gradients in the thousands, so the "
            "first steps are huge. Standardised targets train without any clipping (R² above 0.9): "
            "fix the cause, then clip as a seat belt if spikes remain.",
            "d": "a larger network has the same problem: the gradients scale with the targets' size, "
            "not with the width.",
        },
        hints=("How large is the gradient of a squared error when the targets are in the hundreds?",
               "Read on in section 7 and compare its runs: no clipping, clipping at 10, and "
               "standardised targets without any clipping."),
        solution="c. The loss is a squared error on targets with a variance of ~2 × 10⁴: gradients "
        "are in the thousands and the first steps at lr 0.01 throw the weights far away. "
        "Standardising the targets (clipping.standardize_targets) lets plain SGD train without "
        "clipping. Clipping at τ = 1 keeps training finite but takes steps of at most lr·τ and ends "
        "with a poor fit (R² about 0.06 after 300 steps); clipping at 10 to 100 works well here, but "
        "it treats the symptom.",
    ),
    "warmup_cosine": CodeExercise(
        question="Write warmup_cosine_factor(step, warmup_steps, num_steps): the factor the LR is "
        "multiplied by at optimizer step `step` (0 <= step < num_steps, counted from 0) under the "
        "schedule 'warmup_cosine' of section 3: the linear warm-up of fit(warmup_steps=...) "
        "(torch's LinearLR), then torch's CosineAnnealingLR(T_max=num_steps - warmup_steps) down to "
        "0, joined by SequentialLR at step warmup_steps. Then LambdaLR(optimizer, lambda step: "
        "warmup_cosine_factor(step, 100, 1000)) gives exactly that schedule.",
        reference=warmup_cosine_factor,
        make_inputs=_warmup_cosine_inputs,
        hints=("Test three steps by hand with warmup_steps = 2 and num_steps = 6: step 0 (the "
               "warm-up's first factor), step 2 (where the cosine takes over: what factor does a "
               "fresh CosineAnnealingLR give at its own step 0?) and step 5.",
               "The cosine part does not know about the warm-up: it counts its own steps from 0 "
               "at step warmup_steps, and it has T_max steps to get from 1 to 0. Which step number "
               "and which length go into it?",
               "Check the cosine's range: CosineAnnealingLR moves the factor from 1 to eta_min = 0, "
               "never below 0. Does your cosine part stay between 0 and 1?"),
        solution="def warmup_cosine_factor(step, warmup_steps, num_steps):\n"
        "    if step < warmup_steps:\n"
        "        return (step + 1) / (warmup_steps + 1)                 # linear warm-up, never 0\n"
        "    t, T = step - warmup_steps, num_steps - warmup_steps       # the cosine's own clock\n"
        "    return (1 + math.cos(math.pi * t / T)) / 2                 # from 1 down towards 0\n\n"
        "The warm-up's last factor, at step warmup_steps - 1, is warmup_steps/(warmup_steps + 1); "
        "the cosine starts at exactly 1 at step warmup_steps, one more equal increment up, as "
        "LinearLR alone would reach it. The cosine counts its own "
        "steps from 0 and spans num_steps - warmup_steps of them: counted from step 0 it would "
        "start below 1, and spread over all num_steps it would end above 0. "
        "schedules.formula('warmup_cosine', ...) is this function for every step at once, and "
        "the tests check it against torch's SequentialLR.",
        wrong={
            "your cosine starts counting at step 0, so after the warm-up the factor jumps down "
            "instead of starting at 1: the cosine has its own clock, which starts at step "
            "warmup_steps.": _cosine_from_step_0,
            "your cosine spans all num_steps, so it ends above 0: after the warm-up only "
            "num_steps - warmup_steps steps are left for it.": _cosine_over_all_steps,
            "your warm-up starts at factor 0, so the first step is wasted (the LR is 0): the "
            "linear warm-up of fit starts at 1/(warmup_steps + 1).": _warmup_from_zero,
            "your cosine goes below 0 (a negative LR): CosineAnnealingLR uses half a cosine "
            "shifted and scaled to run from 1 to 0, (1 + cos) / 2.": _bare_cosine,
            "your factor never decays after the warm-up: the cosine part is missing.": _no_decay,
        },
    ),
}

# Old keys of students' earlier copies, whose task was different (copies made before 16:46 UTC,
# 7 December 2026; the few made later that day, with the new task under the old key, are sent on too):
# {old name: the exercise that replaced it}. check() and solution() say so and grade nothing.
REPLACED = {"warmup_lambda": "warmup_cosine"}
