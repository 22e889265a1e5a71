"""Exercises of notebook 03: architecture (gradient flow, dead units, residual blocks, batch norm)."""

import numpy as np
import torch
from torch import nn

from . import CodeExercise, Exercise, Prediction, close_to

EPS = 1e-5


MOMENTUM = 0.1


def batch_norm_reference(x_train: torch.Tensor, x_test: torch.Tensor, gamma: torch.Tensor,
                         beta: torch.Tensor) -> torch.Tensor:
    """A fresh nn.BatchNorm1d, weight γ and bias β, after one training batch x_train: its eval()
    output on x_test."""
    bn = nn.BatchNorm1d(x_train.shape[1], eps=EPS, momentum=MOMENTUM).to(x_train.dtype)
    with torch.no_grad():
        bn.weight.copy_(gamma)
        bn.bias.copy_(beta)
        bn.train()(x_train)  # updates the running statistics
        return bn.eval()(x_test)


def _batch_norm_inputs(rng: np.random.Generator, size: int) -> tuple:
    """A training batch of size + 1 rows and a test batch of 1 to size rows, 3 features on very
    different scales (one far from 0, one with a tiny spread), γ and β."""
    n, m = size + 1, int(rng.integers(1, size + 1))  # training mode needs two rows; eval() takes one
    scales, offsets = np.array([1.0, 5.0, 0.002]), np.array([0.0, -3.0, 2.0])
    x_train = rng.normal(size=(n, 3)) * scales + offsets
    x_test = rng.normal(size=(m, 3)) * scales + offsets
    gamma, beta = rng.uniform(0.5, 2.0, size=3), rng.normal(size=3)
    return tuple(torch.tensor(a, dtype=torch.float64) for a in (x_train, x_test, gamma, beta))


def _running(x_train, *, momentum=MOMENTUM, unbiased=True):
    """The running mean and variance of a fresh layer (0 and 1) after one batch."""
    mean = (1 - momentum) * 0.0 + momentum * x_train.mean(0)
    var = (1 - momentum) * 1.0 + momentum * x_train.var(0, unbiased=unbiased)
    return mean, var


def _normalise(x, mean, var, gamma, beta):
    return gamma * (x - mean) / torch.sqrt(var + EPS) + beta


def _test_batch_statistics(x_train, x_test, gamma, beta):
    """Wrong: eval() still normalising with the test batch's own statistics (training mode)."""
    if len(x_test) < 2:
        return torch.full_like(x_test, float("nan"))
    return _normalise(x_test, x_test.mean(0), x_test.var(0, unbiased=False), gamma, beta)


def _train_batch_statistics(x_train, x_test, gamma, beta):
    """Wrong: the training batch's statistics themselves, not the running averages."""
    return _normalise(x_test, x_train.mean(0), x_train.var(0, unbiased=False), gamma, beta)


def _biased_running_var(x_train, x_test, gamma, beta):
    return _normalise(x_test, *_running(x_train, unbiased=False), gamma, beta)


def _momentum_reversed(x_train, x_test, gamma, beta):
    return _normalise(x_test, *_running(x_train, momentum=1 - MOMENTUM), gamma, beta)


def _fresh_statistics(x_train, x_test, gamma, beta):
    return _normalise(x_test, torch.zeros(3, dtype=x_test.dtype), torch.ones(3, dtype=x_test.dtype),
                      gamma, beta)


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
            "30: normalising every layer's outputs is not an identity path, and the gradient of a deep BN "
            "chain grows toward the input. He et al. saw the same (their plain BN nets degraded with "
            "depth), which is why they added skips.",
            "c": "the loss stays finite: BN keeps every layer's outputs at a fixed scale, even though the "
            "gradient grows toward the input; the run just learns slowly. Move the slider to 30 and read "
            "the BatchNorm curve.",
        },
        hints=("BN fixes the scale of every layer's outputs, not of the gradient. Does it give the "
               "gradient a short path around the 30 layers, as a skip does?",
               "Look again at the grid above: BN made an 8-layer net train. Is 30 layers the same "
               "problem, or does the chain of layers itself still stand between the loss and layer 1?"),
        solution="Well below 0.8 (seeds 0-2: about 0.2-0.4 at 30 layers, against about 0.9 at 10). "
        "BN keeps each layer's outputs at a fixed scale, but at initialisation the gradient grows "
        "about 200-fold on its way to layer 1 (flow explorer: relu, default, BN, depth 30), the "
        "gradient explosion of deep BN chains (Yang et al. 2019); a skip gives the gradient an "
        "identity path, so the residual net ends at about 0.92. He et al. (2016) trained their plain "
        "nets with BN, saw them degrade with depth, and added skips.\n"
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
        question="Our residual block outputs H = relu(x + F(x)) (He et al.'s basic block). For one "
        "unit, x = -0.5, its branch outputs F(x) = 0.8, and the branch's derivative is "
        "∂F/∂x = -0.3. What is ∂H/∂x for that unit?",
        is_correct=close_to(0.7, rel=1e-3),
        answer=0.7,
        hints=("Write H as an outer function of an inner one, and use the chain rule: which "
               "function is the outer one, and at which value is its derivative taken?",
               "The inner function is the sum s = x + F(x). What is its derivative with respect to "
               "x, with this unit's branch derivative?",
               "Compute s for this unit first: is it positive or negative? That decides relu′(s)."),
        solution="0.7: ∂H/∂x = relu′(x + F(x)) · (1 + ∂F/∂x). The sum is -0.5 + 0.8 = 0.3 > 0, so "
        "relu′ = 1 and ∂H/∂x = 1 · (1 - 0.3) = 0.7. The ReLU after the sum gates the identity path "
        "by the sign of the *sum*, not of x: a unit whose sum is negative passes no gradient, skip "
        "or not. In the pre-activation block of He et al.'s 'Identity mappings' paper, H = x + "
        "F(x) with the activations inside F, and ∂H/∂x = 1 + ∂F/∂x with no gate. Section 5 "
        "measures both.",
        mistakes={
            close_to(0.0, rel=0, abs_=1e-9): "relu′ is taken at the sum x + F(x), not at x: "
            "x is negative, but what is the sum?",
            close_to(1.0, rel=1e-3): "1 is what the identity path alone passes; the branch's "
            "derivative adds to it (and relu′ multiplies both).",
            close_to(1.3, rel=1e-3): "check the sign: the branch's derivative is -0.3.",
            close_to(-0.3, rel=1e-3): "that is the branch alone: the skip adds the derivative "
            "of x itself.",
            close_to(0.3, rel=1e-3): "0.3 is the sum x + F(x) itself, a value; the question asks "
            "for a derivative.",
        },
    ),
    "batchnorm_eval": CodeExercise(
        question="A fresh nn.BatchNorm1d(3) (eps 1e-5, momentum 0.1, weight gamma, bias beta) sees "
        "one training batch x_train in train() mode and is then switched to eval(). Write "
        "batch_norm_eval(x_train, x_test, gamma, beta): its output on x_test (float64 tensors, "
        "x_test may be a single row). It is checked against nn.BatchNorm1d on random batches.",
        reference=batch_norm_reference,
        make_inputs=_batch_norm_inputs,
        hints=("Split the work in two: what does the training batch leave behind in the layer, "
               "and what does eval() then use? A fresh layer starts from running mean 0 and "
               "running variance 1.",
               "momentum = 0.1 is the weight of the new batch in the running average, not of the "
               "old value. Which of the two variances (divide by n or by n - 1) goes into the "
               "running average? The torch docs of BatchNorm1d say.",
               "Test with x_test equal to a single row: eval() must work on it, so nothing of "
               "x_test's own mean or variance can enter. Then compare the third feature, whose "
               "spread is tiny."),
        solution="def batch_norm_eval(x_train, x_test, gamma, beta, eps=1e-5, momentum=0.1):\n"
        "    running_mean = (1 - momentum) * 0.0 + momentum * x_train.mean(dim=0)\n"
        "    running_var = (1 - momentum) * 1.0 + momentum * x_train.var(dim=0, unbiased=True)\n"
        "    return gamma * (x_test - running_mean) / torch.sqrt(running_var + eps) + beta\n"
        "Training mode normalises with the batch's biased variance but stores the unbiased one "
        "in running_var, blended into the old value with weight momentum. eval() uses only the "
        "running statistics, so a prediction does not depend on its batch companions and a "
        "batch of one works. After a single batch the running statistics are still 90% the "
        "fresh layer's 0 and 1: a network evaluated too early normalises with almost nothing "
        "it has seen.",
        wrong={
            "that normalises x_test with its own mean and variance, as train() would: eval() uses "
            "the running statistics, which is why a single row works.": _test_batch_statistics,
            "that normalises with the training batch's mean and variance themselves: the layer "
            "keeps running averages, which one batch moves only a tenth of the way (momentum "
            "0.1) from 0 and 1.": _train_batch_statistics,
            "that is the biased variance (divide by n) in the running average: torch stores the "
            "unbiased one (divide by n - 1) in running_var.": _biased_running_var,
            "momentum is reversed: torch gives the new batch the weight momentum = 0.1 and the "
            "old running value 0.9.": _momentum_reversed,
            "that uses a fresh layer's running statistics (0 and 1): the training batch has "
            "already updated them.": _fresh_statistics,
        },
    ),
}

# Old keys of students' earlier copies, whose task was different (copies made before 16:46 UTC,
# 7 December 2026; the few made later that day, with the new task under the old key, are sent on too):
# {old name: the exercise that replaced it}. check() and solution() say so and grade nothing.
REPLACED = {"batchnorm_forward": "batchnorm_eval"}
