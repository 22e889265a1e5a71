"""Exercises of notebook 04: training tricks."""

from . import Exercise, close_to

EXERCISES = {
    "max_lr": Exercise(
        question="Gradient descent on the bowl f(x) = ½(2·x₁² + 50·x₂²). Above which learning rate "
        "does it diverge?",
        is_correct=close_to(0.04, rel=1e-3),
        hint="Along each eigen-direction a step multiplies x by (1 − lr·λ). When is |1 − lr·λ| > 1 "
        "for the largest λ?",
        solution="The Hessian has eigenvalues 2 and 50. Along the steepest one a step multiplies x₂ "
        "by (1 − 50·lr), whose size exceeds 1 once lr > 2/50 = 0.04. Check: "
        "learning_rate.gd_on_bowl(0.039, (2.0, 50.0)).converged is True, "
        "gd_on_bowl(0.041, (2.0, 50.0)).diverged is True.",
    ),
    "accumulation": Exercise(
        question="You want the gradient of a batch of 256, but only 64 examples fit in memory. "
        "Each micro-batch loss is a mean over its 64 examples. By what number must you divide each "
        "micro-batch loss before .backward() so that the accumulated gradient equals the big batch's?",
        is_correct=close_to(4, rel=0),
        hint="How many micro-batches make one batch of 256? The gradients of all of them are summed.",
        solution="256 / 64 = 4 micro-batches; their gradients are summed, so divide each mean loss "
        "by 4 (fit(batch_size=64, accumulation_steps=4) does exactly that). Without the division "
        "the gradient is 4x too large: as if the LR were 4x larger. With BatchNorm in the network "
        "the result still differs, because its statistics are computed per micro-batch.",
    ),
    "sgd_decay": Exercise(
        question="Plain SGD with the penalty λ·‖W‖², λ = 5e-4, added to the loss. Which "
        "weight_decay of torch.optim.SGD gives exactly the same training?",
        is_correct=close_to(1e-3, rel=1e-6),
        hint="Differentiate λ·‖W‖² with respect to W. SGD's weight_decay adds weight_decay·W to the "
        "gradient.",
        solution="The gradient of λ‖W‖² is 2λW, so weight_decay = 2λ = 1e-3. This holds for plain "
        "SGD only: Adam rescales that term by 1/√v̂, and AdamW applies its decay outside the "
        "gradient (θ ← θ − lr·weight_decay·θ), so neither equals an L2 penalty there.",
    ),
}
