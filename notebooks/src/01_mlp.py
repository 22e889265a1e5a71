# %% [markdown]
# # 01 · What is an MLP?
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/training-nn-course/training-neural-networks/blob/main/notebooks/01_mlp.ipynb)
#
# *Training Neural Networks: Tips, Tricks, and Evaluation*, part 1 of 5.
#
# The lecture opens with the **multi-layer perceptron (MLP)**: layers of "neurons", each a weighted
# sum followed by a non-linearity. In this notebook every claim about MLPs becomes a small
# experiment you can run on a laptop CPU in seconds:
#
# 1. Layers, neurons and parameters: what an MLP *is*, and a forward pass by hand
# 2. Classification vs regression: the same body with a different head and loss
# 3. Training: watch a decision boundary form (with a playground to explore)
# 4. Why non-linearity matters
# 5. Universal approximation: existence is not learnability
# 6. Depth vs width
# 7. Memorisation, and when *not* to use an MLP
#
# Run the cells from top to bottom (Shift+Enter). The whole notebook takes well under a minute.

# %%
# Setup. On Google Colab: fetch the course and install course_lib, leaving Colab's own torch,
# numpy and ipywidgets untouched. Anywhere else this cell does nothing (`make lab` set you up).
import sys

COURSE_REPO = "https://github.com/training-nn-course/training-neural-networks"
COURSE_BRANCH = "main"
COURSE_DIR = "/content/course"
if "google.colab" in sys.modules:
    import os
    import subprocess

    if not os.path.isdir(COURSE_DIR):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", COURSE_BRANCH, COURSE_REPO, COURSE_DIR],
                       check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", COURSE_DIR], check=True)
    sys.path.insert(0, COURSE_DIR)  # an editable install is only seen after a restart
    os.chdir(os.path.join(COURSE_DIR, "notebooks"))

# %%
# NBVAL_IGNORE_OUTPUT  (library versions differ between machines)
import matplotlib.pyplot as plt
import numpy as np
import torch

from course_lib import (
    approximation,
    data,
    exercises,
    generalization,
    generalization_plots,
    models,
    playground,
    plots,
    runtime,
)
from course_lib.models import MLP, count_parameters, parameter_table
from course_lib.training import fit, predict_scores

runtime.setup(seed=0)  # seeds, one CPU thread (fastest for small models), prints versions
plots.use_style()

# %% [markdown]
# ## 1. Layers, neurons and parameters
#
# An MLP has an **input layer** (the features the model sees), **hidden layers** (intermediate
# features the network computes) and an **output layer** (the prediction). Every hidden layer is a
# `Linear` map followed by an activation. The connections' **weights and biases**, in *every* layer
# including the output layer, are the parameters learned in training. (The slide says the hidden
# layers are "where learning happens"; the output layer learns too.)
#
# `course_lib.models.MLP` builds one from a few options. Here: 2 inputs, two hidden layers of 8
# ReLU neurons, one output.

# %%
model = MLP(in_features=2, hidden=(8, 8), activation="relu", task="binary", seed=0)
print(model)

# %% [markdown]
# Each `Linear(n_in, n_out)` holds an `n_out × n_in` weight matrix and `n_out` biases, so the
# parameter count follows from the layer sizes alone:

# %%
for name, shape, count in parameter_table(model):
    print(f"{name:28s} {str(shape):10s} {count:4d}")
print("total:", count_parameters(model), "= (2+1)*8 + (8+1)*8 + (8+1)*1 =", 3 * 8 + 9 * 8 + 9 * 1)

# %% [markdown]
# ### A forward pass by hand
#
# The model's output is nothing more than matrix products and ReLUs. Computing it by hand gives
# the same number as calling the model:

# %%
x = torch.tensor([[0.5, -1.0]])
W1, b1 = model.body.block1.linear.weight, model.body.block1.linear.bias
W2, b2 = model.body.block2.linear.weight, model.body.block2.linear.bias
W3, b3 = model.head.weight, model.head.bias

h1 = torch.relu(x @ W1.T + b1)  # hidden layer 1: 8 numbers
h2 = torch.relu(h1 @ W2.T + b2)  # hidden layer 2: 8 numbers
logit = h2 @ W3.T + b3  # output layer: one raw score (a "logit")
print("by hand:   ", round(logit.item(), 5))
print("model(x):  ", round(model(x).item(), 5))
print("P(class 1):", round(torch.sigmoid(logit).item(), 5), "(the sigmoid turns the logit into a probability)")

# %% [markdown]
# ## 2. Classification vs regression: same body, different head and loss
#
# The lecture says only the output layer and the loss change. Precisely (the slide's table is
# loose here, see the note below):
#
# | task | output layer | loss on the raw outputs | prediction |
# |---|---|---|---|
# | binary classification | **1** unit (a logit) | `BCEWithLogitsLoss` (sigmoid inside) | P = sigmoid(logit) > 0.5 |
# | C classes | **C** units (logits) | `CrossEntropyLoss` (softmax inside) | argmax |
# | regression | 1 unit, **no** activation | `MSELoss` | the output itself |
#
# > **Slide note (erratum E20).** "One unit per class with Softmax / Sigmoid": for *binary*
# > classification one sigmoid unit is enough; one sigmoid *per class* means **multi-label**
# > (several classes can be true at once). With `CrossEntropyLoss` the network outputs raw logits
# > and the loss applies the softmax, so do not add one yourself. A ReLU on a regression output can
# > "die" (always 0, no gradient); if outputs must be positive, softplus is safer.
#
# The three heads on the same body, built by `course_lib`, with the loss each is trained with.
# The binary and the regression heads look the same (one unit with no activation): what differs
# is the loss, and how the output is read (a logit turned into a probability, or the value itself).

# %%
losses = {"binary": torch.nn.BCEWithLogitsLoss(), "multiclass": torch.nn.CrossEntropyLoss(),
          "regression": torch.nn.MSELoss()}
for task, out in [("binary", 1), ("multiclass", 3), ("regression", 1)]:
    m = MLP(4, out_features=out, hidden=(16, 16), task=task, seed=0)
    print(f"{task:10s} head: {m.head}   loss: {losses[task]}   parameters: {count_parameters(m)}")

# %% [markdown]
# A regression MLP fitting a noisy sine with the same `fit` function. `build_mlp` reads the task
# from the data set (`wave.task` is `"regression"`), so the model gets a one-unit head and `fit`
# uses the mean squared error as the loss and R² as the metric. (We use tanh here because a smooth
# curve is easier to fit with a smooth activation; ReLU works too, with more neurons.)

# %%
wave = data.load("sin", n_samples=200, noise=0.1, seed=0)
print("task:", wave.task)
regressor = models.build_mlp(wave, hidden=(32, 32), activation="tanh", seed=0)
wave_history = fit(regressor, wave, lr=0.01, batch_size=16, num_epochs=60, seed=0)

x_grid = torch.linspace(-np.pi, np.pi, 200).reshape(-1, 1)
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.scatter(wave.X_train[:, 0], wave.y_train, s=10, color="gray", label="training data")
ax.plot(x_grid[:, 0], predict_scores(regressor, x_grid), color="C3", label="MLP prediction")
ax.plot(x_grid[:, 0], np.sin(x_grid[:, 0].numpy()), "k--", lw=1, label="true function sin(x)")
ax.set(title=f"regression: validation R² = {wave_history.final('val_metric'):.2f}", xlabel="x", ylabel="y")
ax.legend()
plt.show()

# %% [markdown]
# ## 3. Training: watch the decision boundary form
#
# On a 2-D dataset we can *see* what a classifier learned: shade each point of the plane by the
# predicted probability of class 1 (blue: near 0, red: near 1; the black line is the decision
# boundary P = 0.5), with the training points coloured by their true class. Here is an MLP with
# two hidden layers of 16 ReLUs trained on the two-moons data with Adam, with the decision surface
# recorded after every epoch. Before training the network says about the same probability
# everywhere, so the first panel has no boundary yet.

# %%
moons = data.load("moons", n_samples=400, noise=0.2, seed=0)
print(moons)
snaps = playground.train_with_snapshots(
    models.build_mlp(moons, hidden=(16, 16), seed=0), moons, num_epochs=30, lr=0.01, seed=0
)
fig, axes = plt.subplots(1, 4, figsize=(13, 3.4))
for ax, epoch in zip(axes, [0, 2, 8, 30], strict=True):
    plots.plot_surface(snaps.xx, snaps.yy, snaps.grids[epoch], moons.X_train, moons.y_train, ax,
                       title=f"after {epoch} epochs", s=8)
plots.add_probability_colorbar(fig, axes)
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT  (trained accuracies can differ in the last digit across CPUs)
acc = snaps.history.final("val_metric")
print(f"validation accuracy after 30 epochs: {acc:.3f}")
assert acc > 0.9

# %% [markdown]
# ### Explore: the course playground
#
# If you know [TensorFlow Playground](https://playground.tensorflow.org), this is the same idea, with
# what this course adds. Change the **data** (circle, xor, gauss, spiral, moons; noise, the share of
# training points, class imbalance, a new draw), the **network** (its inputs: x1 and x2 or TensorFlow
# Playground's x1², x2², x1·x2 and sines; 0–6 hidden layers of 1–16 neurons, activation,
# initialisation, BatchNorm, skip connections, dropout, L1/L2 or weight decay) or the
# **training** (optimizer, `lr`, `batch_size`, epochs, schedule, warm-up, gradient clipping) and the
# network retrains: about a second for small settings, at once for a setting you tried before; long
# runs show a progress bar and a **stop** button. Press **▶ replay** or drag **epoch** to watch the training: the small
# maps show what every neuron computes, the large one the output, and below them the loss and the
# gradient norm of every layer. **threshold** moves along the trained model's confusion matrix, ROC
# and PR curves on the test points. The **state** box holds a short text that restores every control
# (paste one in and press *load state*, or pass it to `playground.Playground(...)`), and **show code**
# prints the `course_lib` calls that redo the run in a cell. Things to try:
#
# - `circle` or `xor` with **0 hidden layers**: a straight line is all a linear model can draw. Then
#   give it the inputs x1², x2² (circle) or x1·x2 (xor): hand-made features make the straight line enough.
# - `spiral` with 2 layers of 4 neurons, then 6 layers of 8.
# - `sigmoid` with 6 hidden layers: watch the gradient norm of layer 1 next to the output's (notebook 03 explains it).
# - SGD with `lr` 10 and `linear` activations: the run diverges, and says where.
#
# The same playground runs as a web page without code cells, for projecting: `make playground`.

# %%
pg = playground.Playground()
pg.show()

# %% [markdown]
# ### What the hidden units learn
#
# Nobody tells an MLP which features to compute: training finds them. Shade the input plane by what
# each hidden neuron outputs and you can see them. Here one hidden layer of six ReLU neurons learns
# the circle (left: one small map per input and per neuron, vermillion where it is positive, white
# where it is 0; right: the network's output).

# %% tags=["nbval-ignore-output"]
from course_lib import neuron_maps, toy_data

circle = toy_data.make_split("circle", 400, noise=0.1, seed=0)
net = MLP(2, hidden=(6,), activation="relu", init="he", seed=0)
history = fit(net, circle.fit_data, lr=0.01, batch_size=32, num_epochs=80, seed=0)
neuron_maps.plot_network(net, circle.X_train, circle.y_train)
plt.show()
active = (neuron_maps.network_maps(net).layers[0] > 0).mean(axis=(1, 2))
print(f"test accuracy {history.final('val_metric'):.3f}; each neuron is active on "
      + ", ".join(f"{a:.0%}" for a in active) + " of the plane")

# %% [markdown]
# A first-layer ReLU neuron computes max(0, w₁x₁ + w₂x₂ + b): 0 on one side of a straight line and
# growing on the other, so every map is a half-plane. Training placed the six lines at different
# angles around the inner class, and the output neuron adds the six maps up, each with its own weight:
# a surface made of flat pieces, whose decision boundary is a polygon that bends only where it
# crosses one of the six lines. Nobody chose these lines; gradient descent did. Deeper layers
# combine features. Three layers of eight tanh neurons on the spiral:

# %% tags=["nbval-ignore-output"]
spiral = toy_data.make_split("spiral", 400, noise=0.1, seed=0)
deep = MLP(2, hidden=(8, 8, 8), activation="tanh", seed=0)
history = fit(deep, spiral.fit_data, lr=0.03, batch_size=16, num_epochs=80, seed=0)
neuron_maps.plot_network(deep, spiral.X_train, spiral.y_train)
plt.show()
print(f"test accuracy on the spiral: {history.final('val_metric'):.3f}")

# %% [markdown]
# Layer 1 draws soft straight steps (tanh of a weighted sum), layer 2 bends and combines them, and
# layer 3 holds curved pieces of the spiral that the output neuron assembles. This is what "an MLP
# learns its features automatically" means. It is also why an MLP is *not interpretable out of the
# box*: every neuron can be drawn, but already in layer 3 few maps have a simple name. Try it in the
# playground above with more layers, fewer neurons or another activation.

# %% [markdown]
# ## 4. Why non-linearity? Stacked linear layers are still linear (claim C1)
#
# "Without activations, neural nets are just linear equations." Indeed
# W₃(W₂(W₁x + b₁) + b₂) + b₃ = (W₃W₂W₁)x + (W₃W₂b₁ + W₃b₂ + b₃): three layers collapse into one
# matrix and one bias. `approximation.collapse_linear` computes that single layer; it gives the
# same outputs:

# %%
torch.manual_seed(0)
stack = [torch.nn.Linear(2, 16), torch.nn.Linear(16, 16), torch.nn.Linear(16, 1)]
single = approximation.collapse_linear(stack)
X_check = torch.randn(1000, 2)
difference = (torch.nn.Sequential(*stack)(X_check) - single(X_check)).abs().max().item()
print(f"3 stacked layers: {sum(count_parameters(layer) for layer in stack)} parameters")
print(f"1 equivalent layer: {count_parameters(single)} parameters, {single}")
print("same outputs (max difference < 1e-5):", difference < 1e-5)

# %% [markdown]
# So an "MLP" with `activation="linear"` can only draw a straight boundary, however deep:

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for ax, activation in zip(axes, ["linear", "relu"], strict=True):
    m = models.build_mlp(moons, hidden=(16, 16, 16), activation=activation, seed=0)
    h = fit(m, moons, lr=0.01, batch_size=32, num_epochs=30, seed=0)
    plots.plot_decision_boundary(m, moons.X_train, moons.y_train, ax=ax,
                                 title=f"3 hidden layers, {activation}: val acc {h.final():.2f}")
plots.add_probability_colorbar(fig, axes)
plt.show()

# %% [markdown]
# ## 5. Universal approximation: existence is not learnability (claim C6)
#
# The lecture: "a network with just one hidden layer (and enough neurons) can approximate any
# continuous function, given enough data". The theorem (Cybenko 1989; Hornik et al. 1989;
# Leshno et al. 1993) says: for any continuous function on a closed, bounded interval and any
# tolerance, **some** one-hidden-layer network with a non-polynomial activation is that close.
#
# > **Slide note (erratum E9).** The theorem is about *existence*. It says nothing about data, and
# > nothing about whether gradient descent will *find* that network.
#
# We can show existence directly, without any training: draw the hidden layer's ReLU units at
# random (random slopes, kinks spread over the interval) and keep them fixed; the output layer is
# then a linear function of the hidden units, so its best weights solve an ordinary least-squares
# problem, in closed form. We give it the target on a dense grid of 2,000 points (the function
# known everywhere). The target is sin(3x) + 0.5·cos(5x) on [−π, π] (dashed line).

# %%
target = data.FUNCTIONS_1D["wiggly"]
widths = [5, 20, 100, 1000]
fits = {w: approximation.fit_one_hidden_layer(target, w, seed=0) for w in widths}
fig, axes = plt.subplots(1, 4, figsize=(13, 3.2), sharey=True)
for ax, w in zip(axes, widths, strict=True):
    ax.plot(fits[w]["x"], fits[w]["y"], "k--", lw=1)
    ax.plot(fits[w]["x"], fits[w]["y_hat"], color="C3")
    ax.set(title=f"{w} ReLUs: max error {fits[w]['max_error']:.3f}", xlabel="x")
axes[0].set_ylabel("y (dashed: target)")
plt.show()
errors = [fits[w]["max_error"] for w in widths]
print("max error falls as the layer widens:", all(a > b for a, b in zip(errors, errors[1:], strict=False)))

# %% [markdown]
# Now *train* one-hidden-layer tanh networks by gradient descent (Adam, 2,000 full-batch steps)
# on 2,000 samples of the same function, as much data as the least-squares fit had. Their error
# stays about twice what 100 random ReLUs with least squares reach, and 64 trained neurons do no
# better than 8 (here even a little worse): with the data there and more neurons not helping, the
# optimiser (2,000 Adam steps) is what limits them, not the size of the network.

# %%
trained = {w: approximation.train_one_hidden_layer(target, w, n_samples=2000, num_steps=2000, seed=0)
           for w in (8, 64)}

fig, axes = plt.subplots(1, 2, figsize=(11, 3.2), width_ratios=[1.4, 1])
axes[0].plot(fits[100]["x"], fits[100]["y"], "k--", lw=1, label="target")
for w, result in trained.items():
    axes[0].plot(result["x"], result["y_hat"], label=f"trained tanh, {w} neurons")
axes[0].set(xlabel="x", ylabel="y")
axes[0].legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
bars = axes[1].bar(["least squares\n100 ReLUs", "trained\n8 tanh", "trained\n64 tanh"],
                   [fits[100]["max_error"], trained[8]["max_error"], trained[64]["max_error"]],
                   color=["C2", "C0", "C1"])
axes[1].bar_label(bars, fmt="%.2f")
axes[1].set_ylabel("max error on [−π, π]")
plt.show()
print("100 random units + least squares beat both trained networks:",
      fits[100]["max_error"] < min(r["max_error"] for r in trained.values()))

# %% [markdown]
# ## 6. Depth vs width (claim C7)
#
# "Some functions require exponential width in shallow nets but only modest depth." Here is one
# (Telgarsky 2016): the **tent map** t(z) = 2·relu(z) − 4·relu(z − ½) is a layer with two ReLUs.
# Composing it k times gives a k-layer network whose output zig-zags with **2ᵏ linear pieces**.
# A one-hidden-layer ReLU network with m units is piecewise linear with at most **m + 1** pieces,
# so it needs at least 2ᵏ − 1 units to do the same.

# %%
z = torch.linspace(0, 1, 2001, dtype=torch.float64).reshape(-1, 1)
fig, axes = plt.subplots(1, 4, figsize=(13, 2.8), sharey=True)
for ax, k in zip(axes, [1, 2, 3, 5], strict=True):
    ax.plot(z[:, 0], approximation.tent_network(k)(z).detach()[:, 0])
    ax.set(title=f"tent map composed {k}×", xlabel="z")
axes[0].set_ylabel("output")
plt.show()

print(" k | ReLUs in the deep net | linear pieces (counted) | ReLUs a 1-hidden-layer net needs")
for k in (3, 6, 10):
    pieces = approximation.count_linear_pieces(approximation.tent_network(k))
    print(f"{k:2d} | {2 * k:21d} | {pieces:23d} | {pieces - 1:8d}")
shallow = [approximation.count_linear_pieces(approximation.shallow_relu_net(m, seed=0)) for m in (5, 20)]
print("random 1-hidden-layer nets with 5 and 20 ReLUs have", shallow, "pieces (at most m + 1)")

# %% [markdown]
# ## 7. Memorisation, and when *not* to use an MLP
#
# ### Deep and wide nets both memorise (claim C8)
#
# The slide says "wide nets often memorise, deep nets learn patterns". An experiment in the
# spirit of Zhang et al. (2017) shows that this is not the distinction. We shuffle the labels of
# the handwritten digits at random, so there is no pattern left to learn, and train three MLPs:
# wide and shallow (2 × 256), deeper (4 × 128), deep and narrow (6 × 64). All three pass 90%
# **training** accuracy on labels that mean nothing (the two wider ones reach 100%), and all score
# at chance (about 0.1) on the test set. The wider nets, which here also have more parameters
# (85k, 59k and 26k), get there fastest: over-parameterised nets are *easier* to fit.
#
# > **Slide note (erratum E10).** Over-parameterised (wide) networks are usually *easier* to
# > optimise, not harder; deep networks memorise too. Flat regions of the loss slow training
# > down; they do not make it unstable.

# %%
digits = data.load("digits")
settings = dict(lr=3e-3, batch_size=128, num_epochs=60, seed=0)
real = generalization.train_and_score(digits, hidden=(256, 256), **settings)
nets = {"2 × 256": (256, 256), "4 × 128": (128,) * 4, "6 × 64": (64,) * 6}
shuffled_digits = generalization.shuffle_labels(digits, seed=0)
shuffled = {name: generalization.train_and_score(shuffled_digits, hidden=hidden, **settings)
            for name, hidden in nets.items()}

generalization_plots.plot_memorisation(real, shuffled)
plt.show()
print("every net memorised the random labels (train accuracy > 0.9):",
      all(r["train"] > 0.9 for r in shuffled.values()))
print("nothing generalises (test accuracy < 0.2):", all(r["test"] < 0.2 for r in shuffled.values()))

# %% [markdown]
# ### A weak inductive bias: scramble the pixels, the MLP does not care
#
# The lecture says the MLP "doesn't assume inductive bias". More precisely its bias is weak and
# generic (it prefers smooth, low-frequency functions: Rahaman et al. 2019), and it knows nothing
# about images: shuffle the 64 pixels of every digit in one fixed random order and an MLP learns
# just as well (within a point or two of accuracy), although a human could no longer read the
# digits. (A convolutional network, built to exploit neighbouring pixels, would lose that edge.)

# %%
scrambled = generalization.permute_features(digits, seed=0)
plain_acc = generalization.train_and_score(digits, hidden=(64, 64), num_epochs=20, seed=0)["test"]
scrambled_acc = generalization.train_and_score(scrambled, hidden=(64, 64), num_epochs=20, seed=0)["test"]
generalization_plots.plot_scrambled_pixels(digits, scrambled, plain_acc, scrambled_acc)
plt.show()
print("same accuracy either way (difference < 0.03):", abs(plain_acc - scrambled_acc) < 0.03)

# %% [markdown]
# ### Tabular data: compare with a tree ensemble (claim C2)
#
# "Great for structured/tabular data" needs a caveat: on tabular benchmarks, gradient-boosted
# trees are usually as good or better, with less tuning (Grinsztajn et al. 2022; Shwartz-Ziv &
# Armon 2022). Always compare with one. On the small breast-cancer table the two are close:
# here they are a couple of test samples apart (the cell below counts them), which is within the
# noise of a 114-sample test set. The point is not who wins this one table; it is that the cheap,
# untuned baseline is about as good, so the MLP has to earn its place.

# %%
cancer = data.load("breast_cancer")
scores = {
    "MLP (2×64)": generalization.train_and_score(cancer, hidden=(64, 64), num_epochs=30, seed=0)["test"],
    "gradient boosting": generalization.boosting_baseline(cancer, seed=0),
}
fig, ax = plt.subplots(figsize=(5.5, 3))
bars = ax.barh(list(scores), list(scores.values()), color=["C0", "C2"])
ax.bar_label(bars, fmt="%.3f")
ax.set(xlim=(0, 1.1), xlabel="test accuracy (breast cancer)")
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT  (one test sample more or less can flip on another CPU)
n_test = len(cancer.y_test)
gap = round(abs(scores["MLP (2×64)"] - scores["gradient boosting"]) * n_test)
print(f"test set: {n_test} samples; one model gets {gap} more of them right than the other")
assert gap <= 6

# %% [markdown]
# The lecture's other limitations stand: an MLP has a **fixed input size**, does not model
# **sequences or spatial structure** (we just saw it ignore pixel order), has **many parameters**
# when inputs are large (a 224×224×3 image into 1,000 units is 150 million weights in the first
# layer alone), and is **sensitive to hyperparameters** (notebook 04).
#
# ## Takeaways
#
# - An MLP is layers of `Linear` + activation; its parameters are weights and biases, and their
#   number follows from the layer sizes.
# - Classification and regression share the body; the head and the loss differ. Output raw logits
#   and let `BCEWithLogitsLoss` / `CrossEntropyLoss` apply sigmoid / softmax.
# - Without non-linear activations, any stack of layers is one linear layer.
# - One hidden layer *can* approximate any continuous function, but finding it by training is
#   another matter; depth can buy exponentially more pieces than width.
# - MLPs, deep or wide, can memorise pure noise: training accuracy alone proves nothing, always
#   hold out data. Bigger, wider nets fit it fastest.
# - For tabular data, compare with gradient-boosted trees; for images and sequences, use
#   architectures whose inductive bias fits the data.
#
# ## Exercises
#
# Replace each `...` with your answer and run the cell: it tells you whether you are right and
# gives a hint if not. Stuck? `exercises.solution("01.param_count")` prints a worked solution.
#
# **1.** How many trainable parameters has `MLP(4, out_features=3, hidden=(8, 8), task="multiclass")`?
# Work it out by hand first, then check.

# %%
answer = ...
exercises.check("01.param_count", answer)

# %% [markdown]
# **2.** Stack `nn.Linear(10, 50)`, `nn.Linear(50, 50)` and `nn.Linear(50, 3)` with no activation.
# How many parameters does the single equivalent `nn.Linear` have? (`approximation.collapse_linear`
# can check you.)

# %%
answer = ...
exercises.check("01.collapse", answer)

# %% [markdown]
# **3.** The tent map composed 7 times is a network of 7 layers with 2 ReLUs each. How many ReLUs
# would a one-hidden-layer network need, at least, to draw the same function?

# %%
answer = ...
exercises.check("01.pieces", answer)
