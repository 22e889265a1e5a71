"""Exercises of notebook 01: what an MLP computes, how one layer builds a curve, what training finds."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from . import CodeExercise, Prediction


def _forward_reference(X, W1, b1, W2, b2):
    """The output of nn.Sequential(Linear, ReLU, Linear) holding the given weights."""
    (h, d), k = W1.shape, W2.shape[0]
    net = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, k)).double()
    with torch.no_grad():
        net[0].weight.copy_(W1)
        net[0].bias.copy_(b1)
        net[2].weight.copy_(W2)
        net[2].bias.copy_(b2)
        return net(X)


def _forward_inputs(rng: np.random.Generator, size: int) -> tuple:
    """X (size x d), W1 (h x d), b1 (h), W2 (k x h), b2 (k): float64 tensors, d in 1-3, k in 1-2."""
    n, d, h, k = size, int(rng.integers(1, 4)), size + 1, int(rng.integers(1, 3))
    shapes = [(n, d), (h, d), (h,), (k, h), (k,)]
    return tuple(torch.as_tensor(rng.standard_normal(shape)) for shape in shapes)


def _no_bias(X, W1, b1, W2, b2):
    return torch.relu(X @ W1.T) @ W2.T


def _relu_on_output(X, W1, b1, W2, b2):
    return torch.relu(torch.relu(X @ W1.T + b1) @ W2.T + b2)


def _no_activation(X, W1, b1, W2, b2):
    return (X @ W1.T + b1) @ W2.T + b2


EXERCISES = {
    "forward": CodeExercise(
        question="Write forward(X, W1, b1, W2, b2): the output of a one-hidden-layer ReLU MLP, "
        "nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, k)), holding these weights. "
        "X is n x d, W1 is h x d, b1 has h entries, W2 is k x h, b2 has k entries (torch tensors); "
        "return the n x k outputs.",
        reference=_forward_reference,
        make_inputs=_forward_inputs,
        wrong={
            "your function leaves out the biases: each nn.Linear adds its bias b after the matrix "
            "product.": _no_bias,
            "your function puts a ReLU on the output layer too: the output layer of nn.Sequential("
            "Linear, ReLU, Linear) has no activation, so outputs can be negative.": _relu_on_output,
            "your function has no ReLU at all: then the two layers collapse into one linear map "
            "(section 4).": _no_activation,
        },
        hints=(
            "nn.Linear stores its weight as (outputs x inputs) and computes X @ W.T + b, one row of X "
            "per sample.",
            "Two steps: hidden = torch.relu(X @ W1.T + b1), then the output layer with no activation "
            "on top: hidden @ W2.T + b2.",
        ),
        solution="def forward(X, W1, b1, W2, b2):\n"
        "    hidden = torch.relu(X @ W1.T + b1)  # n x h: the hidden layer\n"
        "    return hidden @ W2.T + b2           # n x k: the output layer, no activation\n"
        "nn.Linear keeps weights as (out x in), hence the transposes; the ReLU sits between the "
        "layers only. Section 1 computes the same by hand for the 2-8-8-1 model.",
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
