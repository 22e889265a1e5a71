"""Exercises of notebook 04: training tricks (three predictions, two of them asked before an explorer
is moved, and one function to write)."""

from . import CodeExercise, Prediction


def warmup_factor(step: int, warmup_steps: int) -> float:
    """The reference: the LR factor of ``fit(warmup_steps=...)`` (torch's LinearLR from 1/(w+1) to 1)."""
    from ..training_tricks.schedules import warmup_factor as library_warmup_factor

    return library_warmup_factor(step, warmup_steps)


def _warmup_inputs(rng, size: int) -> tuple:
    """One (step, warmup_steps) pair: warm-up lengths grow with ``size``; steps before and after it."""
    warmup_steps = int(rng.integers(1, size + 3))
    return int(rng.integers(0, 2 * warmup_steps + 3)), warmup_steps


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
            "schedules end within 0.03 of each other). Is 0.6 comfortable? Compare 'constant' with "
            "'step' or 'cosine' in the right panel.",
        },
        hints=("What does a large LR do late in training, when the network is near a minimum?",
               "Compare the constant LR's three seeds in the right panel: do they agree?"),
        solution="b. Mean validation accuracy over three seeds: about 0.67 for the constant LR "
        "(its seeds end at 0.95, 0.42 and 0.65), about 0.95 for step and cosine (every seed). A "
        "large LR makes quick progress early but cannot settle; a schedule lowers it once the "
        "progress is made. At a "
        "comfortable LR (SGD with momentum at lr 0.1) the schedules barely differ: decay "
        "pays off where the LR is too large for the end of training.",
    ),
    "nan_first": Prediction(
        question="A regression network's loss explodes within its first ten steps (to 1e21, then "
        "NaN): plain SGD, lr 0.01, targets with a variance of about 2 × 10⁴, as in section 7. "
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
            "on these targets 300 steps end with a poor fit (R² below 0.3, as section 7 says). And it "
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
    "warmup_lambda": CodeExercise(
        question="Write warmup_factor(step, warmup_steps): the factor that torch's LambdaLR multiplies "
        "the LR by at optimizer step `step` (counted from 0), for the linear warm-up that "
        "fit(warmup_steps=...) uses (torch's LinearLR): at step 0 it is 1/(warmup_steps + 1), "
        "never 0, since a step at LR 0 would be wasted; it grows by the same amount every step, is "
        "exactly 1 at step warmup_steps, and stays 1 after that. Then LambdaLR(optimizer, lambda "
        "step: warmup_factor(step, 100)) warms up over 100 steps.",
        reference=warmup_factor,
        make_inputs=_warmup_inputs,
        hints=("Check your function by hand with warmup_steps = 3 at three steps: step 0 (is it "
               "1/4?), step 3 (exactly 1?) and step 10 (still 1?).",
               "From 1/(warmup_steps + 1) at step 0 to 1 at step warmup_steps in equal increments: "
               "each step adds 1/(warmup_steps + 1) too. Write the factor at step s, then cap it "
               "with min(1.0, ...)."),
        solution="def warmup_factor(step, warmup_steps):\n"
        "    return min(1.0, (step + 1) / (warmup_steps + 1))\n\n"
        "Step 0 gets 1/(warmup_steps + 1), never 0; the factor reaches 1 at step warmup_steps and "
        "min() holds it there. torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: "
        "warmup_factor(step, 100)) then gives exactly the LRs of fit(warmup_steps=100) (torch's "
        "LinearLR(start_factor=1/101, total_iters=100)); schedules.warmup_factor is this function.",
        wrong={
            "your factor is 0 at step 0, so the first step is wasted (the LR is 0): start at "
            "1/(warmup_steps + 1).":
                lambda step, warmup_steps: min(1.0, step / warmup_steps),
            "off by one: your factor reaches 1 a step early, at step warmup_steps - 1. With "
            "warmup_steps + 1 equal increments it reaches 1 exactly at step warmup_steps.":
                lambda step, warmup_steps: min(1.0, (step + 1) / warmup_steps),
            "after the warm-up your factor keeps growing past 1, so the LR keeps rising: hold it "
            "at 1 (min).":
                lambda step, warmup_steps: (step + 1) / (warmup_steps + 1),
        },
    ),
}
