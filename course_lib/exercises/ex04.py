"""Exercises of notebook 04: training tricks."""

from . import Exercise, close_to

EXERCISES = {
    "max_lr": Exercise(
        question="Gradient descent on the bowl f(x) = ½(2·x₁² + 50·x₂²). Above which learning rate "
        "does it diverge?",
        is_correct=close_to(0.04, rel=1e-3),
        answer=0.04,
        hints=("Along each eigen-direction a step multiplies x by (1 − lr·λ). When is |1 − lr·λ| > 1 "
        "for the largest λ?",),
        solution="The Hessian has eigenvalues 2 and 50. Along the steepest one a step multiplies x₂ "
        "by (1 − 50·lr), whose size exceeds 1 once lr > 2/50 = 0.04. Just below the edge it converges, "
        "but slowly: at lr 0.039 each step multiplies x₂ by −0.95, so the loss only falls by 0.95² "
        "per step. Check: learning_rate.gd_on_bowl(0.039, (2.0, 50.0), num_steps=300).converged "
        "is True (with the default 100 steps the loss is still 3e-5 of its start, not yet below "
        "the 1e-6 that counts as converged), and "
        "learning_rate.gd_on_bowl(0.041, (2.0, 50.0), num_steps=300).diverged is True.",
        mistakes={
            close_to(1.0, rel=1e-3): "1.0 = 2/2 uses the smallest eigenvalue; the steepest direction "
            "(λ = 50) blows up first.",
            close_to(0.02, rel=1e-3): "0.02 = 1/50 is where x₂ lands exactly on 0 in one step; above "
            "it the steps overshoot but still shrink until |1 − 50·lr| reaches 1.",
        },
    ),
    "accumulation": Exercise(
        question="You want the gradient of a batch of 256, but only 64 examples fit in memory. "
        "Each micro-batch loss is a mean over its 64 examples. By what number must you divide each "
        "micro-batch loss before .backward() so that the accumulated gradient equals the big batch's?",
        is_correct=close_to(4, rel=0),
        answer=4,
        hints=("How many micro-batches make one batch of 256? The gradients of all of them are summed.",),
        solution="256 / 64 = 4 micro-batches; their gradients are summed, so divide each mean loss "
        "by 4 (fit(batch_size=64, accumulation_steps=4) does exactly that). Without the division "
        "the gradient is 4x too large: as if the LR were 4x larger. With BatchNorm in the network "
        "the result still differs, because its statistics are computed per micro-batch.",
        mistakes={
            close_to(0.25, rel=1e-3): "0.25 is what to multiply by; the question asks what to divide by.",
            close_to(64, rel=1e-3): "each micro-loss is already a mean over its 64 examples: dividing "
            "by 64 again makes the gradient 16x too small.",
            close_to(256, rel=1e-3): "each micro-loss is already a mean over its 64 examples: dividing "
            "by 256 makes the gradient 64x too small.",
        },
    ),
    "sgd_decay": Exercise(
        question="Plain SGD with the penalty λ·‖W‖², λ = 5e-4, added to the loss. Which "
        "weight_decay of torch.optim.SGD gives exactly the same training?",
        is_correct=close_to(1e-3, rel=1e-6),
        answer=0.001,
        hints=("Differentiate λ·‖W‖² with respect to W. SGD's weight_decay adds weight_decay·W to the "
        "gradient.",),
        solution="The gradient of λ‖W‖² is 2λW, so weight_decay = 2λ = 1e-3. For plain SGD that is "
        "all there is: adding the penalty's gradient and shrinking the weights are the same step. "
        "Adam(weight_decay=2λ) is an L2 penalty too (it adds 2λW to the gradient, exactly as λ‖W‖² "
        "in the loss would), but that term then goes through Adam's 1/√v̂ rescaling, so a weight "
        "with large gradients is hardly decayed. What Adam lacks is decoupled decay: AdamW applies "
        "W ← W − lr·weight_decay·W outside the gradient, and that is not an L2 penalty.",
        mistakes={
            close_to(5e-4, rel=1e-3): "5e-4 is λ itself; the gradient of λ‖W‖² is 2λW.",
            close_to(2.5e-4, rel=1e-3): "2.5e-4 = λ/2 would match a penalty ½λ‖W‖²; this one has no ½.",
        },
    ),
}
