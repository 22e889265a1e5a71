"""Exercises of notebook 03: architecture (gradient flow, dead units, residual blocks, batch norm)."""

import numpy as np
import torch
from torch import nn

from . import CodeExercise, Exercise, Prediction, close_to

EPS = 1e-5


def batch_norm_reference(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """nn.BatchNorm1d's output in training mode, with weight γ and bias β."""
    bn = nn.BatchNorm1d(x.shape[1], eps=EPS).to(x.dtype).train()
    with torch.no_grad():
        bn.weight.copy_(gamma)
        bn.bias.copy_(beta)
        return bn(x)


def _batch_norm_inputs(rng: np.random.Generator, size: int) -> tuple:
    """A batch of size + 1 rows and 3 features on very different scales (one with a tiny spread)."""
    n = size + 1  # BatchNorm needs two examples in training mode
    scales, offsets = np.array([1.0, 5.0, 0.002]), np.array([0.0, -3.0, 2.0])
    x = rng.normal(size=(n, 3)) * scales + offsets
    gamma, beta = rng.uniform(0.5, 2.0, size=3), rng.normal(size=3)
    return tuple(torch.tensor(a, dtype=torch.float64) for a in (x, gamma, beta))


def _unbiased(x, gamma, beta):
    return gamma * (x - x.mean(0)) / torch.sqrt(x.var(0, unbiased=True) + EPS) + beta


def _running_statistics(x, gamma, beta):
    # a fresh layer's running statistics: mean 0, variance 1
    return gamma * (x - 0.0) / torch.sqrt(torch.tensor(1.0 + EPS)) + beta


def _eps_outside(x, gamma, beta):
    return gamma * (x - x.mean(0)) / (x.var(0, unbiased=False).sqrt() + EPS) + beta


def _wrong_axis(x, gamma, beta):
    mean, var = x.mean(1, keepdim=True), x.var(1, unbiased=False, keepdim=True)
    return gamma * (x - mean) / torch.sqrt(var + EPS) + beta


EXERCISES = {
    "tanh_depth30": Prediction(
        question="At 10 hidden layers tanh's gradient flowed under every initialisation. Now 30 hidden "
        "layers of tanh with PyTorch's default init: what happens to the gradient on its way to the "
        "first layer?",
        choices={"a": "it flows as at depth 10: first/last above 1e-2",
                 "b": "it weakens: first/last between 1e-4 and 1e-2",
                 "c": "it vanishes: first/last below 1e-4"},
        answer="c",
        feedback={
            "a": "tanh's derivative is 1 at 0, but the default init's weights are too small "
            "(variance 1/(3·fan_in)): every layer shrinks the backward signal a little, and 30 layers "
            "compound it. Set depth 30, tanh, default in the explorer and read the ratio in the title.",
            "b": "it is worse than that: 30 small factors multiply to about 1e-6. Set depth 30, tanh, "
            "default in the explorer and read the ratio in the title; then switch init to xavier.",
            "c": "the default init's weights shrink the signal a little at every layer, and over 30 "
            "layers that compounds to about 1e-6. Switch init to xavier: tanh flows again (ratio above 1), "
            "because Xavier's variance was derived for tanh.",
        },
        hints=("The table of section 3 gave tanh, default init, a ratio of about 6e-02 at depth 10. "
               "If each further 10 layers multiplied the ratio by a similar factor, where would 30 "
               "layers land?",
               "About 0.06 per 10 layers, compounded over 30 layers: 0.06³ is about 2e-4, and the "
               "measured value is lower still."),
        solution="It vanishes: at depth 30 with the default init the first/last ratio is about 1e-6 "
        "(seeds 0-2). The default init draws weights from U(±1/√fan_in), variance 1/(3·fan_in): each "
        "layer multiplies the backward signal's variance by about fan_in · 1/(3·fan_in) · E[tanh′²] < 1/3, "
        "and 30 such factors vanish. With Xavier or He init the ratio is above 1. So tanh is not "
        "safe by itself: the initialisation decides, as for ReLU.\n"
        "Check: diagnostics.flow_ratios(digits, 30, ['tanh'], ('default', 'xavier'))",
    ),
    "depth30_trains": Prediction(
        question="30 hidden layers of ReLU, PyTorch's default init, SGD with momentum for 4 epochs. The "
        "plain net stays at chance and the residual net (skips around every two layers) ends above 0.9. "
        "Where does the BatchNorm net (a BN layer after every linear layer, no skips) end?",
        choices={"a": "at 0.8 validation accuracy or more, like the residual net",
                 "b": "well below 0.8, far behind the residual net",
                 "c": "it diverges (its loss turns NaN)"},
        answer="b",
        feedback={
            "a": "BatchNorm rescues the plain net at 10 layers (about 0.9), but it falls behind as the net "
            "grows: at 30 layers it ends far below 0.8 in these 4 epochs. Move the slider from 10 to 30 "
            "and watch the BatchNorm curve in both panels.",
            "b": "BatchNorm rescues the plain net at 10 layers but learns more and more slowly at 20 and "
            "30: normalising every layer's inputs is not an identity path. He et al. saw the same (their "
            "plain BN nets degraded with depth), which is why they added skips.",
            "c": "BN keeps every layer's inputs at a fixed scale, so nothing blows up: the run is finite "
            "at every depth, it just learns slowly. Move the slider to 30 and read the BatchNorm curve.",
        },
        hints=("BN fixes the scale of every layer's inputs. Does it give the gradient a short path "
               "around the 30 layers, as a skip does?",
               "Look again at the grid above: BN made an 8-layer net train. Is 30 layers the same "
               "problem, or does the chain of layers itself still stand between the loss and layer 1?"),
        solution="Well below 0.8 (seeds 0-2: about 0.2-0.4 at 30 layers, against about 0.9 at 10). "
        "BN removes the bad scaling that stops the plain net, but the gradient still has to pass "
        "30 layers one after the other; a skip gives it a path around them, so the residual net ends "
        "at about 0.92. He et al. (2016) trained their plain nets with BN, saw them degrade with depth, "
        "and added skips.\n"
        "Check: the depth explorer at 30, or "
        "trainability.depth_sweep(digits, depths=(30,)).final('BatchNorm')",
    ),
    "gelu_dead": Prediction(
        question="Leaky ReLU's units cannot die: its slope is 0.01 for negative inputs. GELU is also "
        "said to avoid dead neurons. After 5 epochs of Adam at lr 0.1, what share of the GELU units of "
        "the last hidden layer will be dead (|f′| ≤ 1e-6 on every training input)?",
        choices={"a": "none, like Leaky ReLU",
                 "b": "a few, under 20%",
                 "c": "a large share, like ReLU"},
        answer="c",
        feedback={
            "a": "GELU's derivative is never exactly 0, but for inputs below about -5.5 it is below "
            "1e-6: a unit pushed that far on every input is as dead as a ReLU unit. Look at the GELU "
            "line of the figure below at lr 0.1.",
            "b": "more than that: a large learning rate pushes most of the units far into the negative "
            "range, where GELU is flat. Look at the GELU line of the figure below at lr 0.1.",
            "c": "GELU's derivative tends to 0 for very negative inputs (below 1e-6 beyond about "
            "-5.5), so a large learning rate kills GELU units as it kills ReLUs. Only Leaky ReLU's "
            "constant slope keeps every unit alive.",
        },
        hints=("Look at GELU's derivative in the panel of section 2: what is it for x far below 0?",
               "GELU(x) = x·Φ(x): for x = -6, Φ(x) is about 1e-9."),
        solution="A large share (measured 0.6-0.8 of the 64 units, seeds 0-2): GELU's derivative is "
        "never exactly 0, but it falls below 1e-6 for inputs below about -5.5, and a too-large "
        "learning rate pushes units there for every training input. Leaky ReLU's slope 0.01 never "
        "fades, so none of its units die.\n"
        "Check: diagnostics.dead_units_vs_lr(digits, (0.1,), ('gelu',), num_epochs=5)",
    ),
    "gated_skip": Exercise(
        question="Our residual block outputs H = relu(x + F(x)) (He et al.'s basic block). Take one "
        "unit whose branch gradient ∂F/∂x has vanished to 0 and whose sum x + F(x) is negative. What "
        "is ∂H/∂x for that unit?",
        is_correct=close_to(0.0, rel=0, abs_=1e-9),
        answer=0,
        hints=("Use the chain rule: ∂H/∂x = relu′(x + F(x)) · (1 + ∂F/∂x).",
               "What is relu′ of a negative number?"),
        solution="0: ∂H/∂x = relu′(x + F(x)) · (1 + ∂F/∂x) = 0 · (1 + 0). The ReLU after the sum gates "
        "the identity path: for units whose sum is negative no gradient passes, skip or not. In "
        "the pre-activation block of He et al.'s 'Identity mappings' paper, H = x + F(x) with the "
        "activations inside F, and ∂H/∂x = 1 + ∂F/∂x = 1 exactly. Section 5 measures both.",
        mistakes={
            close_to(1.0, rel=0, abs_=1e-9): "1 is the answer for the pre-activation block x + F(x). Here "
            "the ReLU after the sum also has a derivative, and the sum is negative.",
            close_to(2.0, rel=0, abs_=1e-9): "the identity contributes 1 and the vanished branch 0: "
            "there is no second 1. And the ReLU after the sum still has to be differentiated.",
        },
    ),
    "batchnorm_forward": CodeExercise(
        question="Write batch_norm(x, gamma, beta): BatchNorm's output in training mode for a batch "
        "x of shape (n, features) (float64 tensors), with scale gamma and shift beta of shape "
        "(features,) and eps = 1e-5. It is checked against nn.BatchNorm1d on random batches.",
        reference=batch_norm_reference,
        make_inputs=_batch_norm_inputs,
        hints=("In training mode BN normalises each feature (column) with the mean and variance of this "
               "batch's n rows, then scales by gamma and shifts by beta. Where does eps go?",
               "mean = x.mean(dim=0); var = x.var(dim=0, unbiased=False); "
               "return gamma * (x - mean) / torch.sqrt(var + 1e-5) + beta"),
        solution="def batch_norm(x, gamma, beta, eps=1e-5):\n"
        "    mean = x.mean(dim=0)                   # per feature, over the batch\n"
        "    var = x.var(dim=0, unbiased=False)     # the biased variance (divide by n)\n"
        "    return gamma * (x - mean) / torch.sqrt(var + eps) + beta\n"
        "The running statistics are updated in training mode (with the unbiased variance) but only "
        "used in eval(). eps sits under the square root: for a feature with a tiny spread "
        "(the third column here) sqrt(var) + eps would divide by almost nothing.",
        wrong={
            "that is the unbiased variance (divide by n − 1): BN normalises with the biased batch "
            "variance (divide by n); the unbiased one only goes into running_var.": _unbiased,
            "that normalises with the running statistics (mean 0, variance 1 in a fresh layer): in "
            "training mode BN uses this batch's own mean and variance.": _running_statistics,
            "eps belongs under the square root, sqrt(var + eps): look at the third feature, whose "
            "spread is tiny, where the two differ most.": _eps_outside,
            "that normalises each row over its features (dim=1): BN normalises each feature over the "
            "batch (dim=0).": _wrong_axis,
        },
    ),
}
