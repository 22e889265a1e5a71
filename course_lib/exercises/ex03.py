"""Exercises of notebook 03: architecture (activations, gradient flow, residuals, batch norm)."""

from . import Exercise, close_to

EXERCISES = {
    "sigmoid_chain": Exercise(
        question="The backward pass multiplies one activation derivative per layer. Sigmoid's "
        "derivative is at most 0.25. At most how large is the product of these derivatives "
        "through 10 sigmoid layers?",
        is_correct=close_to(0.25**10, rel=0.1),
        answer=9.5367431640625e-07,
        hints=("The largest value of sigmoid'(x) is 0.25, at x = 0 (see the activation table). "
        "Multiply it 10 times; within 10 % is precise enough (e.g. 1e-6).",),
        solution="0.25 ** 10 ≈ 9.5e-7, about 1e-6: even in the best case the product of the "
        "activation derivatives shrinks a million-fold over 10 sigmoid layers. The bound is on "
        "the derivatives only: the backward pass also multiplies by the weight matrices, which can "
        "partly make up for it (with He init the measured first/last ratio is about 1e-5, above "
        "the bound) or make it worse (default init, about 1e-8). ReLU's derivative is 1 where it "
        "is active, so its product does not shrink by itself.",
    ),
    "bn_params": Exercise(
        question="How many trainable parameters has nn.BatchNorm1d(64)? (Its running statistics "
        "are buffers, not parameters.)",
        is_correct=close_to(128, rel=0),
        answer=128,
        hints=("BN normalises with the batch statistics, then applies a learned per-feature scale "
        "γ and shift β.",),
        solution="64 γ + 64 β = 128. running_mean and running_var (64 each) are buffers: updated "
        "by averaging in train(), used in eval(), never by the optimizer. "
        "Check: sum(p.numel() for p in torch.nn.BatchNorm1d(64).parameters()).",
    ),
    "skip_gradient": Exercise(
        question="A skip connection outputs x + F(x). If the branch's gradient ∂F/∂x has "
        "vanished to 0, what is ∂(x + F(x))/∂x for a scalar x?",
        is_correct=close_to(1.0, rel=0, abs_=1e-9),
        answer=1,
        hints=("Differentiate the sum term by term: ∂x/∂x + ∂F/∂x.",),
        solution="1 + 0 = 1. The identity path passes the gradient through unchanged, so layers "
        "near the input still receive a gradient in the residual net, while the plain net's "
        "gradient is a product of many small factors.",
    ),
}
