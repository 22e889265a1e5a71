"""The playground's "Things to try": predict, then run two settings and compare.

Each entry asks a question, names the two settings to run (state strings) and says what the course
measured; ``tests/playground`` re-measures every contrast over several seeds (the seed and the draw).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Try:
    """One thing to try: the question to predict, two settings to run, and the measured outcome."""

    title: str
    question: str
    first: str
    second: str
    outcome: str


THINGS_TO_TRY = (
    Try("a straight line on the circle",
        "The circle with 0 hidden layers (a linear model): first the inputs x1, x2, then x1², x2². "
        "Predict the test accuracy of each.",
        "v1:layers=0", "v1:layers=0&features=x1^2,x2^2",
        "x1, x2: 0.59–0.65 (a straight line cannot enclose a disc); x1², x2²: 1.00, because in those "
        "inputs the disc is a half-plane (seeds 0–2)."),
    Try("a straight line on xor",
        "xor with 0 hidden layers: first x1, x2, then the single input x1·x2. Predict both accuracies.",
        "v1:data=xor&layers=0", "v1:data=xor&layers=0&features=x1x2",
        "x1, x2: 0.38–0.54, chance or worse; x1·x2: 0.99–1.00, its sign is the class (seeds 0–2)."),
    Try("depth on the spiral",
        "The spiral for 160 epochs: one hidden layer of 16 neurons, then three layers of 16. "
        "Predict which reaches the higher test accuracy, and by how much.",
        "v1:data=spiral&layers=1&neurons=16&epochs=160", "v1:data=spiral&layers=3&neurons=16&epochs=160",
        "1 × 16: 0.75–0.89; 3 × 16: 0.99–1.00 at the same lr 0.03 (seeds 0–2). The deeper net also has "
        "more weights (609 against 65): depth is not the only change."),
    Try("sigmoid, six layers deep",
        "Six sigmoid layers on the circle: predict how the gradient norm of layer 1 compares with the "
        "output layer's (the gradient-norm panel in the 'neuron maps' tab).",
        "v1:layers=2&activation=sigmoid", "v1:layers=6&activation=sigmoid",
        "With two layers, layer 1's gradient norm is 0.10–0.21 of the output layer's; with six, "
        "10⁻⁶–10⁻⁴ (medians over the steps, seeds 0–2): layer 1 hardly learns. Notebook 03 explains why."),
    Try("a learning rate of 10",
        "SGD with lr 10 and linear activations: predict what the loss does.",
        "v1:activation=linear&optimizer=sgd&lr=0.1", "v1:activation=linear&optimizer=sgd&lr=10",
        "lr 10 diverges in the first epoch (at step 4 or 5, seeds 0–2) and the playground says where; "
        "lr 0.1 trains without diverging (a linear model on the circle: test accuracy 0.50–0.69)."),
    Try("a plane on six bumps (regression)",
        "multi-gaussian, a regression set (six bumps, targets -1 to 1), without noise, for 160 epochs: "
        "first 0 hidden layers (the output is a plane over x1, x2), then two layers of 8. Predict the "
        "test R² of each.",
        "v1:data=multi-gaussian&noise=0&layers=0&epochs=160", "v1:data=multi-gaussian&noise=0&epochs=160",
        "0 layers: R² -0.01 to 0.02 (seeds 0–2), no better than predicting the mean (a plane cannot rise "
        "and fall six times); two layers of 8: 0.75–0.83 on seeds 0–2, 0.55–0.87 over seeds 0–15, and "
        "still rising at 160 epochs (seed 7: 0.60, then 0.85 after 320). Whatever the seed, the network "
        "beats the plane by far more than the seeds differ."),
    Try("noise on a plane (regression)",
        "plane, a regression set, with 0 hidden layers (a linear model): first noise 0, then noise 0.5. "
        "Predict the test R² of each, and whether a larger network would beat the second.",
        "v1:data=plane&noise=0&layers=0", "v1:data=plane&noise=0.5&layers=0",
        "noise 0: R² 1.00, an exact fit (the target is itself a plane over x1, x2); noise 0.5: 0.77–0.78 "
        "on seeds 0–2 (0.76–0.84 over seeds 0–15) with that same right model. The noise moves the point "
        "each target is read at, an error no function of (x1, x2) removes: averaged over draws no model "
        "beats R² 0.8 here (signal variance 0.24, noise variance 0.06: 0.24 / 0.30), so a larger network "
        "cannot help. On one draw's 200 test points even the exact plane scores 0.76–0.84, so a run can "
        "land a little above 0.8."),
)
