# %% [markdown]
# # 05 · Fine-tuning, transfer learning and LoRA
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/training-nn-course/training-neural-networks/blob/main/notebooks/05_fine_tuning.ipynb)
#
# *Training Neural Networks: Tips, Tricks, and Evaluation*, part 5 of 5.
#
# The lecture ends with an advanced note:
#
# > We don't always train models from scratch. Most modern ML systems start with a **pretrained
# > model**, then we **fine-tune** it for a specific task, domain, or dataset: take a model that has
# > already learned general knowledge, and continue training it to specialise in a new task.
# > Why? It saves compute and time, works well with small task-specific datasets, and leverages
# > **transfer learning**: reuse what's already learned.
#
# This notebook tests each of those promises on a laptop CPU, with a pretrained model that ships
# with the course:
#
# 1. A pretrained model: what it learned, and loading it safely
# 2. Five ways to adapt it, each at its own tuned learning rate
# 3. The headline: when transfer helps, when it does not
# 4. Does it save compute? Steps to a target error, and the cost of pretraining
# 5. Sample efficiency: error against the number of labelled images
# 6. LoRA written in the open: zero start, exact merge, rank and scaling
# 7. The same with `peft` on a real model, and what the papers report
#
# Where the lecture's slide says more than the evidence, a line starting with **Slide check:**
# says what the slide claims and what we measured. The whole notebook runs in well under a minute.

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
import copy
import math
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from course_lib import checkpoints, exercises, runtime, style
from course_lib.fine_tuning import transfer
from course_lib.fine_tuning import transfer_plots as plots
from course_lib.fine_tuning.lora import lora_layers, merge_lora
from course_lib.models import count_parameters

runtime.setup(seed=0)  # seeds, one CPU thread (fastest for small models), prints versions
style.use_style()

# %% [markdown]
# ## 1. A pretrained model
#
# Real pretrained models (ResNets, BERT, Llama) took thousands of GPU hours. Ours took under two
# seconds, and teaches the same lessons. It is a tanh MLP (64 pixels in, two hidden layers of 64
# units, 10 class scores out) trained on a **source task**: classify 900 of scikit-learn's 8×8
# handwritten digits (all ten classes). To do that, its two hidden layers learned *features* of
# the images: which strokes sit where. The checkpoint lives in `data/digits_backbone.pt`;
# `data/scripts/pretrain.py` regenerates it deterministically.

# %%
pretrained, meta = transfer.load_pretrained()
print(pretrained)
print("trained on:", meta["trained_on"])
print(f"error on its own training images: {meta['source_error']:.3f}, after {meta['steps']} Adam steps "
      f"({meta['images']:,} images processed)")

# %% [markdown]
# The **target tasks** use the *other* 897 digits images, which the backbone never saw, in four
# styles that span the spectrum from "the same task" to "a different input structure":
# the same style; inverted contrast (white ink on black, 1 − x); rotated by 90°; and with
# Gaussian noise (σ = 0.3). Of each target we get only **3 labelled images per class** (30 in all)
# to train on; 200 more are *validation* images (used only to choose learning rates) and the rest
# (about 670) are the test set.

# %%
X_pool = transfer.target_task("same style", seed=0).X_test.numpy()
fig = plots.plot_targets(X_pool)
plt.show()

# %% [markdown]
# ### Loading a checkpoint safely
#
# A `.pt` file written by `torch.save` is a *pickle*, and unpickling can run arbitrary code. So
# load checkpoints with `torch.load(path, weights_only=True)` (the default since PyTorch 2.6): it
# accepts tensors, numbers, strings and plain containers, and refuses anything else.
# `course_lib.checkpoints` saves only such things and turns every failure into an error that says
# what is wrong. `safety_demo` writes three broken files (one that would run code, one cut short,
# and a good file loaded into a network with half the width) and collects what loading each says:

# %%
for name, message in checkpoints.safety_demo(pretrained, tempfile.mkdtemp()).items():
    print(f"{name}:\n  {message}\n")

# %% [markdown]
# Before section 2 shows how each method adapts the backbone and section 3 what they reach, commit
# to two predictions: write your letter in place of the `...` and run the cell. (Section 2 explains
# the methods; in short, the **linear probe** trains only a new head on the frozen body, while full
# fine-tuning, LoRA and LP-FT also change the body.)
#
# **Question.** Inverted digits, 3 labelled images per class: which kind of method will have the
# lowest median test error? A: training from scratch; B: the linear probe (frozen body); C: a
# method that changes the body: full fine-tuning, LoRA or LP-FT; D: all about the same.

# %%
answer = ...  # "A", "B", "C" or "D"
exercises.check("05.inverted", answer)

# %% [markdown]
# **Question.** Rotated digits, 3 labelled images per class: does the pretrained backbone help?
# A: yes, every pretrained start beats scratch; B: only when its body is fine-tuned, the frozen
# probe is worse than scratch; C: no, no pretrained start beats scratch, and the frozen ones are
# clearly worse.

# %%
answer = ...  # "A", "B" or "C"
exercises.check("05.rotated", answer)

# %% [markdown]
# ## 2. Five ways to adapt
#
# Every method gets the same 30 training images, the same **new zero-initialised head** (10
# outputs) and the same budget of 200 full-batch Adam steps. (Our targets keep the ten digit
# classes, but in general a target has classes of its own, so the source's head is dropped: a zero
# head also means every method starts out predicting nothing in particular.)
#
# | method | starts from | what trains |
# |---|---|---|
# | from scratch | random weights | everything |
# | linear probe | pretrained body, frozen | the new head only |
# | full fine-tuning | pretrained body | everything |
# | LoRA | pretrained body, frozen | the new head + a rank-4 update of each hidden layer (section 6) |
# | LP-FT | pretrained body | the head alone for 100 steps (a probe), then everything for 100 |
#
# LP-FT is Kumar et al. 2022's recipe, and what fast.ai's `learner.fine_tune` does by default:
# train the head with the body frozen, then unfreeze and train everything, so that fine-tuning
# starts from a sensible head instead of a zero one and changes the features less. (fast.ai's
# phase 1 is one epoch of the head, plus the body's BatchNorm layers, on a one-cycle schedule
# peaking at `base_lr`; phase 2 halves `base_lr` and trains everything on a one-cycle schedule with
# lrs spread over the layer groups, from `base_lr/100` for the first to `base_lr` for the head.
# Kumar et al. train the probe to convergence first. Ours: phase 1, 100 steps of the head at the head's lr; phase 2,
# 100 steps of everything, the head at the head's lr and the body at the body's; constant lrs,
# both chosen on validation images.) Kumar et al.'s main evidence concerns **out-of-distribution**
# accuracy (test data shifted away from the fine-tuning data), where LP-FT gained about 10%; they
# also report it about 1% better in distribution, which is where every test set of ours lies.

# %%
for method in transfer.METHODS:
    model = transfer.adapt(method, pretrained)
    print(f"{method:15s} trainable parameters at the start: {count_parameters(model):5,d} "
          f"of {count_parameters(model, trainable_only=False):,}")

# %% [markdown]
# (LoRA's total, 9,994, is larger: its adapters add 1,024 parameters, A and B of both hidden layers.)
#
# **A fair comparison needs each method's own learning rates.** Fine-tuning a good model wants
# small steps; training from scratch tolerates larger ones; and a new, zero-initialised head sits
# on top of a pretrained body, so the two get **their own learning rates** (discriminative
# learning rates, as in d2l's fine-tuning chapter and fast.ai; in PyTorch, one optimizer
# *parameter group* each). So for every target and method we trained at every setting of a grid,
# on the same 8 seeds, and kept the one with the lowest median error on the **validation images**
# (never on the test images): scratch and the probe have one lr; full fine-tuning, LoRA and LP-FT
# a pair, head lr × body lr (for LoRA the "body" lr is the adapters'). That search takes minutes,
# longer than this whole notebook, so `data/scripts/tune_transfer.py` ran it once and
# `data/transfer_lrs.json` holds the result:

# %%
search = transfer.load_lrs()
lrs = search["lr"]
print(f"Adam, {search['num_steps']} full-batch steps; grids: one lr {search['grid'][0]:g} to "
      f"{search['grid'][-1]:g}; head lr {', '.join(f'{h:g}' for h in search['head_grid'])}; "
      f"body lr {', '.join(f'{b:g}' for b in search['body_grid'])}")
print(f"{'':13s}" + "".join(f"{m:>17s}" for m in transfer.METHODS))
for target in transfer.TARGETS:
    cells = [f"{v:g}" if not isinstance(v, dict) else f"{v['head']:g} | {v['body']:g}"
             for v in lrs[target].values()]
    print(f"{target:13s}" + "".join(f"{c:>17s}" for c in cells))
print("(head | body where there are two)  chosen settings at an edge of their grid:",
      transfer.edge_choices(search) or "none")

# %%
fig = plots.plot_lr_search(search)
plt.show()

# %% [markdown]
# Read the curves before the headline. Scratch picks 0.001–0.003 everywhere. The probe's error
# is nearly flat from 10⁻³ up on every target (within 0.03): with a zero head, the first Adam
# steps already point the head the right way.
# On the same style the methods that move the body all pick the **smallest** body lr, 10⁻⁶: 200
# steps then move a weight by about 0.0002 at most (an Adam step is roughly lr in size), so the body is frozen in all but name, and any
# smaller lr would give the same (this edge is the limit "do not move the body", the probe; LoRA
# on the noisy digits picks it too). On the inverted and noisy digits full fine-tuning and LP-FT
# pick 10⁻³ for the body with a head lr of 10⁻³–10⁻²: discriminative lrs. On the rotated digits
# they pick large body lrs, 10⁻²–10⁻¹ (LP-FT's 0.1 sits at the grid's top; 0.3 diverges, validation
# error 0.82–0.89), as the body has far to move. A single lr shared by a zero head
# and a pretrained body forces one compromise on both: small enough for the body leaves the new
# head barely trained in 200 steps, large enough for the head moves the body away from what it
# learned.

# ## 3. The headline: when transfer helps, and when it does not
#
# Now train all five methods on all four targets, with those learning rates, on 8 seeds (seed s
# draws the 30 training images, the validation and test images, the noise and every random
# initialisation; seeds 0–7 throughout the notebook). Every run is scored by its **test error**
# (1 − accuracy on the test images). Few images make single runs noisy, so the figure shows
# *every seed as a dot*, and the table gives the median with the 25th–75th percentile range.
# One seed's inverted task, for example:

# %%
tasks = transfer.target_tasks()  # tasks[target] = one Task per seed
print(tasks["inverted"][0], "| images per class in training:",
      torch.bincount(tasks["inverted"][0].y_train).tolist())

# %%
results = transfer.compare(pretrained, tasks, lrs)
fig = plots.plot_headline(results)
plt.show()

# %% tags=["nbval-ignore-output"]
print("test error: median [25th-75th percentile] over 8 seeds\n")
print(transfer.table(results))
print()
print(transfer.wins_table(results))

# %% [markdown]
# Read the four panels from "same task" to "different input". A **win** below means the paired
# count: on how many of the 8 seeds one method's test error is lower than the other's (the
# table above); a method that the best beats on fewer than 6 of 8 seeds is **tied** with it (the
# margin is within seed noise). Had we named a winner in advance, two equally good methods would
# split 6–2 or better its way about one time in seven. But the best of a panel is named afterwards,
# from these very seeds, so either method may come out ahead: a split of 6–2 or more lopsided,
# either way, happens by chance 74 times in 256, about 2 in 7, and 7–1 or 8–0 either way 18 times
# in 256, about 7%. So a win on 6 or 7 of 8 seeds is a **weak win**, and counts only where it
# repeats on fresh seeds; "best" in a title means every seed. Each panel's title gives its verdict
# and the fewest seeds on which the best beats another method. The tests check each statement on fresh
# seeds and on a second backbone, pretrained under another seed.
#
# - **Same style**: the probe, full fine-tuning and LoRA tie (medians 0.049–0.054, against 0.217
#   from scratch, which every pretrained start beats on 8 of 8 seeds). The probe has the lowest
#   median but beats full fine-tuning and LoRA on only 5 of 8 seeds; it beats LP-FT on 6 of 8, a
#   weak win by our rule (hence the panel's "probe, full FT, LoRA tie"), and on fresh seeds the order flips.
#   With its own tuned lrs, fine-tuning leaves the body where it was (body lr 10⁻⁶): the features
#   already separate the digits, and the cheapest method, the frozen probe, is as good as any.
# - **Inverted contrast**: the features are almost right but see every stroke with the wrong sign.
#   Now the methods that *change the body* win: full fine-tuning, LoRA and LP-FT (medians
#   0.069–0.085) beat the probe (0.128) on 8 of 8 seeds (and on 6 of 6 fresh seeds, with this
#   backbone and with the second), and LoRA has the lowest median, beating full fine-tuning on 6 of
#   8 seeds, the panel's weak win; it repeats on fresh seeds (5 of 6 with this backbone, 6 of 6 with
#   the second), so here LoRA's lead holds.
# - **Rotated by 90°**: a pixel-level MLP has no notion of rotation, and its features look for
#   strokes in places where there are none. Scratch has the lowest median (0.225); it beats full
#   fine-tuning and LP-FT (0.245, 0.256) on 6 of 8 seeds, the panel's weak win, and it repeats on
#   fresh seeds (6 of 6 with this backbone, 5–6 of 6 with the second): transfer hurts here, if only
#   a little against fine-tuning. Scratch beats LoRA (0.275) on 7 of 8 (6 of 6 fresh seeds with
#   either backbone) and the frozen probe (0.382) on all 8. This is **negative transfer**: a wrong
#   prior hurts, and the frozen one hurts most.
# - **Noisy images**: every pretrained start beats scratch (0.429) on 8 of 8 seeds. On these seeds
#   the probe has the lowest median and beats full fine-tuning and LoRA on 7 of 8 but LP-FT on
#   only 6 (the panel's weak win), and it does not repeat: on fresh seeds with the second backbone
#   full fine-tuning beats the probe on 5 of 6. Read the pretrained starts as tied here (medians
#   0.292–0.315). The features of clean digits still work under the noise, and 30 noisy images are too few
#   to improve them much.
#
# **Slide check:** the slide says fine-tuning "works well with small task-specific datasets". On
# these measurements that holds when the target is related to the source (three of four targets
# here), and the best way to adapt depends on how it is related; on the rotated digits the
# pretrained model is no help, and frozen it hurts. Yosinski et al. 2014 found the same trend in ImageNet
# networks: transferred features help less the more the target task differs from the source.
# Always compare with a from-scratch baseline, over several seeds, each method at its own
# learning rate.

# %% [markdown]
# ## 4. Does it save compute?
#
# Time *per step* is the same whether a network starts from pretrained or random weights, so the
# right question is **how many steps** each start needs to reach a given error. Give both starts
# enough data to get there (10 labelled images per class of the inverted digits) and record the
# validation error after every step. A race needs each runner at its best pace, so each start runs
# at the learning rate (of 0.001, 0.003, 0.01, 0.03; one for the whole network) that reaches the
# target fastest. (These are larger than section 2's, which were chosen for the lowest error after
# 200 steps, not for speed.) Thin lines are single seeds; the thick line is their median; a big
# marker shows the median number of steps at which the seeds first reach the target.

# %%
inverted_10 = [transfer.target_task("inverted", shots=10, seed=s) for s in transfer.SEEDS]
target_error = 0.15
race = transfer.steps_to_target(pretrained, inverted_10, target_error)
fig = plots.plot_steps_to_target(race, target_error, "inverted digits, 10 images per class: steps to 0.15")
plt.show()

# %% [markdown]
# The one-off cost of pretraining must be paid back. Count it in the same unit as fine-tuning:
# **images processed** (one forward and backward pass each). Pretraining processed 18,000 images
# (900 images, 20 epochs); a full-batch step on 100 training images processes 100.

# %% tags=["nbval-ignore-output"]
steps = {m: float(np.median(c["steps"])) for m, c in race.items()}
for m, c in race.items():
    print(f"{m:15s} (lr {c['lr']:g}) median steps to error {target_error}: {steps[m]:4.1f} (seeds: "
          f"{c['steps'].min():.0f} to {c['steps'].max():.0f}), about {steps[m] * c['seconds_per_step']:.2f} s")
_, cost = transfer.pretrain(seed=0)
fine_tunes = transfer.amortisation(cost["images"], steps["scratch"], steps["full fine-tune"], 100)
print(f"pretraining: {cost['steps']} steps, {cost['images']:,} images processed, {cost['seconds']:.1f} s here")
print(f"each fine-tune saves {(steps['scratch'] - steps['full fine-tune']) * 100:,.0f} images processed: "
      f"at this target error, pretraining pays for itself after about {fine_tunes:.0f} fine-tunes")

# %% [markdown]
# Fine-tuning reaches 0.15 in fewer steps than scratch on every seed, 4 against 14.5 (median), so
# at this target pretraining pays for itself after about 17 fine-tunes. But that count depends on
# the target error, the number of labels and the target. The same race,
# run for the inverted and the rotated digits at 1, 3, 10 and 30 labelled images per class
# (`data/scripts/race_transfer.py` ran all eight, about a minute on an idle CPU, and
# `data/transfer_compute.json` holds what they say; the tests rerun the race above and check it
# against that file), gives **curves**. Left: median steps to each target error. Middle: the
# fine-tunes that repay pretraining, against the target error. Right: against labelled images per
# class, at target error 0.15. "Never" rows: a start that does not reach the error within 100
# steps; "never repaid": fine-tuning needs as many steps as scratch or more; "scratch never":
# fine-tuning gets there and scratch does not, so pretraining buys accuracy, not just steps.

# %%
compute = transfer.load_compute()
fig = plots.plot_compute(compute, shots=10, target_error=0.15)
plt.show()
print(transfer.compute_table(compute, shots=10))

# %% [markdown]
# How many fine-tunes repay pretraining is not one number. On the inverted digits with 10 images
# per class it is 180 at error 0.20, 17 at 0.15, 14 at 0.12 and 3.7 at 0.10; at 0.25 and above
# scratch (at its fastest lr) is quicker than fine-tuning, so pretraining is never repaid there, and at 0.08 and below scratch never
# gets there in 100 steps while fine-tuning takes 6–7: there **pretraining buys accuracy**, not
# speed. With fewer labels that happens sooner: at 3 images per class scratch never reaches 0.20
# (the median seed; fine-tuning: 4 steps), and at 1 image per class it never reaches 0.30. With 30 images per class
# scratch reaches every target; pretraining is repaid after 3.5–8.6 fine-tunes at errors of 0.15
# and below, and never at 0.20 and above. On the **rotated** digits
# pretraining is never repaid: fine-tuning is never faster than scratch, at any target or shot
# count, and mostly slower (14.5 steps to 0.15 against scratch's 8.5 at 10 per class). So pretraining pays off when
# one pretrained model serves many related tasks, which is how foundation models are used (their
# pretraining costs far more than any one fine-tune and is shared by everyone who adapts them).
# He et al. 2019 ("Rethinking ImageNet pre-training") make the point at scale: with enough target
# data and training time scratch catches up; pretraining mainly buys speed, and with little data,
# accuracy.

# %% [markdown]
# ## 5. Sample efficiency
#
# "Works well with small datasets" is a statement about a curve: test error against the number of
# labelled images per class, here on the inverted digits (median over the 8 seeds, whiskers from
# the 25th to the 75th percentile; the three methods are set slightly apart so that no whisker
# hides another). Only scratch, the probe and full fine-tuning are shown, to keep the figure
# readable and the notebook fast; the test error at 3 images per class is the headline's. Every
# shot count reuses the learning rates chosen at 3 images per class (not retuned per shot count,
# to keep the search short; more data usually tolerates larger steps, so the 30-shot points are,
# if anything, a little pessimistic for every method).

# %% tags=["nbval-ignore-output"]
shots = (1, 3, 10, 30)
efficiency = transfer.sample_efficiency(pretrained, "inverted", shots, lrs["inverted"])
fig = plots.plot_sample_efficiency(shots, efficiency, "inverted digits: test error against labelled images")
plt.show()
for m, e in efficiency.items():
    print(f"{m:15s} median test error at " + ", ".join(
        f"{k} per class: {v:.3f}" for k, v in zip(shots, np.median(e, axis=1), strict=True)))

# %% [markdown]
# The pretrained starts' advantage over scratch is largest with the fewest labels (one image per
# class: 0.19 for full fine-tuning and 0.27 for the probe, against 0.38) and shrinks as labels
# grow; by 30 images per class scratch (0.048) is within 0.011 of full fine-tuning (0.037) and
# better than the frozen probe (0.063). Full fine-tuning, which starts lowest, gains least in
# absolute terms up to 10 per class; the probe gains least from 10 to 30 (0.017) and ends highest:
# it can only re-weight features it cannot change, while fine-tuning and scratch keep using the
# extra images.

# %% [markdown]
# ## 6. LoRA written in the open
#
# Full fine-tuning updates every weight: for a large model that is a full copy per task. **LoRA**
# (Hu et al. 2021) freezes the pretrained weight W (d_out × d_in) and learns a **low-rank update**
#
# $$ W' = W + s\, B A, \qquad A \in \mathbb{R}^{r \times d_\text{in}},\ B \in \mathbb{R}^{d_\text{out} \times r},\ r \ll d. $$
#
# - **B = 0 at the start** (A is random), so the adapted model *first equals the pretrained one*.
# - It trains r·(d_in + d_out) parameters instead of d_in·d_out.
# - The scale s is **α/r** in the LoRA paper (α is a fixed constant, so that changing r needs little
#   retuning of the learning rate: a heuristic, not a law). Kalajdzievski 2023 (rank-stabilised LoRA,
#   **rsLoRA**) argues that α/r is the wrong scale for large r and uses **α/√r** instead
#   (`use_rslora=True`, in `course_lib.fine_tuning.lora` as in `peft`); section 6 lets you test
#   what that changes.
# - After training, s·BA can be **merged** into W: one ordinary `nn.Linear`, no extra cost at
#   inference.
#
# Here is the whole mechanism: a layer that holds the frozen `nn.Linear` and the two small
# matrices. `course_lib.fine_tuning.lora.LoRALinear` is this same code (plus argument checks and a
# seeded A; a test keeps the two equal, and checks both against `peft`):

# %%
class LoRALinear(nn.Module):
    """A frozen nn.Linear (W, b) plus a trainable low-rank update s·B A."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float, use_rslora: bool = False):
        super().__init__()
        self.base = base.requires_grad_(False)  # the pretrained W and b stay as they are
        self.scaling = alpha / (math.sqrt(rank) if use_rslora else rank)  # s = α/r, or α/√r (rsLoRA)
        bound = 1 / math.sqrt(base.in_features)  # A starts like nn.Linear's weights (and peft's A)
        self.A = nn.Parameter(torch.empty(rank, base.in_features).uniform_(-bound, bound))
        self.B = nn.Parameter(torch.zeros(base.out_features, rank))  # B = 0: starts as the base layer

    def forward(self, x):
        return self.base(x) + self.scaling * ((x @ self.A.T) @ self.B.T)  # W x + b + s·B(A x)

    def delta_weight(self):
        return self.scaling * (self.B @ self.A)  # the update s·B A, shaped like W

    @torch.no_grad()
    def merged(self):
        layer = copy.deepcopy(self.base)
        layer.weight.add_(self.delta_weight())  # W' = W + s·B A: one ordinary nn.Linear
        return layer.requires_grad_(True)


# %% [markdown]
# Each property on one 64→64 layer with r = 4, α = 4. The merge check is not a tautology: the LoRA
# layer computes W x + b + s·B(A x) with three small matrix products, the merged layer one product
# with W + s·BA.

# %%
torch.manual_seed(0)
base = nn.Linear(64, 64)
layer = LoRALinear(base, rank=4, alpha=4.0)
x = torch.randn(5, 64)
with torch.no_grad():  # only looking: no gradients needed here
    print("outputs (of 320) that differ from the base layer's at the start (B = 0):",
          int((layer(x) != base(x)).sum()))
    print("trainable:", count_parameters(layer), "= r·(d_in + d_out) = 4·(64 + 64);  frozen:",
          count_parameters(layer, trainable_only=False) - count_parameters(layer))
    layer.B.normal_()  # pretend training moved B
    merged = layer.merged()
    print("weights (of 4,096) the merge changes:", int((merged.weight != base.weight).sum()),
          "| rank of the update:", int(torch.linalg.matrix_rank(layer.delta_weight())))
    print("outputs (of 320) where the merged nn.Linear and the LoRA layer differ by more than 1e-5:",
          int(((merged(x) - layer(x)).abs() > 1e-5).sum()))

# %% [markdown]
# (Differences below 1e-5 are float32 rounding: the merge is exact.)
#
# On the whole network, the LoRA runs of section 3 wrapped both 64→64 hidden layers. Merging a
# trained one gives back a plain MLP with the same predictions:

# %%
trained = results["inverted"]["LoRA"][0].model
plain = merge_lora(trained)
X_test = tasks["inverted"][0].X_test
print("LoRA layers:", [name for name, _ in lora_layers(trained)], "| LoRA layers left after merging:",
      len(lora_layers(plain)))
print("test images on which the merged model predicts a different class:",
      int((plain(X_test).argmax(1) != trained(X_test).argmax(1)).sum()), "of", len(X_test))

# %% [markdown]
# ### Rank and scaling
#
# Train LoRA on the inverted digits at ranks 1 to 32 with **α fixed at 4**, under both scalings:
# the LoRA paper's α/r and rsLoRA's α/√r. All
# runs are computed here, once, so the controls answer at once. The picture shows one scaling at a
# time: switch to see the other. Left: test error against rank
# (median over the 8 seeds; each seed of the chosen rank as a dot; the probe and full fine-tuning
# as lines). Right: the size of the update LoRA learnt, ‖ΔW‖ = ‖s·BA‖ summed over both layers
# (Frobenius norm, median over seeds); its title gives the parameters the chosen rank trains. Each
# scaling trains at **its own** adapter learning rate, chosen on validation images by
# `data/scripts/tune_transfer.py` (lowest validation error averaged over ranks 1, 4 and 16).
#
# **Question** (predict first). As the rank grows from 1 to 32, what happens to the size ‖ΔW‖ of
# the update LoRA learns in 200 steps? A: it grows with the rank under both scalings; B: it stays
# about the same under both; C: it shrinks under α/r and does not shrink under α/√r; D: it shrinks
# under both. Answer, then move the **rank** slider and switch the **scaling**.

# %%
answer = ...  # "A", "B", "C" or "D"
exercises.check("05.rank", answer)

# %% tags=["nbval-ignore-output"]
ranks = (1, 2, 4, 8, 16, 32)
sweep = transfer.rank_sweep(pretrained, tasks["inverted"], ranks, search["rank_lr"]["LoRA"],
                            rslora_lr=search["rank_lr"]["rsLoRA"], head_lr=search["rank_head_lr"])
references = {m: results["inverted"][m] for m in ("linear probe", "full fine-tune")}
rank_explorer = plots.rank_explorer(sweep, references, alpha=transfer.LORA_ALPHA, target="inverted")
rank_explorer.show()
for rslora, label in ((False, "α/r  "), (True, "α/√r ")):
    print(label, "median test error by rank:", ", ".join(
        f"{r}: {transfer.median_error(sweep[(r, rslora)]):.3f}" for r in ranks))

# %% [markdown]
# Under α/r the learnt update *shrinks* as the rank grows (under α/√r, at its own lr, it stays about
# the same), and the error stays flat (0.069–0.073
# at every rank): the extra directions are damped by the falling scale, so extra rank buys
# nothing. Under α/√r the scale falls more slowly, so high ranks get to use their capacity
# (rsLoRA's point); at its own learning rate (3·10⁻⁴, smaller than α/r's 10⁻³, chosen on
# validation images) its error falls from 0.083 at rank 1 to 0.063–0.064 at ranks 16–32, a
# little below α/r's (0.073, 0.072): lower on 6 of 8 seeds at rank 16 (a weak win by section 3's
# rule, not checked on fresh seeds) and on only 4 of 8 at rank 32 (a tie). (At rank 1 both scalings use s = 4, so the gap there is the learning rate
# alone.) On
# this small task a rank of 2–4 is enough either way. What LoRA saves here is trainable parameters
# and optimizer state (1,674 instead of 8,970 at rank 4, though 8,842 at rank 32; in GPT-3,
# 10,000× fewer). In this tiny MLP a step costs about the same either way; on large models Hu et
# al. report about 25% higher training throughput, as no gradients or optimizer state are
# computed for the frozen weights.

# %% [markdown]
# ## 7. The same with `peft`, and what the papers report
#
# Outside this course you would use Hugging Face's [`peft`](https://huggingface.co/docs/peft)
# library, which wraps the `nn.Linear` layers of any model chosen by name. The same adaptation on a
# real pretrained model from the Hugging Face Hub (here DistilBERT, for a two-class text task)
# reads:
#
# ```python
# from peft import LoraConfig, get_peft_model
# from transformers import AutoModelForSequenceClassification
#
# model = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased", num_labels=2)
# config = LoraConfig(r=4, lora_alpha=4, use_rslora=False,     # rank, alpha, alpha/r (True: alpha/sqrt(r))
#                     target_modules=["q_lin", "v_lin"],       # which nn.Linear layers get an adapter
#                     modules_to_save=["pre_classifier", "classifier"])  # the new head trains in full
# model = get_peft_model(model, config)                        # freezes the rest, B = 0 at the start
# model.print_trainable_parameters()                           # about 1% of 67 million
# # ... train as usual (torch optimizer or transformers.Trainer) ...
# merged = model.merge_and_unload()                            # W + s·BA: a plain model again
# ```
#
# `LoraConfig(r, lora_alpha, use_rslora, target_modules)` is our `add_lora(model, rank, alpha,
# use_rslora=..., targets=...)`; the course's tests check that `peft` and `course_lib.fine_tuning.lora` give the
# same outputs and the same merged weights for the same A and B.
#
# What the papers report:
#
# - **Hu et al. 2021 (LoRA)**: on GPT-3 175B, LoRA matched or beat full fine-tuning on their
#   benchmarks while training about **10,000× fewer parameters** with 3× less GPU memory and
#   about 25% higher training throughput (no gradients or optimizer state for the frozen weights),
#   and merging means no extra inference latency. Very small ranks (r = 1–8) were often enough.
# - **Biderman et al. 2024, "LoRA Learns Less and Forgets Less"**: on *code and math*, far from the
#   pretraining data, LoRA clearly underperforms full fine-tuning, whose updates have rank 10–100×
#   higher than typical LoRA settings; in return LoRA forgets less of the source domain.
# - **Kumar et al. 2022**: full fine-tuning can *distort* good pretrained features, which hurts
#   out-of-distribution accuracy; LP-FT (probe first, then fine-tune) keeps them, about 10% better
#   out of distribution and about 1% better in distribution on their benchmarks. In our
#   in-distribution tests LP-FT was never better than full fine-tuning by more than seed noise,
#   and on the inverted digits LoRA beat LP-FT on 8 of 8 seeds (0.069 against 0.085).
# - **Yosinski et al. 2014**: features of the first layers transfer well, later ones less so, and
#   transfer helps less the more the target task differs from the source.
#
# ## Takeaways
#
# - Fine-tuning starts from a pretrained model and continues training on the target; the new head
#   starts at zero, the body from what was learned.
# - Which method wins depends on how source and target are related: the same task, a tie, so take
#   the cheapest, the frozen probe; a simple shift of the inputs, a method that changes the body
#   (LoRA, fine-tuning, LP-FT); a different input structure, nothing beats scratch (**negative
#   transfer**). Compare with a from-scratch baseline, over several seeds (count the seeds each
#   method wins), each method at its own tuned learning rates, the new head at its own.
# - Pretraining saves *steps*, not time per step; how many fine-tunes repay it depends on the
#   target error and the labels (from about 3.5 to 400 here, never on the rotated digits), and with few labels
#   it buys accuracy that scratch never reaches.
# - LoRA trains a low-rank update s·BA, s = α/r (or α/√r in rsLoRA); B = 0 makes it start at the
#   pretrained model, and merging gives an ordinary layer with the same outputs.
# - Load checkpoints with `torch.load(..., weights_only=True)`: a pickle can run code.
#
# ## Exercises
#
# Replace each `...` with your answer and run the cell: it tells you whether you are right, and
# gives a hint if not (a more specific one after each further attempt). Sections 3 and 6 asked
# three predictions already. After the last hint, `exercises.solution(key)` prints a worked
# solution.
#
# **1.** A deployed layer holds `W_merged`, a frozen weight with the adapter (`A_old`, `B_old`)
# merged in. Write `swap_adapter(W_merged, A_old, B_old, A_new, B_new, alpha)`: the weight with the
# new adapter merged in instead of the old one. The two adapters have different ranks (`A` is
# r × d_in, `B` is d_out × r) and the same `alpha`, with `LoRALinear`'s scaling. The check compares
# it with `LoRALinear.merged()` on random inputs.

# %%
def swap_adapter(W_merged, A_old, B_old, A_new, B_new, alpha):
    return ...  # your code: the new merged weight, shape (d_out, d_in)


exercises.check("05.swap_adapter", swap_adapter)

# %% [markdown]
# **2.** A colleague has our pretrained backbone and 3 labelled images per class of new digits,
# written by other people but with the same pen, size and centring as the source digits. They plan
# LoRA "because it is what everyone fine-tunes with". Which of the five methods of the headline do
# you recommend? (Answer with its name.)

# %%
answer = ...
exercises.check("05.choose", answer)
