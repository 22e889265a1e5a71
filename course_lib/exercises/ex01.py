"""Exercises of notebook 01: what is an MLP."""

from . import Exercise, close_to

EXERCISES = {
    "param_count": Exercise(
        question="How many trainable parameters has MLP(4, out_features=3, hidden=(8, 8), "
        "task='multiclass')?",
        is_correct=close_to(139, rel=0),
        mistakes={
            close_to(120, rel=0): "120 counts the weights only: every layer also has one bias per "
            "output neuron.",
            close_to(105, rel=0): "105 is the model of section 1 (2 inputs, 1 output): this one has 4 "
            "inputs and 3 outputs.",
        },
        answer=139,
        hints=("Each nn.Linear(n_in, n_out) has n_in * n_out weights and n_out biases: "
        "4 -> 8 -> 8 -> 3.",),
        solution="(4 + 1) * 8 + (8 + 1) * 8 + (8 + 1) * 3 = 40 + 72 + 27 = 139.\n"
        "Check: count_parameters(MLP(4, out_features=3, hidden=(8, 8), task='multiclass')).",
    ),
    "collapse": Exercise(
        question="Stack nn.Linear(10, 50), nn.Linear(50, 50), nn.Linear(50, 3) with no activation. "
        "How many parameters does the single equivalent nn.Linear have?",
        is_correct=close_to(33, rel=0),
        mistakes={
            close_to(3253, rel=0): "3,253 is what the stack has; the question asks for the single "
            "equivalent layer.",
            close_to(30, rel=0): "30 is the weight matrix alone: the equivalent layer has a bias too.",
        },
        answer=33,
        hints=("The stack computes W x + b with one matrix W. What are the shapes of W and b?",),
        solution="The stack equals one nn.Linear(10, 3): W is 3 x 10 (30 weights) and b has 3 "
        "entries, 33 parameters, although the stack has 3,253 (550 + 2,550 + 153). Extra linear "
        "layers add parameters, not expressiveness.",
    ),
    "pieces": Exercise(
        question="The tent map composed 7 times is a network of 7 layers with 2 ReLUs each. How "
        "many ReLUs would a one-hidden-layer network need, at least, to draw the same function?",
        is_correct=close_to(127, rel=0),
        mistakes={
            close_to(128, rel=0): "128 is the number of linear pieces; m units give at most m + 1 "
            "pieces.",
            close_to(14, rel=0): "14 is what the deep network uses (7 layers x 2 ReLUs); one hidden "
            "layer needs far more.",
        },
        answer=127,
        hints=("The deep net has 2**k linear pieces; a one-hidden-layer ReLU net with m units has at "
        "most m + 1.",),
        solution="2**7 = 128 pieces need at least 127 units in one hidden layer, against 14 ReLUs "
        "in the deep net: depth buys pieces exponentially, width only linearly.",
    ),
}
