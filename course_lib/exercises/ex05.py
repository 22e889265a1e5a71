"""Exercises of notebook 05: fine-tuning, transfer learning, LoRA."""

from . import Exercise, close_to

EXERCISES = {
    "lora_params": Exercise(
        question="How many trainable parameters does a rank-4 LoRA adapter add to nn.Linear(256, 128)?",
        is_correct=close_to(1536, rel=0),
        hint="A is (r, in_features) and B is (out_features, r); the frozen weight does not count.",
        solution="r * (in + out) = 4 * (256 + 128) = 1536, against 256 * 128 = 32,768 weights in W.\n"
        "Check: count_parameters(LoRALinear(nn.Linear(256, 128), rank=4)).",
    ),
    "scaling": Exercise(
        question="LoRALinear(base, rank=8, alpha=16) is merged into its weight: W' = W + s * B @ A. "
        "What is s?",
        is_correct=close_to(2.0),
        hint="The update is scaled by alpha / r.",
        solution="s = alpha / r = 16 / 8 = 2. Keeping alpha fixed while raising r shrinks each "
        "direction's step, so the learning rate need not be retuned for every rank.",
    ),
    "probe_params": Exercise(
        question="A linear probe on the pretrained 1->64->64 backbone, with a new head for 3 outputs: "
        "how many parameters train?",
        is_correct=close_to(195, rel=0),
        hint="Only the new head trains: nn.Linear(64, 3), weights and biases.",
        solution="64 * 3 + 3 = 195. Check: count_parameters(transfer.adapt('linear probe', pretrained, 3)).",
    ),
}
