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
# 1. Layers and neurons: depth × width, parameters, and overfitting on little data
# 2. Activation functions: plots, derivatives by autograd, and the table generated from code
# 3. Vanishing gradients: gradient flow for sigmoid, tanh, ReLU and GELU
# 4. Sparse and dead ReLUs, and Leaky ReLU
# 5. Residual connections
# 6. Batch normalization, written out and tested; is it "internal covariate shift"?
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
import torch

from course_lib import (
    activation_plots,
    activations,
    batchnorm,
    capacity,
    data,
    diagnostics,
    exercises,
    plots,
    residual,
    runtime,
)

runtime.setup(seed=0)  # seeds, one CPU thread (fastest for small models), prints versions
plots.use_style()

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
# precisely we keep 800 points for validation (one point is 0.00125 of accuracy; with 30 points
# it would be 0.033, more than the differences we look at).

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
# boundary). Two neurons in one layer can only draw a nearly straight line (train 0.89, val 0.82).
# The six smaller nets (up to 2×16 and 1×128) validate at 0.82–0.84: with noise this large no
# boundary gets much above 0.85 on new points, so the simplest nets are not far behind (a difference of
# 0.01 is 8 of the 800 validation points, within the noise). The bigger nets (4×16, 2×128, 4×128:
# up to 50,049 parameters for 100 points) bend their boundary around individual noisy points:
# **training** accuracy rises to 0.93–0.98 while **validation** accuracy *falls* to 0.78–0.80:
# they *overfit*. Capacity beyond what the problem needs buys training accuracy, not validation
# accuracy.

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
capacity.plot_accuracy(sweep, ax)
plt.show()
small, big = (0, 0), (2, 2)
print("the biggest net fits its training points better than the smallest:",
      bool(sweep.train_accuracy[big] > sweep.train_accuracy[small]))
print("... and its train-validation gap is larger:", bool(sweep.gap[big] > sweep.gap[small]))
best_16 = sweep.val_accuracy[:, 1].max()
print("... and it validates worse than the best 16-neuron net, by more than 0.02 (16 of 800 points):",
      bool(sweep.val_accuracy[big] < best_16 - 0.02))

# %% [markdown]
# Depth and width are hyperparameters to *tune against validation data* (notebook 04), not "the
# more the better". The rest of this notebook is about what makes *deep* networks trainable at all.
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
# The slide's derivative formulas are all right ("formula ok"), but three ranges in its table are
# wrong (errata E1–E3), and one entry (E4) needs a comment:
#
# - **E1, Softplus** ln(1 + eˣ) has range **(0, ∞)**, not (0, 1): it is a smooth ReLU. Its
#   *derivative*, the sigmoid, is what lies in (0, 1).
# - **E2, Leaky ReLU** has range **(−∞, ∞)**, not (−1, 1): 0.01·x is unbounded below.
# - **E3, ELU** α(eˣ − 1) has range **(−α, ∞)**, i.e. (−1, ∞) for α = 1, not [0, ∞): its negative
#   outputs are the point of ELU (they push the mean activation toward 0).
# - **E4, ReLU′(0)**: the slide's "undefined" is mathematically **right** (ReLU has a kink at 0).
#   A framework must still return *a* number: PyTorch's autograd returns **0** (the measured f′(0)
#   above), a convention, not a correction of the slide.
#
# The same holds at the other two points where a derivative is not defined: step′(0) (the slide
# says "undefined", PyTorch returns 0) and Leaky ReLU′(0) (the slide writes 1, PyTorch gives the
# left slope 0.01). Neither is an error: at a kink or a jump the value is a convention.
#
# Note also sigmoid's largest derivative: **0.25**. Remember it for section 3.
#
# Pick a function and move the point `x` to read f and f′ there (the dotted line is the slide's
# formula for f′, drawn over autograd's):

# %%
activation_explorer = activation_plots.activation_explorer("sigmoid", x0=0.0)
activation_explorer.show()

# %% [markdown]
# ## 3. Vanishing gradients (claim C9)
#
# Backpropagation multiplies, layer after layer, by the weights and by the activation's derivative.
# Sigmoid's derivative is at most 0.25, so through many sigmoid layers the gradient reaching the
# first layers shrinks geometrically: those layers barely learn. ReLU's derivative is 1 wherever a
# unit is active, so "ReLU avoids vanishing gradients" — **if the weights are initialised to
# match** (He et al. 2015). We measure it: the norm of ∂loss/∂W for every weight matrix of an MLP
# with 10 hidden layers (width 64) at initialisation, on one batch of 256 digits. The 10 hidden
# layers plus the output layer make **11 weight matrices, so 11 points** per curve (the 11th is
# the output layer).

# %%
digits = data.load("digits")
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for ax, init in zip(axes, ["default", "he"], strict=True):
    curves = {a: diagnostics.gradient_flow(digits, 10, a, init) for a in ("sigmoid", "tanh", "relu", "gelu")}
    diagnostics.plot_gradient_flow(curves, ax, title=f"depth 10, {init} init")
plt.show()

# %% [markdown]
# The ratio ‖∇W_first‖ / ‖∇W_last‖ summarises each line: near 1, every layer gets a gradient of the
# same size; far below 1, the gradient vanishes on its way to the input.

# %%
inits = ("default", "xavier", "he")
ratios = diagnostics.flow_ratios(digits, 10, ("sigmoid", "tanh", "relu", "gelu"), inits)
print(f"{'depth 10':<10}" + "".join(f"{init + ' init':<20}" for init in inits))
for act, r in ratios.items():
    print(f"{act:<10}" + "".join(f"{diagnostics.flow_verdict(x):<20}" for x in r))
effect = diagnostics.init_effect(ratios)
print("\n" + " | ".join(f"{k}: {v}" for k, v in effect.items()))
relu_30 = dict(zip(("default", "he"), diagnostics.flow_ratios(digits, 30, ["relu"], ("default", "he"))["relu"],
                   strict=True))
print(f"ReLU at depth 30: default init {diagnostics.flow_verdict(relu_30['default'])}, "
      f"He init {diagnostics.flow_verdict(relu_30['he'])}")
assert effect == {"vanishes under every init": ["sigmoid"], "flows under every init": ["tanh"],
                  "the init decides": ["relu", "gelu"]}
assert relu_30["default"] < 1e-4 < 1e-2 < relu_30["he"]

# %% [markdown]
# Sigmoid's gradient vanishes under every initialisation. Tanh's flows at depth 10 under all three
# (its derivative is 1 at 0, not 0.25). For ReLU (and GELU) the **initialisation** decides:
# PyTorch's default `nn.Linear` init (uniform ±1/√fan_in, *not* He init) shrinks ReLU signals
# layer after layer, so the gradient already weakens at depth 10 and vanishes at depth 30, while
# He init keeps it flowing (notebook 04 covers initialisation). Explore depth, activation,
# initialisation, and skip connections (section 5); the y-axis widens to show every layer:

# %%
flow_explorer = diagnostics.gradient_flow_explorer(digits, depth=20, activation="sigmoid", init="default")
flow_explorer.show()

# %% [markdown]
# ## 4. Sparse and dead ReLUs (claim C10)
#
# A ReLU outputs exactly 0 for negative inputs. At He initialisation about half the units are
# off for any given input: the representation is **sparse**.

# %%
model = diagnostics.deep_mlp(digits, 2, "relu", "he", seed=0)
zeros = diagnostics.zero_fraction(model, digits.X_train)
print("fraction of exact zeros after each ReLU layer is about 0.5:", [round(z, 1) for z in zeros])

# %% [markdown]
# A unit whose input is negative for **every** training example is **dead**: its gradient is 0
# everywhere, so its incoming weights never change again. A too-large learning rate can push
# many units there for good. We train a 64-64 MLP with Adam for 5 epochs at learning rates from
# 0.001 to 0.1 and count the units of its last hidden layer that are dead, for ReLU, Leaky ReLU
# and GELU. **Dead** is measured as |f′(input)| ≤ 10⁻⁶ on *every* training input: for ReLU that
# is f′ = 0 exactly, but GELU's derivative is never exactly 0, only vanishingly small.

# %%
dead = diagnostics.dead_units_vs_lr(digits, (1e-3, 3e-3, 1e-2, 3e-2, 1e-1), ("relu", "leaky_relu", "gelu"),
                                    num_epochs=5, seeds=(0,))
fig = diagnostics.plot_dead_units(dead)
plt.show()
relu, leaky, gelu = (dead.dead[a][0] for a in ("relu", "leaky_relu", "gelu"))
print("the fraction of dead ReLUs never falls as the lr grows, and rises by more than 0.5:",
      dead.rises_with_lr("relu", min_rise=0.5))
print("Leaky ReLU units never die:", bool((leaky == 0).all()))
print("GELU units die too at lr 0.1:", bool(gelu[-1] > 0.4))

# %% [markdown]
# Look inside one layer: each bar is a unit, its height the share of training inputs that let a
# gradient through it. Move the learning rate (each value trains once, in well under a second,
# then is remembered) and switch the activation:

# %%
dead_explorer = diagnostics.dead_units_explorer(digits, lrs=(1e-3, 3e-3, 1e-2, 3e-2, 1e-1), activation="relu")
dead_explorer.show()

# %% [markdown]
# Leaky ReLU's slope 0.01 for negative inputs means its gradient is **never** zero, so no unit can
# die. GELU is often said to "avoid dead neurons" too, but its derivative also tends to 0 for
# very negative inputs (|f′| is below our 10⁻⁶ threshold beyond about −5.5): at lr 0.1 most GELU
# units ended up there on every training input as well (erratum E22).
#
# Two more corrections to the slide (E22): ReLU networks learn faster mainly because ReLU does not
# **saturate** (its derivative does not fade for large inputs, Krizhevsky et al. 2012), not
# because of sparsity; and a sparse layer is not a dead one: a dead unit is off for *every* input.
#
# ## 5. Residual connections (claim C11)
#
# A **residual block** adds its input to the output of its layers: it outputs H(x) = F(x) + x, so
# its layers learn the **residual F(x) = H(x) − x**, not "a residual F(x) + x" as the slide
# says (erratum E7; He et al. 2016, eq. 1). If the best thing a block can do is nothing, its layers
# only have to learn F = 0, and the identity path lets the gradient through unchanged
# (∂(x + F(x))/∂x = 1 + ∂F/∂x).
#
# Our `resnet.residual_mlp` follows the paper's basic block: two layers, then the skip, then the
# activation, H(x) = relu(x + F(x)). It has exactly the same layers and parameters as the plain
# MLP. We compare 30 hidden layers of 64 units on digits, SGD with momentum 0.9, lr 0.02,
# 10 epochs:

# %%
runs = residual.compare(digits, depth=30, width=64, lr=0.02, num_epochs=10, seed=0)
fig = residual.plot_compare(runs)
plt.show()
acc = {label: run.history.final("val_metric") for label, run in runs.items()}
print("plain 30-layer net stuck at chance (val accuracy < 0.2):", acc["plain"] < 0.2)
print("same depth with skip connections trains (val accuracy > 0.85):", acc["residual"] > 0.85)

# %% [markdown]
# With PyTorch's default initialisation the plain net's first layers receive gradients about
# 10⁻¹⁰ times smaller than its last layer's, and it stays at chance (10 % for ten digits). The
# residual net, with the same layers, trains to over 90 %. He init alone also restores the gradient
# flow of the plain net (right), and the plain net starts to learn, but at this learning rate its
# training is erratic: the skips make the deep net much easier to optimise.
#
# **The paper's own nuance.** He et al. trained their plain nets *with batch normalization* and
# found that their gradients did not vanish; they wrote that the *degradation* of deep plain nets
# (a deeper net training worse than a shallower one) is "unlikely to be caused by vanishing
# gradients", and argued that skips make the *optimisation* easier. Skips are also no licence for
# unlimited depth: their 1202-layer network trained fine but tested worse than the 110-layer one.
# Why exactly skips help is still studied (an ensemble of shallow paths, Veit et al. 2016; less
# "shattered" gradients, Balduzzi et al. 2017).
#
# ## 6. Batch normalization (claim C12)
#
# ### What BN computes
#
# The slide's formula X = (X − mean)/std is **input standardisation**: done once, on the input
# features, with statistics of the whole training set (`data.load` does that for every dataset of
# this course). **Batch normalization** (Ioffe & Szegedy 2015) is a *layer* inside the network
# (erratum E8). For each unit, in **training** mode it uses the current mini-batch's mean μ_B and
# variance σ²_B, then a learned scale γ and shift β:
#
# y = γ · (x − μ_B) / √(σ²_B + ε) + β
#
# and it keeps running averages of μ_B and σ²_B. In **evaluation** mode it uses those running
# statistics instead, so a prediction no longer depends on the other examples of the batch.
#
# `batchnorm.BatchNorm` writes this out in a dozen lines. We feed it and `nn.BatchNorm1d` the same
# batches and compare outputs, gradients and running statistics:

# %%
diff = batchnorm.check_against_torch(num_features=6, batch_size=16, num_batches=5, seed=0)
for what, d in diff.items():
    print(f"{what:<13} {'same as nn.BatchNorm1d (difference < 1e-4)' if d < 1e-4 else f'DIFFERS by {d:.2g}'}")

# %% [markdown]
# ### `train()` vs `eval()`
#
# In training mode an example's output depends on its batch companions; in evaluation mode it does
# not. Feed the same digit with two different sets of companions:

# %%
bn = batchnorm.BatchNorm(digits.in_features)
for _ in range(20):  # a few training batches fill the running statistics
    bn.train()(digits.X_train[torch.randperm(len(digits.X_train))[:64]])
dependence = batchnorm.batch_dependence(bn, digits.X_train[:65], seed=0)
print("train(): the output for digit 0 changes with its batch:", dependence["train"] > 1e-3)
print("eval():  the output for digit 0 is the same in any batch:", dependence["eval"] == 0.0)
print("parameters (γ, β):", [n for n, _ in bn.named_parameters()],
      "| buffers:", [n for n, _ in bn.named_buffers()])

# %% [markdown]
# Forgetting `model.eval()` before evaluating a BN network is a classic bug: predictions then
# depend on the batch (and a batch of one example fails in training mode).
#
# ### Less sensitive to learning rate and initialisation
#
# An 8-layer ReLU MLP (width 64), SGD for 3 epochs on digits, at six learning rates and three
# initialisation scales (PyTorch's default weights multiplied by 0.5, 1 or 3), without and with a
# BN layer after every linear layer: 36 trainings, about two seconds.

# %%
grid = batchnorm.lr_init_grid(digits, lrs=(0.003, 0.01, 0.03, 0.1, 0.3, 1.0), init_scales=(0.5, 1.0, 3.0),
                              depth=8, num_epochs=3, seed=0)
print("with BN, more settings reach 0.8 validation accuracy than without:",
      grid.wins("with BN", 0.8) > grid.wins("without BN", 0.8) + 5)

# %% [markdown]
# Move the threshold to count the settings that reach it (nothing is retrained):

# %%
grid_explorer = batchnorm.grid_explorer(grid, threshold=0.8)
grid_explorer.show()

# %% [markdown]
# Without BN, only the large initialisation trains at all in 3 epochs, and only at small learning
# rates (0.00 marks a run that diverged and was stopped); with BN most of the grid works. The benefit is real (Santurkar et al. 2018 and many
# others).
#
# ### Is it "internal covariate shift"?
#
# The slide's explanation: the distribution of each layer's inputs keeps shifting as the earlier
# layers learn, and BN helps by removing this shift. Santurkar et al. (2018) tested it: they
# **injected** covariate shift right after every BN layer — a fresh random scale and offset per
# unit at every training step — so the next layer's inputs shift *more* than without BN. If removing
# the shift were why BN helps, this network should train as badly as the one without BN.
#
# We train the 8-layer net (SGD, lr 0.1, PyTorch's default init, 5 epochs) three ways and measure,
# at every step, how far the input distribution of layer 5 moved (change in per-unit mean and std,
# relative to the std; the right panel shows a 10-step moving average):

# %%
shift_runs = batchnorm.covariate_shift_experiment(digits, lr=0.1, num_epochs=5, depth=8, layer=5, seed=0)
fig = batchnorm.plot_covariate_shift(shift_runs)
plt.show()
acc = {k: h.final("val_metric") for k, (h, _) in shift_runs.items()}
moved = {k: change.mean() for k, (_, change) in shift_runs.items()}
print("BN + injected shift: the inputs move more than without BN:", moved["BN + injected shift"] > moved["without BN"])
print("... yet it trains (val accuracy > 0.6), though below plain BN:",
      acc["with BN"] > acc["BN + injected shift"] > 0.6)
print("without BN, at this init (scale 1) no learning rate of the grid above trains (all < 0.2):",
      bool((grid.accuracy["without BN"][grid.init_scales.index(1.0)] < 0.2).all()))
assert 0.7 < acc["BN + injected shift"] < 0.9 < acc["with BN"]  # measured about 0.80 and 0.95
assert moved["BN + injected shift"] > 5 * moved["with BN"]  # measured about 12 times

# %% [markdown]
# Read the three runs with care. Injecting shift does cost something: the BN net with injected
# shift ends around 0.80 validation accuracy against about 0.95 for plain BN (left). The net
# without BN ends at chance (0.10), but **not because of covariate shift**: its inputs move
# *less* than the injected-shift net's (right), and at this initialisation and depth it does not
# train at any learning rate of the grid above (its gradient vanishes, section 3). So it is no
# baseline for the shift question; the informative comparison is between the two BN nets. The
# net whose layer inputs shift ten times more than plain BN's still trains to about 0.80, far from
# the failure the covariate-shift explanation predicts. So BN's benefit does not come from
# reducing internal covariate shift; Santurkar et al. found instead that BN makes the loss
# **smoother** (gradients change less from step to step), which allows larger learning rates
# (Bjorck et al. 2018 agree). The slide's "loss landscape before/after normalisation" picture
# illustrates *input standardisation* making a loss bowl round; BN's smoothing is a related but
# different, measured effect. Its mild regularisation comes from the noise of batch statistics.
#
# ## Takeaways
#
# - Depth and width set the capacity. On little data, more parameters fit the training set better
#   and generalise no better: choose the size on validation data.
# - Compute derivatives with autograd and measure ranges: the slide's table has three wrong ranges
#   (Softplus, Leaky ReLU, ELU); at ReLU's kink "undefined" is right, and PyTorch's 0 (like its
#   step′(0) = 0 and Leaky ReLU′(0) = 0.01) is a convention.
# - Sigmoid gradients vanish with depth under every initialisation (its derivative is ≤ 0.25);
#   tanh's flow at depth 10 under all three we tried; for ReLU the initialisation decides
#   (default init vanishes at depth 30, He init does not).
# - ReLUs are sparse; a large learning rate kills them for good. Leaky ReLU cannot die; GELU can.
# - A residual block learns F(x) = H(x) − x and outputs F(x) + x; with the same layers, a 30-layer
#   MLP trains with skips and is stuck without them (with default init).
# - BN normalises with batch statistics in `train()` and running statistics in `eval()`, with a
#   learned γ, β; it makes training far less sensitive to learning rate and initialisation, but not
#   by removing internal covariate shift (with ten times more shift injected, it still trains).
#
# ## Exercises
#
# Replace each `...` with your answer and run the cell: it tells you whether you are right and
# gives a hint if not. Stuck? `exercises.solution("03.sigmoid_chain")` prints a worked solution.
#
# **1.** Sigmoid's derivative is at most 0.25. At most how large is the product of the activation
# derivatives through 10 sigmoid layers? (About 1e-6 is precise enough: within 10 %.)
#
# This bounds the product of the *activation derivatives* only. The backward pass also multiplies
# by every weight matrix, so a measured gradient ratio can lie above the bound (sigmoid with He
# init, about 1e-5 in section 3) or below it (default init, about 1e-8).

# %%
answer = ...
exercises.check("03.sigmoid_chain", answer)

# %% [markdown]
# **2.** How many trainable parameters has `nn.BatchNorm1d(64)`? (Its running statistics are
# buffers, not parameters.)

# %%
answer = ...
exercises.check("03.bn_params", answer)

# %% [markdown]
# **3.** A skip connection outputs x + F(x). If the branch's gradient ∂F/∂x has vanished to 0, what
# is ∂(x + F(x))/∂x for a scalar x?

# %%
answer = ...
exercises.check("03.skip_gradient", answer)
