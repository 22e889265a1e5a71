"""Exercises of notebook 04: training tricks (three predictions tied to its explorers, one function
to write)."""

from . import CodeExercise, Prediction


def warmup_factor(step: int, warmup_steps: int) -> float:
    """The reference: the LR factor of ``fit(warmup_steps=...)`` (torch's LinearLR from 1/(w+1) to 1)."""
    from ..schedules import warmup_factor as library_warmup_factor

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
            "a": "look at Adam's curve at lr 1 and its point in the right panel: it ends near 10% "
            "accuracy. Adam's step is about lr for every weight, whatever its gradient, so lr 1 moves "
            "every weight by about 1 per step, a huge change for weights of size 0.1.",
            "b": "it is not marked as diverged: the loss stays finite. Every weight moves by about lr "
            "per step, so the loss cannot grow without bound the way SGD's can; instead the first "
            "steps wreck the network (dead ReLUs, saturated outputs) and it stays at chance level. "
            "Adam does diverge at lr 3.16 here.",
            "c": "Adam moves every weight by about lr per step, whatever its gradient: at lr 1 that "
            "wrecks the network in its first steps and it stays near 10% accuracy without the loss "
            "blowing up. Adam's usable range is about 100x lower than SGD's (1e-3 to 1e-2 here).",
            "d": "compare the right panel's points for Adam: lr 1 ends near 10% accuracy, and Adam's "
            "best values sit around 1e-3 to 1e-2, not at SGD's.",
        },
        hints=("Section 2 showed Adam's step: about lr for every weight, whatever its gradient. "
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
        question="The schedule explorer trains plain SGD at lr 0.6 with batches of 16 for 10 "
        "epochs (three seeds). Before you pick a schedule: which ends with the best validation "
        "accuracy?",
        choices={
            "a": "the constant LR: decaying it only slows learning down",
            "b": "a decaying schedule (step or cosine), by a wide margin",
            "c": "all of them, within 0.02 of each other",
        },
        answer="b",
        feedback={
            "a": "pick 'constant' and then 'cosine': at lr 0.6 the constant LR keeps bouncing "
            "around (its seeds end far apart, some near chance level), while the decaying schedules "
            "settle once their LR has come down.",
            "b": "an LR that is too large to settle with is fine early, when the steps make progress, "
            "and harmful late, when they only bounce around the minimum. Decay keeps the early "
            "progress and removes the late bouncing.",
            "c": "that is what happens at a comfortable LR (0.1 with momentum gave nearly equal "
            "results). At lr 0.6 compare 'constant' with 'step' or 'cosine' in the right panel.",
        },
        hints=("What does a large LR do late in training, when the network is near a minimum?",
               "Compare the constant LR's three seeds in the right panel: do they agree?"),
        solution="b. Mean validation accuracy over three seeds: about 0.67 for the constant LR "
        "(its seeds end at 0.95, 0.42 and 0.65), about 0.95 for step and cosine (every seed). A "
        "large LR makes quick progress early but cannot settle; a schedule lowers it once the "
        "progress is made. At a "
        "comfortable LR (the 0.1 the notebook uses elsewhere) the schedules barely differ: decay "
        "pays off where the LR is large for the end of training.",
    ),
    "nan_first": Prediction(
        question="A regression network's loss turns NaN at step 5 (plain SGD, lr 0.01, the "
        "unscaled targets of section 7). What do you try first?",
        choices={
            "a": "train for more epochs",
            "b": "clip the gradient norm at a very small threshold, such as 1",
            "c": "look at the scale of the targets and inputs, and standardise them",
            "d": "a larger network",
        },
        answer="c",
        feedback={
            "a": "training stopped at step 5: more epochs only repeat the same explosion. Find why the "
            "first steps are so large.",
            "b": "clipping keeps training finite, but a τ that small caps every step at lr·τ = 0.01: "
            "on these targets 300 steps end with R² near 0.06. And it treats the symptom: the "
            "gradients are huge because the targets are.",
            "c": "targets with a variance of about 2 × 10⁴ give gradients in the thousands, so the "
            "first steps are huge. Standardised targets train without any clipping (R² above 0.9): "
            "fix the cause, then clip as a seat belt if spikes remain.",
            "d": "a larger network has the same problem: the gradients scale with the targets' size, "
            "not with the width.",
        },
        hints=("How large is the gradient of a squared error when the targets are in the hundreds?",
               "Compare the section's runs: no clipping, clipping at 10, and standardised targets "
               "without any clipping."),
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
        "fit(warmup_steps=...) uses: it grows linearly and reaches the full LR at step "
        "warmup_steps. Then LambdaLR(optimizer, lambda step: warmup_factor(step, 100)) warms up "
        "over 100 steps.",
        reference=warmup_factor,
        make_inputs=_warmup_inputs,
        hints=("The factor must never be 0 (a step with LR 0 is wasted), it grows by the same amount "
               "every step, and it must not pass 1. Check your function at step 0, at step "
               "warmup_steps, and at a step after it.",
               "fit's warm-up is torch's LinearLR from start_factor 1/(warmup_steps + 1) to 1: at "
               "step 0 the factor is 1/(warmup_steps + 1), it grows by 1/(warmup_steps + 1) per step, "
               "is exactly 1 at step warmup_steps, and stays 1 after that."),
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
