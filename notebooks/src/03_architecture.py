# %% [markdown]
# # 03 · Model architecture
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/training-nn-course/training-neural-networks/blob/main/notebooks/03_architecture.ipynb)
#
# *Training Neural Networks: Tips, Tricks, and Evaluation*, part 3 of 5.
#
# The lecture's architecture section, where every statement becomes a measurement you can run on
# a laptop CPU in seconds:
#
# 1. Layers and neurons: depth × width, parameters, and how much data a big net needs
# 2. Activation functions: plots, derivatives by autograd, and the table generated from code
# 3. Vanishing gradients: at initialisation and during training, and why the initialisation decides
# 4. Sparse and dead ReLUs, and Leaky ReLU
# 5. Residual connections
# 6. Batch normalization: written out and tested; is it "internal covariate shift"? And an
#    explorer that puts plain, residual and BatchNorm nets side by side at every depth
#
# Where the lecture's slides say something the evidence does not support, a paragraph starts with
# **Slide check:** it quotes the slide and shows what the measurement (or the paper) says instead.
#
# Some questions ask you to **predict** what an interactive figure will show *before* you move its
# control: answer in the cell, run it, then check with the figure.
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


# %% tags=["nbval-ignore-output"]
# Library versions differ between machines, so this cell's output is not compared by the tests.
import matplotlib.pyplot as plt
import numpy as np
import torch

from course_lib import activations, data, exercises, runtime, style
from course_lib.architecture import (
    activation_plots,
    batchnorm,
    capacity,
    diagnostics,
    residual,
    signals,
    standardization,
    trainability,
    trainability_plots,
)

runtime.setup(seed=0)  # seeds, one CPU thread (fastest for small models), prints versions
style.use_style()

# %% [markdown]
# ## 1. Layers and neurons: depth × width
#
# "How many layers, how many neurons?" is the first architecture decision. More layers and more
# neurons mean more **parameters**, so more **capacity**: the network can draw more complicated
# decision boundaries. On *little* data, capacity beyond what the problem needs is spent on
# fitting the noise of the training points.
#
# We train nine MLPs (1, 2 or 4 hidden layers of 2, 16 or 128 ReLU neurons) on only 100 noisy
# two-moons points, each for 400 Adam steps on mini-batches of 30. To *measure* generalisation
# precisely we keep 800 points for validation (one point is 0.00125 of accuracy; with a validation
# set of only 30 points one point would be 0.033, more than the differences we look at).

# %%
moons = data.load("moons", n_samples=1000, noise=0.35, val_size=0.8, test_size=0.1, seed=0)
sweep = capacity.depth_width_sweep(moons, depths=(1, 2, 4), widths=(2, 16, 128), num_steps=400, batch_size=30,
                                   seed=0)
print(moons)
print("parameters (rows: depth 1, 2, 4; columns: width 2, 16, 128):")
print(sweep.params)

# %%
fig = capacity.plot_boundaries(sweep, moons, resolution=60)
plt.show()

# %% [markdown]
# Read the grid from the top-left corner (dots: the 100 training points; black line: the decision
# boundary). Two neurons in one layer can only draw a nearly straight line. The smaller nets
# validate at 0.82–0.84: from 100 points this noisy, no net here gets much above 0.85 on new points,
# so the simplest nets are not far behind (a difference of 0.01 is 8 of the 800 validation points,
# within the noise). The bigger nets (4×16, 2×128, 4×128: up to 50,049 parameters for 100 points)
# bend their boundary around individual noisy points: **training** accuracy rises to 0.93–0.98
# while **validation** accuracy *falls* to 0.73–0.80: they *overfit*. (Over seeds 0–4 the 2×128 net
# always does, training to 0.97–0.99 and validating at 0.74–0.80; the 4×128 net does not always fit
# its 100 points within 400 steps.)

# %% tags=["nbval-ignore-output"]
fig, ax = plt.subplots(figsize=style.figsize(4.0))
capacity.plot_accuracy(sweep, ax)
plt.show()
small, big = (0, 0), (2, 2)
print(f"smallest net (1×2):   train {sweep.train_accuracy[small]:.2f}, validation {sweep.val_accuracy[small]:.2f}")
print(f"biggest net (4×128):  train {sweep.train_accuracy[big]:.2f}, validation {sweep.val_accuracy[big]:.2f}")
print(f"best 16-neuron net:   validation {sweep.val_accuracy[:, 1].max():.2f}")

# %% [markdown]
# ### Balance width with dataset size
#
# The lecture says the number of neurons "should be balanced with dataset size". So far we used one
# size, 100 points. Here 2-layer nets of 8, 32 and 128 neurons train on 100 and on 1,000 points of
# a larger draw of the same noisy moons, and are validated on the same 811 other points:

# %% tags=["nbval-ignore-output"]
big_moons = data.load("moons", n_samples=3000, noise=0.35, val_size=0.27, test_size=0.06, seed=0)
sizes = capacity.data_size_sweep(big_moons, sizes=(100, 1000), widths=(8, 32, 128), seed=0)
fig = capacity.plot_size_sweep(sizes)
plt.show()
for i, n in enumerate(sizes.sizes):
    print(f"{n:>5} training points: train − validation = "
          + ", ".join(f"{round(g, 2) + 0.0:+.2f} ({w} neurons)"  # + 0.0 turns −0.00 into +0.00
                      for w, g in zip(sizes.widths, sizes.gap[i], strict=True)))

# %% [markdown]
# On 100 points the 128-neuron net fits its training set almost perfectly and validates worse than
# it trains by well over 0.1; on 1,000 points the same net has no such gap and validates as well as
# the best. How wide a net your data can support grows with the data. Depth and width are
# hyperparameters to *tune against validation data* (notebook 04), not "the more the better". The
# rest of this notebook is about what makes *deep* networks trainable at all.
#
# ## 2. Activation functions
#
# Without a non-linear activation, any stack of layers is one linear layer (notebook 01). The
# lecture's table lists the common choices with their derivatives and ranges. Here every function
# is the PyTorch module, and every derivative is computed by **autograd** (`activations.derivative`)
# instead of being typed in. GELU, the default of Transformers, is added.

# %%
fig = activation_plots.plot_activations(["linear", "step", "sigmoid", "tanh", "relu", "softplus",
                                         "leaky_relu", "elu", "gelu"])
plt.show()

# %% [markdown]
# ### The table, generated from code
#
# `activations.activation_table()` **measures** each range on wide float64 grids (a bound is
# infinite when it keeps growing as the grid widens; `[` means the bound is reached), takes f′(0)
# from autograd, and checks the slide's derivative formula against autograd everywhere but at 0.

# %%
rows = activations.activation_table()
print(activations.format_table(rows))

# %% [markdown]
# **Slide check:** the slide's derivative formulas are all right ("formula ok"), but three ranges in
# its table are wrong:
#
# - **Softplus** ln(1 + eˣ) has range **(0, ∞)**, not (0, 1): it is a smooth ReLU. Its
#   *derivative*, the sigmoid, is what lies in (0, 1).
# - **Leaky ReLU** has range **(−∞, ∞)**, not (−1, 1): 0.01·x is unbounded below.
# - **ELU** α(eˣ − 1) has range **(−α, ∞)**, i.e. (−1, ∞) for α = 1, not [0, ∞): its negative
#   outputs are the point of ELU (they push the mean activation toward 0).
#
# One entry needs a comment but is not an error: **ReLU′(0)** is "undefined" on the slide, which is
# mathematically right (ReLU has a kink at 0). A framework must still return *a* number: PyTorch's
# autograd returns **0** (the measured f′(0) above), a convention. The same holds for step′(0)
# (PyTorch: 0) and Leaky ReLU′(0) (the slide writes 1, PyTorch gives the left slope 0.01).
#
# Note sigmoid's largest derivative: **0.25**. Remember it for section 3.
#
# ## 3. Vanishing gradients
#
# Four MLPs with 10 hidden layers of width 64, trained the same way on the digits (8 epochs of SGD
# with momentum 0.9, lr 0.02, batches of 32): sigmoid, tanh and ReLU under PyTorch's default
# `nn.Linear` init, and ReLU under **He init** (weights drawn from N(0, 2/fan_in), He et al. 2015).
# Same data, same optimiser, same number of layers:

# %% tags=["nbval-ignore-output"]
digits = data.load("digits")
act_runs = trainability.activation_runs(digits, depth=10, num_epochs=8, seed=0)
fig = trainability_plots.plot_activation_runs(act_runs, chance=1 / digits.num_classes, depth=10)
plt.show()
print("final validation accuracy: "
      + "; ".join(f"{label}: {h.final('val_metric'):.2f}" for label, h in act_runs.items()))

# %% [markdown]
# Sigmoid and default-init ReLU never leave chance (0.1 for ten digits): their loss stays flat at
# ln 10 ≈ 2.3. Tanh learns, slowly, after a few flat epochs. ReLU with He init learns from the first
# epoch (its curve is bumpy: for it, lr 0.02 with momentum is a large step). What differs between
# these nets already at initialisation, before any step is taken?
#
# Backpropagation multiplies, layer after layer, by the weights and by the activation's derivative.
# If those factors are below 1, the gradient reaching the first layers shrinks geometrically and
# those layers barely learn: the gradient **vanishes**. We measure it: the norm of ∂loss/∂W for every
# weight matrix at initialisation, on one batch of 256 digits. The 10 hidden layers plus the output
# layer make **11 weight matrices, so 11 points** per curve.

# %%
acts = ("sigmoid", "tanh", "relu", "gelu")
fig = diagnostics.plot_flow_panels({
    f"10 hidden layers, {name} init": {a: diagnostics.gradient_flow(digits, 10, a, init) for a in acts}
    for init, name in (("default", "default"), ("he", "He"))})
plt.show()

# %% [markdown]
# The ratio ‖∇W_first‖ / ‖∇W_last‖ (layer 1 over layer 11) summarises each line: near 1, every layer
# gets a gradient of the same size; far below 1, the gradient vanishes on its way to the input. The
# table gives the ratio for three initialisations (Xavier init, designed for tanh, draws w with
# variance 2/(fan_in + fan_out)) and names its order of magnitude:

# %%
inits = ("default", "xavier", "he")
ratios = diagnostics.flow_ratios(digits, 10, acts, inits)
print(diagnostics.flow_table(ratios, inits, depth=10))
relu_30 = {init: diagnostics.gradient_flow(digits, 30, "relu", init) for init in ("default", "he")}
print("\nReLU at depth 30: first/last = "
      + ", ".join(f"{diagnostics.gradient_ratio(n):.2g} ({init} init)" for init, n in relu_30.items()))

# %% [markdown]
# The gradients explain the curves: sigmoid's first layer receives almost nothing, default-init
# ReLU's a much weakened gradient (see the table), and those nets did not train. Tanh's gradient flows at depth 10 under all three inits (its
# derivative is 1 at 0, not 0.25). For ReLU (and GELU) the **initialisation** decides: with
# PyTorch's default init the gradient already weakens at depth 10 and vanishes at depth 30, while He
# init keeps it flowing.
#
# ### Is sigmoid doomed? A sigmoid net is a rescaled tanh net
#
# Sigmoid's gradient vanished under all three inits of the table, and its derivative is at most 0.25.
# But σ(2z) = (1 + tanh z) / 2: whatever a tanh net computes, a sigmoid net computes too, with its
# weights rescaled. Take the tanh net's Xavier weights W: a hidden layer after a sigmoid gets 4·W and
# a **centring bias** −2·W·1 (it removes the 0.5 that every sigmoid output carries), the first and
# the output layer get 2·W (`signals.tanh_equivalent_`). This sigmoid net has exactly the tanh net's
# outputs, and its gradient flows like the tanh net's. The figure splits the measurement into its
# two signals (as in CS231n): per hidden layer, the **forward** signal (how much the layer's outputs
# h vary across the examples of the batch: their standard deviation, averaged over units) and the
# **backward** signal ‖∂loss/∂h‖; the right panel is the ‖∂loss/∂W‖ of the table.

# %%
sigmoid_inits = {"sigmoid, Xavier init": signals.flow_signals(digits, 10, "sigmoid", "xavier"),
                 "sigmoid, tanh-equivalent init": signals.flow_signals(digits, 10, "sigmoid", "tanh-equivalent"),
                 "tanh, Xavier init": signals.flow_signals(digits, 10, "tanh", "xavier")}
fig = signals.plot_signals(sigmoid_inits, title="10 hidden layers at initialisation")
plt.show()
for label, s in sigmoid_inits.items():
    print(f"{label:<30} ‖∇W‖ first/last = {s.ratio:.0e}, ‖∂loss/∂h‖ first/last = {s.backward_ratio:.0e}")

# %% [markdown]
# With Xavier weights, sigmoid's slope (at most 0.25) shrinks both signals about fourfold per layer:
# Xavier's variance was derived for tanh, whose slope at 0 is 1. The ×4 weights make up for the
# slope, and the centring biases keep every unit near 0, where the slope is largest (without them,
# ×4 weights on outputs around 0.5 push the units into saturation, and the ratio falls to
# 2e-3–4e-3 at depth 10). Rescaled and centred, the sigmoid net passes the backward signal exactly as the
# tanh net does (the two backward ratios are equal) and its ‖∇W‖ ratio is about 1. So a sigmoid
# gradient vanishes under the usual inits, not under every init. Sigmoid is still a poor hidden
# activation in practice: tanh does the same job without the rescaling, and ReLU-like units do not
# saturate at all.
#
# ### One ratio, two signals
#
# Why split the signals? ‖∂loss/∂W_k‖ is made of both: the gradient of a weight matrix is the
# backward signal at its output times its *input*, the forward signal. The ratio can hide a dead
# net. ReLU, PyTorch's default init, 30 hidden layers, once with its default biases and once with
# every bias set to 0:

# %%
relu_biases = {"ReLU, default init": signals.flow_signals(digits, 30, "relu", "default"),
               "ReLU, default init, zero biases": signals.flow_signals(digits, 30, "relu", "default",
                                                                       zero_biases=True)}
fig = signals.plot_signals(relu_biases, title="30 hidden layers at initialisation")
plt.show()
for label, s in relu_biases.items():
    print(f"{label:<32} ‖∇W‖ first/last = {s.ratio:.0e}, largest ‖∇W‖ = {max(s.weight_grad):.0e}")

# %% [markdown]
# With zero biases the ratio is about 1, the verdict of a healthy net, yet every ‖∇W‖ is about
# 10⁻¹²: the forward signal shrinks layer after layer (the last hidden layer's outputs barely vary,
# so the output ignores the input), the backward signal shrinks on its way back, and the two
# shrinkings cancel in the ratio. With the default biases the last layers' outputs stay large (their
# biases set them, the same for every example, so their spread in the left panel is still tiny), so
# ‖∇W_last‖, which scales with the input's size, stays large and the ratio shows the vanishing. Read a gradient ratio
# together with the two signals.
#
# ### Why the default init shrinks the signal and He init keeps it
#
# One line of variance bookkeeping. Going back through a layer of n units (here every hidden layer
# has n = 64 inputs and outputs), each unit's gradient is f′ times a sum of n terms
# weight × gradient, so its variance is multiplied by **n · Var(w) · E[f′²]**. For ReLU, f′ is 1
# on about half the inputs and 0 on the rest, so E[f′²] = ½.
#
# - PyTorch's default draws w from U(−1/√n, 1/√n), whose variance is 1/(3n):
#   the factor is n · 1/(3n) · ½ = **1/6** per layer, so the gradient's size (its standard
#   deviation) shrinks by √(1/6) ≈ **0.41** per layer, and 0.41³⁰ ≈ 10⁻¹².
# - He init draws w from N(0, 2/n): the factor is n · 2/n · ½ = **1**: nothing shrinks.
#
# The measured average factor per layer of the two 30-layer nets above:

# %%
for init, norms in relu_30.items():
    print(f"ReLU, {init} init: the gradient norm changes by × {diagnostics.layer_factor(norms):.2f} per layer")

# %% [markdown]
# Close to the predicted 0.41 and 1. (The one-line argument leaves out the biases, and the size of
# each layer's input, which also enters ‖∂loss/∂W‖: hence 0.47 rather than 0.41.)
#
# **Predict before you explore.** The explorer below draws the three signals of one setting. At
# depth 10 tanh's gradient flowed under all three initialisations. At depth 30, tanh, default init, the
# gradient on its way to the first layer... **a)** flows as at depth 10: first/last above 1e-2;
# **b)** weakens: first/last between 1e-4 and 1e-2; **c)** vanishes: first/last below 1e-4.
# Put the letter of your prediction in place of the `...` and run the cell.

# %%
answer = ...  # "a", "b" or "c"
exercises.check("03.tanh_depth30", answer)

# %% [markdown]
# Then set the explorer to depth 30, tanh, default, and move the other controls: activation,
# initialisation (tanh-equivalent rescales a sigmoid net; for the other activations it is Xavier),
# skip connections (section 5) and BatchNorm (section 6). A forward spread of exactly 0 (every
# example gives the same float32 output) is drawn as ▼ on the panel's floor.

# %%
flow_explorer = signals.flow_explorer(digits, depth=20, activation="sigmoid", init="default")
flow_explorer.show()

# %% [markdown]
# ## 4. Sparse and dead ReLUs
#
# A ReLU outputs exactly 0 for negative inputs. At He initialisation about half the units are
# off for any given input: the representation is **sparse**.

# %%
model = diagnostics.deep_mlp(digits, 2, "relu", "he", seed=0)
zeros = diagnostics.zero_fraction(model, digits.X_train)
print("fraction of exact zeros after each ReLU layer:", [round(z, 1) for z in zeros])

# %% [markdown]
# A unit whose input is negative for **every** training example is **dead**: its gradient is 0
# everywhere, so its incoming weights never change again. A too-large learning rate can push
# many units there for good. We train a 64-64 MLP with Adam for 5 epochs at learning rates from
# 0.001 to 0.1 and count the units of its last hidden layer that are dead, for ReLU, Leaky ReLU
# and GELU. **Dead** is measured as |f′(input)| ≤ 10⁻⁶ on *every* training input: for ReLU that
# is f′ = 0 exactly, but GELU's derivative is never exactly 0, only vanishingly small.
#
# **Predict first.** Leaky ReLU cannot die (its slope is 0.01 for negative inputs). GELU is also
# said to avoid dead neurons. At lr 0.1, what share of the GELU units will be dead? **a)** none,
# like Leaky ReLU; **b)** a few, under 20%; **c)** a large share, like ReLU.

# %%
answer = ...  # "a", "b" or "c"
exercises.check("03.gelu_dead", answer)

# %% tags=["nbval-ignore-output"]
dead = diagnostics.dead_units_vs_lr(digits, (1e-3, 3e-3, 1e-2, 3e-2, 1e-1), ("relu", "leaky_relu", "gelu"),
                                    num_epochs=5, seeds=(0,))
fig = diagnostics.plot_dead_units(dead)
plt.show()
print("dead fraction at lr " + ", ".join(f"{lr:g}" for lr in dead.lrs))
for act, fractions in dead.dead.items():
    print(f"{act:<11} " + ", ".join(f"{d:.2f}" for d in fractions[0]))

# %% [markdown]
# Look inside one layer: each bar is a unit, its height the share of training inputs that let a
# gradient through it; a dead unit has no bar and is marked ✕ (a bar too short to see, like the
# first one at lr 0.001, is a unit that passes a gradient on a handful of inputs: nearly dead, not
# dead). Move the learning rate (each value trains once, in about a second, then is remembered) and
# switch the activation:

# %%
dead_explorer = diagnostics.dead_units_explorer(digits, lrs=(1e-3, 3e-3, 1e-2, 3e-2, 1e-1), activation="relu")
dead_explorer.show()

# %% [markdown]
# Leaky ReLU's slope 0.01 for negative inputs means its gradient is **never** zero, so no unit can
# die. GELU's derivative also tends to 0 for very negative inputs (|f′| is below our 10⁻⁶
# threshold beyond about −5.5): at lr 0.1 most GELU units ended up there on every training input.
#
# **Slide check:** the slide says GELU helps "avoid dead neurons"; at a too-large learning rate
# GELU units die as well. The slide also says ReLU's sparsity means "faster learning": ReLU
# networks learn faster mainly because ReLU does not **saturate** (its derivative does not fade for
# large inputs, Krizhevsky et al. 2012). And a sparse layer is not a dead one: a dead unit is off
# for *every* input.
#
# ## 5. Residual connections
#
# Section 3's nets had 10 hidden layers. How deep can a plain ReLU net go? We train plain nets of 2,
# 5, 10, 20 and 30 hidden layers of 64 units (SGD with momentum, lr 0.05, 4 epochs, batches of 64),
# once with PyTorch's default init and once with He init, the init that keeps the gradient's size at
# initialisation (section 3). The same call also trains the nets that this section and the next
# introduce (25 trainings, a few seconds); first, only the plain ones:

# %%
depth_runs = trainability.depth_sweep(digits, depths=(2, 5, 10, 20, 30), seed=0)
fig = trainability_plots.plot_depth(depth_runs, 30, arms=("plain", "plain, He init"))
plt.show()

# %% [markdown]
# Left: the nets with 30 hidden layers, epoch by epoch; right: where each net ends at every depth
# (the grey line marks 30; dotted: chance). With the default init the plain net drops to about
# half-trained at 5 layers and sits at chance from 10 layers on: its gradient vanishes (section 3).
# He init helps up to 10 layers, then the plain net falls back toward chance: over seeds 0–4 it ends
# at 0.72–0.89 with 10 layers but at 0.10–0.28 with 30. A better init is not enough to train 30
# plain layers in 4 epochs (a smaller learning rate does not rescue it either: over the grid lr
# 0.001–0.05, whose best value lies inside it, it reaches at most 0.36 on seeds 0–3).
#
# A **residual block** adds its input to the output of its layers: it outputs H(x) = F(x) + x, so
# its layers learn the **residual F(x) = H(x) − x** (He et al. 2016, eq. 1). If the best thing a
# block can do is nothing, its layers only have to learn F = 0.
#
# **Slide check:** the slide says the model "learns a residual F(x) + x". F(x) + x is what the
# block *outputs*; the residual it learns is F(x) = H(x) − x.
#
# Our `resnet.residual_mlp` follows the paper's basic block: two layers, then the skip, then the
# activation, H(x) = relu(x + F(x)). It has exactly the same layers and parameters as the plain
# MLP. The residual nets of the same sweep, beside the plain ones:

# %%
fig = trainability_plots.plot_depth(depth_runs, 30, arms=("plain", "plain, He init", "residual",
                                                          "residual, He init"))
plt.show()

# %% [markdown]
# With the default init the residual net ends above 0.9 at every depth (0.90–0.94 with 30 layers
# over seeds 0–4), where both plain nets fail. With He init the residual net **diverges** from 20
# layers on: He init keeps each layer's output as large as its input, and the skip then *adds* the
# branch's output to the input, so the signal grows at every block (at initialisation the spread of
# the last layer's outputs is about 55 to 90 times the first's at 30 layers, seeds 0–1). Skips need an
# init that allows for them: PyTorch's default shrinks each branch, and deep ResNets put BatchNorm
# in the branch or start each branch at zero by setting its last BatchNorm's γ to 0 (Goyal et al.
# 2017; Fixup, Zhang et al. 2019, zeroes the branch's last layer without BN).
#
# ### Does the gradient pass the skip "unchanged"?
#
# The usual argument: the derivative of x + F(x) is 1 + ∂F/∂x, so even when ∂F/∂x vanishes the
# gradient passes the identity path unchanged. That is exact only for a block that *outputs*
# x + F(x). He et al.'s original block outputs **relu(x + F(x))**: the ReLU after the sum multiplies
# the gradient by 0 for every unit whose sum is negative, so it gates the identity path. The
# **pre-activation** block of their follow-up paper ("Identity mappings in deep residual networks",
# He et al. 2016) moves the activations inside F and outputs x + F(x): there the identity path is
# exact. Both, measured at initialisation, 30 hidden layers:

# %%
flows = residual.identity_flow(digits, depth=30, init="default", seed=0)
fig = residual.plot_identity_flow(flows, depth=30)
plt.show()

# %% [markdown]
# Both skips rescue the gradient from the plain net's × 0.47 per layer: on this log scale their two
# lines lie almost on top of each other. The legend's factors tell them apart: the gated block loses
# a little at every layer (× 0.96, a bit below 1); the pre-activation block keeps the gradient's
# size almost exactly (× 0.99), as the 1 + ∂F/∂x argument says. In practice both train; the pre-activation
# block was what let He et al. train a 1001-layer network.
#
# **The paper's own nuance.** He et al. trained their plain nets *with batch normalization* and
# found that their gradients did not vanish; they wrote that the *degradation* of deep plain nets
# (a deeper net training worse than a shallower one) is "unlikely to be caused by vanishing
# gradients", and argued that skips make the *optimisation* easier. Skips are also no licence for
# unlimited depth: their 1202-layer network trained fine but tested worse than the 110-layer one.
# Why exactly skips help is still studied (an ensemble of shallow paths, Veit et al. 2016; less
# "shattered" gradients, Balduzzi et al. 2017).
#
# ## 6. Batch normalization
#
# ### First, input standardisation
#
# **Slide check:** the slide's formula X = (X − mean)/std and its "loss landscape before/after
# normalisation" pictures are **input standardisation**: done once, on the input features, with the
# statistics of the whole training set (`data.load` does it for every dataset of this course).
# Batch normalization is something else (next). The picture the slide should have had: gradient
# descent on a linear regression with two features, one measured in units ten times larger than
# the other, and the same features standardised. Both runs take 25 steps, each with a learning
# rate of 1.5 / (the bowl's steepest curvature): large, but below 2 / curvature, where gradient
# descent would diverge.

# %%
paths = standardization.bowls(num_steps=25, seed=0)
fig = standardization.plot_bowls(paths)
plt.show()
for label, path in paths.items():
    print(f"{label:<22} loss {path.losses[0]:.2f} → {path.losses[-1]:.4f} in 25 steps, "
          f"{100 * standardization.distance_left(path):.0f}% of the distance to the minimum left")

# %% [markdown]
# On raw features the bowl is a long narrow valley (left): the learning rate that is safe across the
# steep direction (w₂) is tiny along the shallow one (w₁), so gradient descent first zig-zags across
# the valley and then crawls along it: the loss drops fast (the steep direction is settled first),
# yet much of the way along w₁ is still ahead. Standardised, the bowl is round (right): one learning
# rate suits every direction, and the path heads for the minimum (★; ■ is the start) along a straight
# line. It does not stop there: a step of 1.5 / curvature is half a step too long, so the first step
# lands past the minimum, at half the starting distance, and every later step halves the distance again
# from alternating sides. In 25 steps that is a factor of 2²⁵: nothing is left.
# (The target is y = x₁ + x₂/10 plus noise, so the best weights are (1, 0.1) on the raw features and
# about (1, 1) once x₂ is divided by its spread of 10. Both runs start at w = (−1, −1), which is a
# worse model on the raw features: hence the different starting losses.)
#
# ### What BatchNorm computes
#
# **Batch normalization** (Ioffe & Szegedy 2015) is a *layer* inside the network. For each unit, in
# **training** mode it uses the current mini-batch's mean μ_B and variance σ²_B, then a learned
# scale γ and shift β:
#
# y = γ · (x − μ_B) / √(σ²_B + ε) + β
#
# and it keeps running averages of μ_B and σ²_B. In **evaluation** mode it uses those running
# statistics instead, so a prediction no longer depends on the other examples of the batch.
#
# Here is the training-mode forward pass, written out: it is the function that the library's
# `batchnorm.BatchNorm` layer calls in `train()` mode.

# %%
def batch_norm_train(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, running_mean: torch.Tensor,
                     running_var: torch.Tensor, momentum: float = 0.1, eps: float = 1e-5) -> torch.Tensor:
    """BatchNorm in training mode: normalise with the batch's statistics, update the running ones."""
    n = x.shape[0]
    mean = x.mean(dim=0)  # μ_B: one mean per feature, over the batch
    var = x.var(dim=0, unbiased=False)  # σ²_B: the batch's (biased) variance
    x_hat = (x - mean) / torch.sqrt(var + eps)  # every feature: mean 0, variance 1
    y = gamma * x_hat + beta  # learned scale γ and shift β
    with torch.no_grad():  # running statistics for eval mode: move 10% (momentum) toward the batch's
        running_mean.lerp_(mean, momentum)
        running_var.lerp_(var * n / (n - 1), momentum)  # the unbiased variance, as nn.BatchNorm1d
    return y


x = 3 * torch.randn(16, 4) + 2  # a batch of 16 examples, 4 features with mean 2 and std 3
running_mean, running_var = torch.zeros(4), torch.ones(4)
y = batch_norm_train(x, torch.ones(4), torch.zeros(4), running_mean, running_var)
reference = torch.nn.BatchNorm1d(4).train()
print("per feature, mean of y:", [round(v, 2) + 0.0 for v in y.mean(0).tolist()],
      "| std of y:", [round(v, 2) for v in y.std(0, unbiased=False).tolist()])
differences = {"output": y - reference(x), "running mean": running_mean - reference.running_mean,
               "running var": running_var - reference.running_var}
print("largest difference from nn.BatchNorm1d: "
      + ", ".join(f"{what} {d.abs().max():.6f}" for what, d in differences.items()))

# %% [markdown]
# The same check for the library's layer, over several batches, and for the gradients autograd
# computes through it (γ and β are learned, so their gradients matter too):

# %%
diff = batchnorm.check_against_torch(num_features=6, batch_size=16, num_batches=5, seed=0)
for what, d in diff.items():
    print(f"{what:<13} {'same as nn.BatchNorm1d (difference < 1e-4)' if d < 1e-4 else f'DIFFERS by {d:.2g}'}")

# %% [markdown]
# ### `train()` vs `eval()`
#
# In training mode an example's output depends on its batch companions; in evaluation mode it does
# not. Feed the same image (example 0 of the training set) with two different sets of 32
# companions:

# %%
bn = batchnorm.BatchNorm(digits.in_features)
for _ in range(20):  # a few training batches fill the running statistics
    bn.train()(digits.X_train[torch.randperm(len(digits.X_train))[:64]])
dependence = batchnorm.batch_dependence(bn, digits.X_train[:65], seed=0)
print(f"train(): the output for example 0 changes by up to {dependence['train']:.2f} with its batch")
print(f"eval():  the output for example 0 changes by {dependence['eval']:.2f} (it ignores the batch)")
print("parameters (γ, β):", [n for n, _ in bn.named_parameters()],
      "| buffers:", [n for n, _ in bn.named_buffers()])

# %% [markdown]
# Forgetting `model.eval()` before evaluating a BN network is a classic bug: predictions then
# depend on the batch (and a batch of one example fails in training mode).
#
# ### Less sensitive to learning rate and initialisation
#
# An 8-layer ReLU MLP (width 64), SGD with momentum for 3 epochs on digits, at six learning rates
# and three initialisation scales (PyTorch's default weights multiplied by 0.5, 1 or 3; He init would
# be about 2.45, since its standard deviation is √6 times the default's), without and with a BN layer
# after every linear layer: 36 trainings, a few seconds.

# %% tags=["nbval-ignore-output"]
grid = batchnorm.lr_init_grid(digits, lrs=(0.003, 0.01, 0.03, 0.1, 0.3, 1.0), init_scales=(0.5, 1.0, 3.0),
                              depth=8, num_epochs=3, seed=0)
fig = batchnorm.plot_grid(grid, threshold=0.8)
plt.show()
print(grid.summary(threshold=0.8))

# %% [markdown]
# Without BN, this net learns only from the large initialisation, only at small learning rates, and
# not to 0.8 in 3 epochs; at large learning rates it diverges (hatched cells). With BN most of the grid works, from every
# initialisation. The benefit is real (Santurkar et al. 2018 and many others).
#
# ### Is it "internal covariate shift"?
#
# **Slide check:** the slide explains BN's benefit by *internal covariate shift*: the distribution
# of each layer's inputs keeps shifting as the earlier layers learn, and BN helps by removing this
# shift. Santurkar et al. (2018) tested this explanation and found it does not hold. Here is their
# test.
#
# They **injected** covariate shift right after every BN layer: a fresh random scale and offset per
# unit at every training step, so the next layer's inputs shift *more* than those of the
# default-init net without BN (compare the per-step movements printed below). If removing
# the shift were why BN helps, this network should train no better than one without BN.
#
# The test only says something at a learning rate where BN matters: at a small one every net trains
# and the comparison cannot tell the explanations apart. So we use a column of the grid where every
# net without BN fails and BN reaches 0.8 from every init scale, and train 8-layer nets for 5 epochs with SGD and momentum at **lr 0.1**, and measure at
# every step how far the input distribution of layer 5 moves (the change in its per-unit mean and
# standard deviation, relative to the standard deviation):
#
# - **without BN**, with PyTorch's default init (the grid's net) and, side by side, with He init;
# - **with BN** (default init);
# - **BN + injected shift** (default init).

# %% tags=["nbval-ignore-output"]
shift_runs = batchnorm.covariate_shift_experiment(digits, lr=0.1, num_epochs=5, depth=8, layer=5, seed=0)
fig = batchnorm.plot_covariate_shift(shift_runs)
plt.show()
for label, (h, change) in shift_runs.items():
    result = "diverged" if h.diverged else f"validation accuracy {h.final('val_metric'):.2f}"
    print(f"{label:<25} {result:<26} inputs of layer 5 move {np.median(change):.2f} per step "
          "(median over steps, relative)")

# %% [markdown]
# At this learning rate neither net without BN trains: with the default init it sits at chance, with
# He init it diverges (on 5 of 8 seeds; on the other three it ends at 0.11–0.60). With BN the net
# reaches about 0.95. BN does remove most of the shift: its layer-5 inputs move about four times less
# per step than those of the default-init net without BN (medians over the steps). The injected-shift
# net's inputs move about three times *more* than that net's (right), yet it reaches 0.81–0.92 on every one of seeds 0–7,
# far above both nets without BN. The injected shift does cost something against plain BN (0.03 to
# 0.15 of accuracy, depending on the seed), but nothing like the failure the covariate-shift
# explanation predicts.
#
# So, here as in Santurkar et al.'s experiments, reducing internal covariate shift is not what makes
# BN work: a BN net with injected shift still trains where the nets without BN fail. Santurkar et
# al. found instead that BN makes the loss **smoother** (gradients change less from step to step),
# which allows larger learning rates (Bjorck et al. 2018 agree); this notebook measured the larger
# usable LR (the grid above), not the smoothness itself. Its mild
# regularisation comes from the noise of batch statistics.
#
# ### Putting it together: plain, residual and BatchNorm nets at every depth
#
# Section 5's sweep trained one more kind of net alongside the plain and residual ones: the plain net
# with a BN layer after every linear layer (no skips, default init). The explorer below shows all of
# them at each depth (precomputed, so the slider redraws at once).
#
# **Predict first.** You have seen the plain nets fail at 30 layers under both inits and the
# default-init residual net above 0.9 at every depth (section 5), and BN making an 8-layer net train from every
# init scale of the grid above. Now the BatchNorm net with 30 hidden layers, trained for the same
# 4 epochs: **a)** it reaches 0.8 validation accuracy or more, like the residual net; **b)** it ends
# well below 0.8, far behind the residual net; **c)** it diverges (its loss turns NaN). Answer, then
# run the explorer and move its slider to 30 (its right panel fills in up to the depth you choose).

# %%
answer = ...  # "a", "b" or "c"
exercises.check("03.depth30_trains", answer)

# %%
depth_explorer = trainability_plots.depth_explorer(depth_runs, depth=10)
depth_explorer.show()

# %% [markdown]
# Skips keep the default-init net trainable at every depth. BatchNorm rescues the plain net at 10
# layers, but deeper BN chains end far lower, and their gradient does not vanish: at initialisation
# it *grows* toward the input (try the flow explorer above with relu, default init, BN, depth 30),
# the gradient explosion of deep BN nets without skips (Yang et al. 2019). This is what He et al. saw with their plain BN nets, and
# why modern deep networks combine the two: residual blocks *with* normalisation inside.
#
# ## Takeaways
#
# - Depth and width set the capacity. On little data, more parameters fit the training set better
#   and generalise no better; on ten times more data the same wide net no longer overfits. Choose
#   the size on validation data.
# - Compute derivatives with autograd and measure ranges: the slide's table has three wrong ranges
#   (Softplus, Leaky ReLU, ELU); at ReLU's kink "undefined" is right, and PyTorch's 0 is a
#   convention.
# - A net that does not train may have a vanishing gradient: measure it per layer, and read the
#   forward signal (how much each layer's outputs vary) and the backward signal (‖∂loss/∂h‖) apart,
#   since ‖∂loss/∂W‖ mixes them. The initialisation decides: PyTorch's default multiplies a ReLU
#   net's backward variance by 1/6 per layer, He init by 1. Sigmoid's gradient vanishes under the
#   default, Xavier and He inits, but a sigmoid net rescaled into a tanh net (×4 weights, centring
#   biases) passes it like tanh.
# - ReLUs are sparse; a large learning rate kills them for good. Leaky ReLU cannot die; GELU can.
# - A residual block learns F(x) = H(x) − x and outputs F(x) + x (or relu of it, which gates the
#   identity path a little); with the same layers, a 30-layer MLP without skips is stuck under both
#   the default and He init; with skips and the default init it trains. Skips need an init that allows for them: with He
#   init the residual net's signal grows block after block, and it diverges.
# - Standardise the inputs (a round loss bowl); BatchNorm is a different thing: it normalises with
#   batch statistics in `train()` and running statistics in `eval()`, with a learned γ, β. It makes
#   training far less sensitive to learning rate and initialisation, but not by removing internal
#   covariate shift: at a learning rate where nets without BN fail, a BN net with more shift
#   injected into it than a default-init net without BN has still trains.
#
# ## Exercises
#
# Besides the three predictions above, two more. Replace each `...` with your answer and run the
# cell: it tells you whether you are right, and gives a hint after a wrong attempt. Stuck?
# `exercises.solution("03.gated_skip")` prints a worked solution.
#
# **1.** Our residual block outputs H = relu(x + F(x)). For one unit, x = −0.5, its branch outputs
# F(x) = 0.8, and the branch's derivative is ∂F/∂x = −0.3. What is ∂H/∂x for that unit?

# %%
answer = ...
exercises.check("03.gated_skip", answer)

# %% [markdown]
# **2.** A fresh `nn.BatchNorm1d(3)` (ε = 1e-5, momentum 0.1, γ = `gamma`, β = `beta`) sees one
# training batch `x_train` in `train()` mode and is then switched to `eval()`. Write
# `batch_norm_eval(x_train, x_test, gamma, beta)`: its output on `x_test` (float64 tensors of
# shape (n, 3); `x_test` may be a single row). The check runs your function and `nn.BatchNorm1d`
# on random batches and shows the smallest one where they differ.

# %%
def batch_norm_eval(x_train, x_test, gamma, beta, eps=1e-5, momentum=0.1):
    """The eval() output on x_test of a fresh BatchNorm layer after one training batch x_train."""
    return ...  # your code


exercises.check("03.batchnorm_eval", batch_norm_eval)
