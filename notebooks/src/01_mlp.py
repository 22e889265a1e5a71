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
# 5. Universal approximation: how one hidden layer builds a curve; existence, and does training find it?
# 6. Depth vs width
# 7. Memorisation, when *not* to use an MLP, and where MLPs hide (inside every Transformer)
#
# Run the cells from top to bottom (Shift+Enter). The whole notebook takes well under a minute.
#
# Along the way, **Predict first** cells ask you to commit to an answer before you run the next
# cell or move a control: replace the `...` with the letter of your choice and run the cell; it
# says whether you were right and what to look at. Where a slide says something the evidence does
# not support, a box starting **Slide check:** gives what the slide says and what the
# experiments show.

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

# %% tags=["nbval-ignore-output"]
# Library versions differ between machines: this cell's output is not compared by the tests.
import matplotlib.pyplot as plt
import torch

from course_lib import data, exercises, models, playground, plots, runtime
from course_lib.mlp import approximation, approximation_plots, generalization, generalization_plots, snapshots
from course_lib.models import MLP, count_parameters, parameter_table
from course_lib.training import fit

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
# ### Your turn: a forward pass of any depth
#
# The pass above was written out for exactly two hidden layers. Write `forward(X, weights,
# biases)` for an MLP of *any* depth: `weights` and `biases` are lists with one entry per
# `nn.Linear` layer (`weights[i]` is n_out × n_in, as `nn.Linear` stores it; 1 to 4 layers), with
# a ReLU between layers, as in `nn.Sequential(Linear, ReLU, Linear, ReLU, ..., Linear)`. `X` is
# n × d (one row per sample); return the n × k outputs. Replace the `...` after `return` with your
# code and run the cell: the check runs your function and PyTorch's `nn.Sequential` on random
# inputs and shows the smallest one where they differ.

# %%
def forward(X, weights, biases):
    """The n x k outputs of nn.Sequential(Linear, ReLU, ..., Linear) holding these weights."""
    return ...  # your code


exercises.check("01.forward", forward)

# %% [markdown]
# ## 2. Classification vs regression: same body, different head and loss
#
# The lecture says only the output layer and the loss change. Precisely (the slide's table is
# loose here, see the slide check below):
#
# | task | output layer | loss on the raw outputs | prediction |
# |---|---|---|---|
# | binary classification | **1** unit (a logit) | `BCEWithLogitsLoss` (sigmoid inside) | P = sigmoid(logit) > 0.5 |
# | C classes | **C** units (logits) | `CrossEntropyLoss` (softmax inside) | argmax |
# | regression | 1 unit, **no** activation | `MSELoss` | the output itself |
#
# > **Slide check:** the slide says "one unit per class with Softmax / Sigmoid" and allows a ReLU
# > on a regression output. For *binary* classification one sigmoid unit is enough; one sigmoid
# > *per class* means **multi-label** (several classes can be true at once). With
# > `CrossEntropyLoss` the network outputs raw logits and the loss applies the softmax, so do not
# > add one yourself. A ReLU on a regression output can "die" (always 0, no gradient); if outputs
# > must be positive, softplus is safer.
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
# uses the mean squared error as the loss and R² as the metric (R² = 1 is a perfect fit; 0 is no
# better than always predicting the mean of y). (We use tanh here because a smooth
# curve is easier to fit with a smooth activation; ReLU works too, with more neurons.)

# %%
wave = data.load("sin", n_samples=200, noise=0.1, seed=0)
print("task:", wave.task)
regressor = models.build_mlp(wave, hidden=(32, 32), activation="tanh", seed=0)
wave_history = fit(regressor, wave, lr=0.01, batch_size=16, num_epochs=60, seed=0)

fig = plots.plot_regression_fit(regressor, wave, wave_history)
plt.show()

# %% [markdown]
# ## 3. Training: watch the decision boundary form
#
# On a 2-D dataset we can *see* what a classifier learned: shade each point of the plane by the
# predicted probability of class 1 (blue: near 0, orange: near 1; the black line is the decision
# boundary P = 0.5), with the training points coloured by their true class (blue: class 0, orange:
# class 1). Here is an MLP with
# two hidden layers of 16 ReLUs trained on the two-moons data with Adam, with the decision surface
# recorded after every epoch. Before training the network says about the same probability
# everywhere, so the first panel has no boundary yet.

# %%
moons = data.load("moons", n_samples=400, noise=0.2, seed=0)
print(moons)
snaps = snapshots.train_with_snapshots(
    models.build_mlp(moons, hidden=(16, 16), seed=0), moons, num_epochs=30, lr=0.01, seed=0
)
fig = plots.plot_surfaces({f"after {epoch} epochs": snaps.grids[epoch] for epoch in (0, 2, 8, 30)},
                         snaps.xx, snaps.yy, moons.X_train, moons.y_train)
plt.show()

# %% tags=["nbval-ignore-output"]
# Trained accuracies can differ in the last digit between CPUs: this output is not compared.
acc = snaps.history.final("val_metric")
print(f"validation accuracy after 30 epochs: {acc:.3f}")

# %% [markdown]
# ### Explore: the course playground
#
# If you know [TensorFlow Playground](https://playground.tensorflow.org), this is the same idea, with
# what this course adds. Change the **data** (circle, xor, gauss, spiral, moons, or the regression
# sets plane and multi-gaussian, trained with MSE and scored by R²; noise, the share of training
# points, class imbalance (classification only), a new draw),
# the **network** (its inputs, one checkbox each: x1, x2, x1², x2², x1·x2 and sines; 0–6 hidden layers
# of 1–16 neurons or a width per layer, activation, initialisation, BatchNorm, skip connections,
# dropout, L1/L2 or weight decay) or the **training** (optimizer, `lr`, `batch_size`, epochs,
# schedule, warm-up, gradient clipping) and the network trains live beside the controls: the epoch
# counter, the output over the plane and the loss move as it runs (about a second for small settings,
# at once for a setting you tried before). **❚❚ pause** holds it between two epochs, **step** trains
# one more epoch, **▶ play** goes on (a finished run: plays it back), **↺ reset** goes back to the
# untrained network; drag **epoch** to see any epoch again. In the tabs below: small maps of what
# every neuron computes with the gradient norm of every layer; the test points evaluated (a
# classification set: **threshold** moving along the confusion matrix, ROC and PR curves; a regression
# set: predicted against true values and the errors, with threshold and class 1 % greyed out); and
# the weights graph (hover an edge or a neuron for its value). The **state** box holds a short text
# that restores every control (paste one in and press *load state*, or pass it to
# `playground.Playground(...)`), and **show code** prints the `course_lib` calls that redo the run in
# a cell. The **things to try** tab asks a question before each experiment and loads its two settings
# with one button each; predict, run, then compare with what was measured:
#
# - `circle` or `xor` with **0 hidden layers**, first with the inputs x1, x2, then with x1², x2²
#   (circle) or x1·x2 (xor).
# - `spiral` for 160 epochs: 1 hidden layer of 16 neurons, then 3 layers of 16.
# - `sigmoid` with 2, then 6 hidden layers: the gradient norm of layer 1 next to the output's.
# - SGD with `linear` activations at `lr` 0.1, then 10.
# - `multi-gaussian` without noise for 160 epochs: 0 hidden layers, then two layers of 8 (test R²).
# - `plane` with 0 hidden layers: noise 0, then noise 0.5 (test R²).
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
# the circle (left: one small map per input and per neuron, vermilion where it is positive, white
# where it is 0; right: the network's output).

# %% tags=["nbval-ignore-output"]
from course_lib.playground import neuron_maps, toy_data

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
# ## 4. Why non-linearity? Stacked linear layers are still linear
#
# "Without activations, neural nets are just linear equations." Indeed
# W₃(W₂(W₁x + b₁) + b₂) + b₃ = (W₃W₂W₁)x + (W₃W₂b₁ + W₃b₂ + b₃): three layers collapse into one
# matrix and one bias. `approximation.collapse_linear` computes that single layer; it gives the
# same outputs, up to float rounding:

# %%
torch.manual_seed(0)
stack = [torch.nn.Linear(2, 16), torch.nn.Linear(16, 16), torch.nn.Linear(16, 1)]
single = approximation.collapse_linear(stack)
X_check = torch.randn(1000, 2)
print(f"3 stacked layers: {sum(count_parameters(layer) for layer in stack)} parameters")
print(f"1 equivalent layer: {count_parameters(single)} parameters, {single}")
differ = int(((torch.nn.Sequential(*stack)(X_check) - single(X_check)).abs() > 1e-5).sum())
print(f"outputs on 1,000 random inputs that differ by more than 0.00001: {differ}")

# %% [markdown]
# So an "MLP" with `activation="linear"` can only draw a straight boundary, however deep, while
# the same network with ReLUs bends its boundary around the moons:

# %%
runs = approximation.linear_vs_nonlinear(moons, ["linear", "relu"], hidden=(16, 16, 16))
fig = plots.plot_boundaries({f"3 hidden layers, {a}: val acc {h.final():.2f}": m for a, (m, h) in runs.items()},
                           moons.X_train, moons.y_train)
plt.show()

# %% [markdown]
# ## 5. Universal approximation: existence, and does training find it?
#
# The lecture: "a network with just one hidden layer (and enough neurons) can approximate any
# continuous function, given enough data". The theorem (Cybenko 1989; Hornik et al. 1989;
# Leshno et al. 1993) says: for any continuous function on a closed, bounded interval and any
# tolerance, **some** one-hidden-layer network with a non-polynomial activation is that close.
#
# > **Slide check:** the slide says "given enough data". The theorem is about *existence*: it says
# > nothing about data, and nothing about whether gradient descent will *find* that network.
#
# ### How one hidden layer builds a curve
#
# With one input x, a hidden ReLU unit computes relu(w·x + b) = relu(w·(x − k)) with k = −b/w:
# zero on one side of its **kink** k and a straight ramp on the other, a **hinge**. The output
# layer multiplies each hinge by its weight and adds them up, plus a bias. So the output is a line
# that bends once at every kink: a one-hidden-layer ReLU network draws a *piecewise-linear*
# curve, with one bend per hidden unit.
#
# We can build such a network without any training: put the kinks evenly over [−π, π] (w = 1)
# and choose the output weights by **least squares**: the hinges are fixed, so the output is a
# linear regression on the hinge values, whose best weights (smallest squared error) come out of
# one linear solve in milliseconds. The target is sin(3x) + 0.5·cos(5x), known at 400 points.
#
# **Predict first.** With the kinks spread evenly, how many hidden units does the sum of hinges
# need to follow the target within 0.1 everywhere (max error below 0.1)?
# (a) about 4, (b) about 10, (c) about 30, (d) several hundred.

# %%
answer = ...  # "a", "b", "c" or "d"
exercises.check("01.hinges", answer)

# %% [markdown]
# Now move the slider (**hidden units**). Top: every unit's hinge, scaled by its least-squares
# weight: flat up to its kink, then a ramp. Bottom: their sum, which can bend only at the kinks
# (the ticks along the bottom), against the target (dashed). The first unit's kink sits at the
# left end, so it is a ramp over the whole interval: it sets the slope the sum starts with. A unit
# whose weight comes out near 0 leaves its kink unbent (at 4 units, the one at x = 0).

# %%
target = data.FUNCTIONS_1D["wiggly"]
hinge_explorer = approximation_plots.hinge_explorer(target, value=4)
hinge_explorer.show()

# %% [markdown]
# What to see: a few units give a few straight pieces that cut across the bumps. Each unit added
# is one more bend, and the sum hugs the target once every bump has several bends. Many hinges
# are steep ramps that largely cancel each other (several leave the frame): single units mean
# little, their sum is what fits. Least squares makes the *mean squared* error as small as these
# kinks allow. That does not make it fall with every unit: one more unit moves all the evenly
# spaced kinks, and the new ones can sit worse (6 units fit worse than 4, 12 worse than 10: the
# last two lines below). What is guaranteed is the error along doublings: the kinks of 2w units include every kink
# of w units, so least squares can always fall back on the smaller network's fit, and the error
# can only fall. The max error (the worst point) is not what least squares minimises: it can even
# rise at first (1 → 4 units). The error by width, along doublings:

# %%
print("hidden units | max error | mean squared error")
for width in (4, 8, 16, 32, 64, 128):
    net = approximation.fit_hinges(target, width)
    print(f"{width:12d} | {net.max_error:9.3f} | {net.mse:.2g}")
for small, large in ((4, 6), (10, 12)):  # kinks not nested: the larger net is not a superset
    print(f"not nested: {small} units MSE {approximation.fit_hinges(target, small).mse:.3f}, "
          f"{large} units MSE {approximation.fit_hinges(target, large).mse:.3f}")

# %% [markdown]
# From 8 units on, doubling the width cuts the max error about 3–4×: a straight piece of length h misses a smooth
# curve by about h². More units, closer fit, without limit: that is the theorem at work.
#
# ### Does training find it?
#
# So a network of 20 ReLUs within 0.18 of the target exists: we just built one (set the slider to
# 20 to see it). Does training
# find it? We now train **the same network**, 1 input, 20 ReLUs, 1 output (61 parameters), with
# Adam for 2,000 full-batch steps on **the same 400 points**, from PyTorch's random
# initialisation. Every parameter is trained, the kinks included: training has all the freedom
# our construction had, and more.
#
# **Predict first.** Its max error, compared with the built network's 0.18, will be:
# (a) smaller: training can also move the kinks; (b) about the same; (c) clearly larger: it
# misses part of the curve.

# %%
answer = ...  # "a", "b" or "c"
exercises.check("01.learnability", answer)

# %% tags=["nbval-ignore-output"]
# Trained numbers can differ in the last digit between CPUs: this output is not compared.
built = approximation.fit_hinges(target, 20)
trained = approximation.train_hinges(target, 20, num_steps=2000, lr=0.01, seed=0)
approximation_plots.plot_existence_vs_learnability(built, trained)
plt.show()
print(f"max error:          built {built.max_error:.2f}, trained {trained.max_error:.2f}")
print(f"mean squared error: built {built.mse:.4f}, trained {trained.mse:.3f} "
      f"({trained.mse / built.mse:.0f}x the built one)")
print(f"kinks inside [-pi, pi]: built {len(built.kinks_inside())}, trained {len(trained.kinks_inside())} "
      f"(right of x = 2: built {sum(built.kinks_inside() > 2)}, trained {sum(trained.kinks_inside() > 2)})")
loss_1000 = trained.losses[trained.steps.index(1000)]
print(f"training loss at step 1,000: {loss_1000:.4f}; at step 2,000: {trained.losses[-1]:.4f} "
      f"({1 - trained.losses[-1] / loss_1000:.1%} lower)")

# %% [markdown]
# What to see: the trained curve (dash-dot) follows the middle of the target but cuts straight
# across the last bump on the right, where none of its units bends (the ticks under the curves
# mark where each network bends: the built one evenly, the trained one only left of x ≈ 2). Its
# loss flattened out after a few hundred steps, far above the built network's: the last 1,000
# steps lowered it by only 0.3% (printed above). That is a **plateau**, not a proof of a minimum:
# a much longer run might still find a way down (from another start, the loss halved between
# steps 1,000 and 2,000). But at this pace more steps would not close a gap of about 60×, and a
# far better setting of the same 61 parameters exists: we built it.
#
# This is not one unlucky start: over twelve random starts the trained network's max error was
# 0.35–1.7, two to nine times the built network's (the course's tests re-run eight of them). In
# practice wider networks, other initialisations and optimiser settings narrow the gap; the
# theorem promises none of it.
#
# ## 6. Depth vs width
#
# "Some functions require exponential width in shallow nets but only modest depth." Here is one
# (Telgarsky 2016): the **tent map** t(z) = 2·relu(z) − 4·relu(z − ½) is a layer with two ReLUs.
# Composing it k times gives a k-layer network whose output zig-zags with **2ᵏ linear pieces**.
# A one-hidden-layer ReLU network with m units is piecewise linear with at most **m + 1** pieces
# (one bend per unit, as the hinges showed), so it needs at least 2ᵏ − 1 units to do the same.

# %%
approximation_plots.plot_tent_maps(ks=(1, 2, 3, 5))
plt.show()

print(" k | ReLUs in the deep net | linear pieces (counted) | ReLUs a 1-hidden-layer net needs")
for k in (3, 6, 10):
    pieces = approximation.count_linear_pieces(approximation.tent_network(k))
    print(f"{k:2d} | {2 * k:21d} | {pieces:23d} | {pieces - 1:8d}")
for m in (5, 20):
    pieces = approximation.count_linear_pieces(approximation.shallow_relu_net(m, seed=0))
    print(f"a random 1-hidden-layer net with {m} ReLUs has {pieces} linear pieces (at most {m + 1})")

# %% [markdown]
# ## 7. Memorisation, and when *not* to use an MLP
#
# ### Do MLPs memorise?
#
# The slide says "wide nets often memorise, deep nets learn patterns". An experiment in the
# spirit of Zhang et al. (2017) tests it. We shuffle the labels of the handwritten digits (8 × 8
# pixels, 10 classes, 1,077 training images) at random, so there is no pattern left to learn, and
# train three MLPs: wide and shallow (2 × 256), deeper (4 × 128), deep and narrow (6 × 64).
#
# **Predict first.** With random labels, the 2 × 256 net's training accuracy after 60 epochs ends:
# (a) near 0.1, chance: there is nothing to learn; (b) around 0.5: it learns some of them;
# (c) above 0.9: it memorises them.

# %%
answer = ...  # "a", "b" or "c"
exercises.check("01.memorise", answer)

# %% tags=["nbval-ignore-output"]
# Trained accuracies can differ in the last digit between CPUs: this output is not compared.
digits = data.load("digits")
settings = dict(lr=3e-3, batch_size=128, num_epochs=60, seed=0)
real = generalization.train_and_score(digits, hidden=(256, 256), **settings)
nets = {"2 × 256": (256, 256), "4 × 128": (128,) * 4, "6 × 64": (64,) * 6}
shuffled_digits = generalization.shuffle_labels(digits, seed=0)
shuffled = {name: generalization.train_and_score(shuffled_digits, hidden=hidden, **settings)
            for name, hidden in nets.items()}

generalization_plots.plot_memorisation(real, shuffled)
plt.show()
print("labels  | net     | parameters | train accuracy | test accuracy | epochs to train acc 0.9")
for labels, name, result in [("real", "2 × 256", real)] + [("random", n, r) for n, r in shuffled.items()]:
    curve = result["history"].train_metric
    epochs = next((i + 1 for i, acc in enumerate(curve) if acc >= 0.9), None)
    print(f"{labels:7s} | {name:7s} | {count_parameters(result['model']):10,d} | {result['train']:14.2f} | "
          f"{result['test']:13.2f} | {epochs if epochs else 'not in 60':>5}")

# %% [markdown]
# All three pass 90% **training** accuracy on labels that mean nothing. The test images keep their
# **real** labels, so the test accuracy is a measurement, not a foregone conclusion: had the nets
# learned anything about digits while memorising, it would rise above chance. It does not: all
# three score near chance (0.1). Depth is not what protects against memorising: the deep, narrow
# net memorises too. The wider nets, which here also have more parameters, get there fastest:
# over-parameterised nets are *easier* to fit, not harder.
#
# > **Slide check:** the slide says wide nets memorise while deep nets learn patterns, and that
# > flat loss landscapes make training unstable. Deep networks memorise too; over-parameterised
# > (wide) networks are usually *easier* to optimise; flat regions of the loss slow training
# > down, they do not make it unstable.
#
# ### A weak inductive bias: scramble the pixels, the MLP does not care
#
# The lecture says the MLP "doesn't assume inductive bias". More precisely its bias is weak and
# generic (it prefers smooth, low-frequency functions: Rahaman et al. 2019), and it knows nothing
# about images: shuffle the 64 pixels of every digit in one fixed random order and an MLP learns
# just as well, although a human could no longer read the digits. (A convolutional network,
# built to exploit neighbouring pixels, would lose that edge.)
#
# For an MLP this is guaranteed before we run anything: its first layer weighs every pixel with
# its own weight and ignores where the pixel sits. Scrambling the pixels only scrambles which weight
# meets which pixel, and a random start with its weights scrambled is just another random start.
# So the two accuracies below can differ only as two random starts differ.

# %%
scrambled = generalization.permute_features(digits, seed=0)
plain_acc = generalization.train_and_score(digits, hidden=(64, 64), num_epochs=20, seed=0)["test"]
scrambled_acc = generalization.train_and_score(scrambled, hidden=(64, 64), num_epochs=20, seed=0)["test"]
generalization_plots.plot_scrambled_pixels(digits, scrambled, plain_acc, scrambled_acc)
plt.show()

# %% [markdown]
# A gap of one test image out of 360 is seed noise, a tie. Over seeds 0, 1 and 2 the gaps were
# 1, 0 and 2 images, while the plain net's own accuracy moved by 3 images from one seed to another
# (0.958 to 0.967).

# %% [markdown]
# ### Tabular data: compare with a tree ensemble
#
# "Great for structured/tabular data" needs a caveat: on tabular benchmarks, gradient-boosted
# trees are usually as good or better, with less tuning (Grinsztajn et al. 2022; Shwartz-Ziv &
# Armon 2022). Always compare with one. On the small breast-cancer table the two are close: a
# few test samples apart (the figure counts them), which is within the noise of a 114-sample test
# set. The point is not who wins this one table; it is that the cheap, untuned baseline is about
# as good, so the MLP has to earn its place.

# %%
cancer = data.load("breast_cancer")
scores = {
    "MLP (2×64)": generalization.train_and_score(cancer, hidden=(64, 64), num_epochs=30, seed=0)["test"],
    "gradient boosting": generalization.boosting_baseline(cancer, seed=0),
}
generalization_plots.plot_tabular_baseline(scores, n_test=len(cancer.y_test))
plt.show()

# %% [markdown]
# ### Inside a Transformer, the MLP is the feed-forward block
#
# The slide says MLPs "could be used in more complex architectures like Transformers". They are in
# every one: each Transformer layer is an attention block, which mixes information *between* the
# positions of a sequence (tokens), followed by an MLP (`linear1`, an activation, `linear2`)
# applied to every token *on its own*. PyTorch's own Transformer layer, with 64 numbers per token:

# %%
layer = torch.nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=256, batch_first=True)
layer.eval()  # no dropout
mlp = torch.nn.Sequential(layer.linear1, torch.nn.ReLU(), layer.linear2)  # the layer's own MLP
print(mlp)
print(f"parameters: attention {count_parameters(layer.self_attn):,}, MLP {count_parameters(mlp):,} "
      f"({count_parameters(mlp) / count_parameters(layer):.0%} of the layer)")

torch.manual_seed(0)
tokens = torch.randn(1, 5, 64)  # one sequence of 5 tokens
edited = tokens.clone()
edited[0, 0] += 1.0  # change the first token only
with torch.no_grad():
    for name, block in [("MLP", mlp), ("whole layer", layer)]:
        changed = int(((block(edited) - block(tokens)).abs().amax(-1) > 0).sum())
        print(f"change token 1: the {name}'s output changes for {changed} of the 5 tokens")

# %% [markdown]
# The MLP treats each token separately (change one token and only that token's output moves);
# attention is what lets the tokens talk. With the usual 4× widening (here 256 = 4 × 64) the MLP
# holds two thirds of the layer's parameters: far from a beginner's model left behind, MLPs hold
# most of the weights of a Transformer's layers, in language models too.
#
# ### Not interpretable out of the box
#
# What does a hidden unit look for? Each unit of the first layer weighs the 64 pixels of a digit;
# drawn as an 8 × 8 image, its weights show which pixels push it up (orange) or down (blue).
# Here are 8 of the 256 first-layer units of the digit classifier trained above on real labels:

# %%
generalization_plots.plot_hidden_units(real["model"].body.block1.linear.weight, n_units=8)
plt.show()
print(f"this classifier has {count_parameters(real['model']):,} weights and biases")

# %% [markdown]
# None of them is a stroke or a part of a digit you could name: speckled patterns, and the
# answer is a sum over 256 such units, then 256 more in the next layer. No single weight says
# *why* the network answered "3". On a 2-D toy set each unit can be drawn as a map of the plane
# and read; with 64 (or 150,000) inputs, explaining a prediction takes extra tools (saliency
# maps, SHAP values, probes), and they explain only approximately.
#
# The lecture's other limitations stand: an MLP has a **fixed input size**, does not model
# **sequences or spatial structure** (we saw it ignore pixel order), has **many parameters**
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
# - One hidden ReLU layer draws a curve from hinges, one bend per unit: with enough units it fits
#   any continuous function (existence). Training a network of that size from a random start may
#   not find such a fit (learnability). Depth can buy exponentially more pieces than width.
# - MLPs, deep or wide, can memorise pure noise: training accuracy alone proves nothing, always
#   hold out data. Bigger, wider nets fit it fastest.
# - For tabular data, compare with gradient-boosted trees; for images and sequences, use
#   architectures whose inductive bias fits the data. Inside every Transformer layer an MLP
#   processes each token; its units are not readable without extra tools.
#
# ## Exercises
#
# The exercises of this notebook sit where they belong: the forward pass you write in section 1,
# and the **Predict first** cells of sections 5 and 7. Each gives a hint after a wrong attempt,
# more specific with each further one. Stuck? A worked solution is one call away, for example
# `exercises.solution("01.forward")` (the others: `"01.hinges"`, `"01.learnability"`,
# `"01.memorise"`).
