"""Exercises of notebook 01: what an MLP computes, how one layer builds a curve, what training finds."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from . import CodeExercise, Prediction


def _forward_reference(X, weights, biases):
    """The output of nn.Sequential(Linear, ReLU, Linear, ReLU, ..., Linear) holding the given weights."""
    layers = []
    for W, b in zip(weights, biases, strict=True):
        linear = nn.Linear(W.shape[1], W.shape[0]).double()
        with torch.no_grad():
            linear.weight.copy_(W)
            linear.bias.copy_(b)
        layers += [linear, nn.ReLU()]
    with torch.no_grad():
        return nn.Sequential(*layers[:-1])(X)  # no ReLU after the output layer


def _forward_inputs(rng: np.random.Generator, size: int) -> tuple:
    """X (n x d) and lists of weights and biases of 1 to 4 layers: float64 tensors, sizes 1-4."""
    num_layers = 1 + (size + int(rng.integers(0, 4))) % 4
    widths = [int(rng.integers(1, 4))] + [int(rng.integers(1, 5)) for _ in range(num_layers)]

    def T(*shape):
        return torch.as_tensor(rng.standard_normal(shape))

    weights = [T(n_out, n_in) for n_in, n_out in zip(widths[:-1], widths[1:], strict=True)]
    biases = [T(n_out) for n_out in widths[1:]]
    return T(size, widths[0]), weights, biases


def _relu_on_output(X, weights, biases):
    for W, b in zip(weights, biases, strict=True):
        X = torch.relu(X @ W.T + b)
    return X


def _no_activation(X, weights, biases):
    for W, b in zip(weights, biases, strict=True):
        X = X @ W.T + b
    return X


def _no_bias(X, weights, biases):
    for W in weights[:-1]:
        X = torch.relu(X @ W.T)
    return X @ weights[-1].T


EXERCISES = {
    "forward": CodeExercise(
        question="Write forward(X, weights, biases): the output of an MLP of any depth, given as "
        "lists with one weight matrix and one bias vector per nn.Linear layer (weights[i] is "
        "n_out x n_in, as nn.Linear stores it), with a ReLU between layers: what nn.Sequential("
        "Linear, ReLU, Linear, ReLU, ..., Linear) computes. X is n x d; the lists may hold 1 to 4 "
        "layers; return the n x k outputs.",
        reference=_forward_reference,
        make_inputs=_forward_inputs,
        wrong={
            "your function puts a ReLU after the output layer too: in nn.Sequential(Linear, ReLU, "
            "..., Linear) the last layer has no activation, so outputs can be negative.": _relu_on_output,
            "your function has no ReLU at all: then the layers collapse into one linear map "
            "(section 4).": _no_activation,
            "your function leaves out the biases: each nn.Linear adds its bias after the matrix "
            "product.": _no_bias,
        },
        hints=(
            "Test by hand with a single layer: then there is no ReLU at all, and the output is "
            "what one nn.Linear computes. Does yours give that?",
            "Which quantity changes from layer to layer? Keep one variable for the current "
            "activations and replace it once per (W, b) pair of zip(weights, biases).",
            "Look at where your ReLU is applied: every layer but the last gets one. Check the "
            "outputs of your function on a case where they should be negative.",
        ),
        solution="def forward(X, weights, biases):\n"
        "    for W, b in zip(weights[:-1], biases[:-1]):\n"
        "        X = torch.relu(X @ W.T + b)          # every hidden layer: linear, then ReLU\n"
        "    return X @ weights[-1].T + biases[-1]    # the output layer: no activation\n"
        "nn.Linear keeps weights as (out x in), hence the transposes; the ReLU sits between layers "
        "only. With one layer the loop does nothing and forward is a single nn.Linear. Section 1 "
        "unrolled the same loop by hand for the 2-8-8-1 model.",
    ),
    "hinges": Prediction(
        question="Before you move the slider: with the kinks spread evenly, how many hidden ReLU "
        "units does the sum of hinges need to follow sin(3x) + 0.5 cos(5x) within 0.1 everywhere "
        "on [-pi, pi] (max error below 0.1)?",
        choices={"a": "about 4", "b": "about 10", "c": "about 30", "d": "several hundred"},
        answer="c",
        feedback={
            "a": "set the slider to 4: the sum is a curve of 4 straight pieces at most (the first "
            "unit's kink sits at the left end), and the max error is still about 1.6. The target has "
            "six hills and valleys, and each needs bends on the way in, at its top and on the way out.",
            "b": "set the slider to 12: the max error is still about 0.4, where the straight pieces "
            "cut the tops off the bumps. Look at how many bends each bump gets.",
            "c": "24 units leave a max error of 0.11 and 32 reach 0.07: about five bends for each hill "
            "or valley. Each time the width doubles the error falls 3-4x, because a straight piece "
            "of length h misses a curve by about h squared.",
            "d": "far fewer: with the kinks placed evenly, 32 units reach a max error of 0.07. "
            "Kinks drawn at random waste units (some bend where the curve is straight), and then "
            "about a hundred are needed.",
        },
        hints=("Move the slider to 16, 24 and 32 and read the max error in the lower title.",),
        solution="About 30: the max error is 0.20 at 16 units, 0.11 at 24 and 0.07 at 32 "
        "(approximation.fit_hinges(target, width).max_error). Each unit adds one bend, and a "
        "straight piece of length h misses a smooth curve by about h squared, so doubling the "
        "width cuts the error 3-4x.",
    ),
    "learnability": Prediction(
        question="The next cell trains the same network, 20 ReLUs (61 parameters), with Adam for "
        "2,000 full-batch steps on the same 400 points, starting from PyTorch's random "
        "initialisation. Every parameter is trained, the kinks too. Its max error, compared with "
        "the built network's 0.18, will be:",
        choices={"a": "smaller: training can also move the kinks",
                 "b": "about the same",
                 "c": "clearly larger: it misses part of the curve"},
        answer="c",
        feedback={
            "a": "it could in principle (the built network is one of the networks training can "
            "reach), but it does not: look at where the trained network's kinks sit (the ticks "
            "under the curves) and at its loss curve, flat far above the built network's loss.",
            "b": "look at the right end of the interval: the trained curve cuts straight across the "
            "last bump, because none of its units bends there. Its max error is several times the "
            "built one's.",
            "c": "the trained network ends with no kink near the last bump (look at the ticks "
            "under the curves), so it cannot bend there, and its loss flattens far above what the "
            "same 20 units can reach. A network that fits exists; gradient descent from this start "
            "does not find it.",
        },
        hints=("Existence says such a network is there; it says nothing about whether training from "
               "a random start gets to it.",),
        solution="Clearly larger (about 1.6 against 0.18 here; 0.35-1.7 over twelve random starts). "
        "In the notebook's run no trained unit bends right of x = 2, "
        "so the last bump gets no bend, and the loss stops falling long before 2,000 steps. "
        "Universal approximation is about existence, not about what training finds.",
    ),
    "memorise": Prediction(
        question="We shuffle the digits' training labels at random, so that no pattern links an "
        "image to its label, and train a 2 x 256 MLP for 60 epochs. Its training accuracy ends:",
        choices={"a": "near 0.1, chance: there is nothing to learn",
                 "b": "around 0.5: it learns some of them",
                 "c": "above 0.9: it memorises them"},
        answer="c",
        feedback={
            "a": "there is no pattern to learn, but there are 85,000 parameters and about 1,100 "
            "training images: enough to memorise every label. Look at the left panel: the training "
            "accuracy climbs to 1.0.",
            "b": "it goes much further: the left panel shows the 2 x 256 net reaching 1.0 on the "
            "training set within 60 epochs, while its test accuracy stays at chance.",
            "c": "it reaches 1.0 on labels that mean nothing, and stays at chance (about 0.1) on the "
            "test set. A high training accuracy alone says nothing about what a net has learned.",
        },
        hints=("The net only has to reproduce the labels of its own training images, not predict new "
               "ones: compare what it has to store (about 1,100 labels) with its capacity (about "
               "85,000 parameters).",),
        solution="Above 0.9: the wide net reaches 1.00 training accuracy on random labels (Zhang et "
        "al. 2017) while its test accuracy is at chance. A network with far more parameters than "
        "training samples can memorise any labelling, so only held-out data tells learning from "
        "memorising.",
    ),
}
