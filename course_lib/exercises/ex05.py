"""Exercises of notebook 05: fine-tuning, transfer learning, LoRA."""

from . import Exercise, close_to


def _method(name: str, *aliases: str):
    """A judge accepting ``name`` or one of ``aliases``, ignoring case, spaces and hyphens."""
    def normal(text) -> str:
        return str(text).lower().replace("-", " ").replace("_", " ").strip()

    def judge(answer) -> bool:
        return isinstance(answer, str) and normal(answer) in {normal(n) for n in (name, *aliases)}

    return judge


EXERCISES = {
    "choose": Exercise(
        question="10 labelled points of a new target related to the source (same frequency): which "
        "method do you pick, 'scratch', 'linear probe', 'full fine-tune' or 'LoRA'?",
        is_correct=_method("linear probe", "probe"),
        answer='linear probe',
        hints=("Look at the related column of section 2 (median, spread, seeds won against scratch) "
        "and at what each method costs.",),
        solution="'linear probe'. On the related target it has the lowest median error (about 0.02, "
        "against 0.07 from scratch), beats scratch on all 8 seeds, and trains 65 parameters. The "
        "pretrained features already contain the answer; 10 points are enough to pick the right "
        "combination of them, and too few to move 4,353 weights well.",
        mistakes={
            _method("LoRA"): "LoRA comes close (it also beats scratch on every seed), but the "
            "probe is at least as good here with 65 instead of 321 parameters: when the frozen "
            "features already fit, the update adds nothing.",
            _method("full fine-tune", "full fine tuning", "full", "fine-tuning"):
            "full fine-tuning moves 4,353 weights on 10 points: its "
            "median was only a little better than scratch's, far behind the probe.",
            _method("scratch", "from scratch"):
            "from scratch was the worst on the related target: 10 points are "
            "far too few to learn a sine wave's features; the pretrained ones are right there.",
        },
    ),
    "scaling": Exercise(
        question="LoRALinear(base, rank=8, alpha=16) is merged into its weight: W' = W + s * B @ A. "
        "What is s?",
        is_correct=close_to(2.0),
        answer=2.0,
        hints=("The update is scaled by alpha / r.",),
        solution="s = alpha / r = 16 / 8 = 2. The LoRA paper keeps alpha fixed while changing r so "
        "that the learning rate needs little retuning: a heuristic, not a law. Rank-stabilised LoRA "
        "(rsLoRA, Kalajdzievski 2023) scales by alpha / sqrt(r) instead, which would give "
        "16 / sqrt(8) ≈ 5.66, because alpha / r makes large ranks learn too slowly.",
        mistakes={close_to(16 / 8 ** 0.5, rel=1e-2): "that is rsLoRA's alpha / sqrt(r); "
                  "LoRALinear uses the LoRA paper's scaling."},
    ),
    "probe_params": Exercise(
        question="A linear probe on the pretrained 1->64->64 backbone, with a new head for 3 outputs: "
        "how many parameters train?",
        is_correct=close_to(195, rel=0),
        answer=195,
        hints=("Only the new head trains: nn.Linear(64, 3), weights and biases.",),
        solution="64 * 3 + 3 = 195. Check: count_parameters(transfer.adapt('linear probe', pretrained, 3)).",
        mistakes={close_to(192, rel=0): "that counts the weights only: the head has 3 biases too."},
    ),
}
