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
# This notebook makes that real on a laptop CPU, with a pretrained model that ships with the course:
#
# 1. A pretrained model: what it learned, and loading it safely
# 2. Four ways to adapt it: from scratch, linear probe, full fine-tuning, LoRA
# 3. When transfer helps, when it does not (claim C23), and what each method costs
# 4. Sample efficiency: error against the number of labelled examples
# 5. LoRA written in the open: zero start, α/r scaling, merging, and the rank (claim C24)
# 6. The same with the `peft` library (optional)
# 7. What the papers report
#
# The whole notebook runs in well under a minute.

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
import copy
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from course_lib import exercises, plots, runtime, transfer
from course_lib.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from course_lib.lora import LoRALinear, add_lora, lora_layers, lora_parameter_count, merge_lora
from course_lib.models import MLP, count_parameters

runtime.setup(seed=0)  # seeds, one CPU thread (fastest for small models), prints versions
plots.use_style()

# %% [markdown]
# ## 1. A pretrained model
#
# Real pretrained models (ResNets, BERT, Llama) took thousands of GPU hours. Ours took three
# seconds, and teaches the same lessons. It is a 1→64→64 tanh MLP with 20 outputs, trained on a
# **source task**: fit 20 different sine waves A·sin(x + φ) on [−5, 5] at once, one per output.
# To do that, its hidden layers had to learn *features* that make any such wave easy: a shared
# basis of "sine-like" shapes. The checkpoint lives in `data/sine_backbone.pt`;
# `tools/pretrain.py` regenerates it deterministically.

# %%
pretrained, meta = transfer.load_pretrained()
print(pretrained)
print("trained on:", meta["trained_on"])
print(f"source-task mean squared error: {meta['source_loss']:.1e}")
print("parameters:", count_parameters(pretrained))

# %% [markdown]
# The source task and what the pretrained model draws for four of its 20 outputs:

# %%
X_source, Y_source = transfer.sinusoid_source()
with torch.no_grad():
    Y_pretrained = pretrained(X_source)
fig, ax = plt.subplots(figsize=(7, 3.2))
for k in range(4):
    ax.plot(X_source[:, 0], Y_source[:, k], color=f"C{k}", lw=3, alpha=0.3)
    ax.plot(X_source[:, 0], Y_pretrained[:, k], color=f"C{k}", lw=1)
ax.set(title="source task: thick = true wave, thin = pretrained model", xlabel="x", ylabel="y")
plt.show()

# %% [markdown]
# ### Loading a checkpoint safely
#
# A `.pt` file written by `torch.save` is a *pickle*, and unpickling can run arbitrary code. So
# load checkpoints with `torch.load(path, weights_only=True)` (the default since PyTorch 2.6): it
# accepts tensors, numbers, strings and plain containers, and refuses anything else.
# `course_lib.checkpoints` saves only such things, and turns every failure into an error that says
# what is wrong. Two broken files (one that would run code, one cut short) and a good file loaded
# into the wrong architecture (hidden layers of 32 instead of 64):

# %%
folder = Path(tempfile.mkdtemp())
save_checkpoint(pretrained, folder / "backbone.pt", meta=meta)


class RunsCode:
    """An object whose unpickling calls a function: exactly what weights_only=True refuses."""

    def __reduce__(self):
        return (print, ("this would have run while loading!",))


torch.save({"state_dict": pretrained.state_dict(), "gift": RunsCode()}, folder / "pickled_code.pt")
(folder / "truncated.pt").write_bytes((folder / "backbone.pt").read_bytes()[:5000])

for name, model in [("pickled_code.pt", None), ("truncated.pt", None),
                    ("backbone.pt", MLP(1, 20, hidden=(32, 32), activation="tanh", task="regression"))]:
    try:
        load_checkpoint(folder / name, model)
    except CheckpointError as error:
        print(f"{type(error).__name__}: {error}\n")

# %% [markdown]
# ## 2. Four ways to adapt, on the same target data
#
# The **target task**: a *new* sine wave, of which we have only **10 labelled points**. Two
# versions: one **related** to the source (same frequency, new amplitude and phase), and one
# **shifted** (1.5 times faster: a shape the source never showed). Each method below gets the same
# 10 points, the same new zero-initialised output layer ("head"), the same optimiser (full-batch
# Adam, lr = 0.01) and the same 300 steps:
#
# | method | starts from | what trains |
# |---|---|---|
# | from scratch | random weights | everything |
# | linear probe | pretrained body, frozen | the new head only |
# | full fine-tuning | pretrained body | everything |
# | LoRA | pretrained body, frozen | the new head + a rank-2 update of the 64→64 hidden layer |

# %%
for method in transfer.METHODS:
    model = transfer.adapt(method, pretrained)
    print(f"{method:15s} trainable parameters: {count_parameters(model):5,d} "
          f"of {count_parameters(model, trainable_only=False):,}")

# %% [markdown]
# Now train all four on both targets, 8 times each (8 different target waves and training points,
# seeds 0–7), and measure the test error on a dense grid: the normalised mean squared error
# (MSE divided by the variance of the target on the grid, so 0 is perfect and 1.0 is as good as
# predicting the target's mean everywhere). Ten points make single runs noisy, so every result is
# a median over the 8 seeds, shown with its spread, and "A beats B" is counted seed by seed.

# %%
targets = transfer.sinusoid_targets(n_train=10, seeds=range(8))
results = transfer.compare(pretrained, targets)
median = transfer.median_errors(results)

# %%
# NBVAL_IGNORE_OUTPUT  (trained errors can differ in the last digits across CPUs; asserted below)
wins = {name: {m: transfer.wins(results[name][m], results[name]["scratch"]) for m in transfer.METHODS[1:]}
        for name in results}
print(f"{'test error':15s} {'related: median (25th-75th pct)':>32s} {'shifted: median (25th-75th pct)':>32s}")
for method in transfer.METHODS:
    cells = ["{1:.3f} ({0:.3f}-{2:.3f})".format(*transfer.error_quartiles(results[name][method]))
             for name in results]
    beats = "" if method == "scratch" else "  beats scratch on {} (related), {} (shifted) of 8 seeds".format(
        *(wins[name][method] for name in results))
    print(f"{method:15s} {cells[0]:>32s} {cells[1]:>32s}{beats}")
assert median["related"]["linear probe"] < median["related"]["scratch"] / 2.5
assert min(median["related"], key=median["related"].get) == "linear probe"
assert wins["related"]["linear probe"] == wins["related"]["LoRA"] == 8 and wins["shifted"]["linear probe"] <= 5
assert median["shifted"]["linear probe"] > 5 * median["related"]["linear probe"]

# %%
fig = transfer.plot_comparison(results)
plt.show()

# %% [markdown]
# What each method drew for the first target (seed 0): the black dots are all it saw.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.4), layout="constrained")
for ax, name in zip(axes, targets, strict=True):
    transfer.plot_fits(results[name], targets[name][0], ax=ax, legend=name == "shifted")
plt.show()

# %% [markdown]
# ## 3. When transfer helps, and when it does not (C23)
#
# The lecture's "works well with small datasets" holds **if source and target are related**. On
# the related target the linear probe (65 parameters) and LoRA have medians 3–4× below training
# from scratch and beat it on all 8 seeds: the pretrained features already contain the answer, and
# 10 points are enough to pick the right combination. Full fine-tuning's median is only a little
# below scratch's and their whiskers overlap: with 4,353 parameters and 10 points, it drifts away
# from the good features. On the **shifted** target the advantage is gone: the four medians lie
# between 0.20 and 0.31, their 25th–75th percentile ranges overlap, and the linear probe beats
# scratch on only about half the seeds. The frozen features that fit the related target so well
# are more than 5× worse here.

# %%
quartiles = {name: {m: transfer.error_quartiles(rs) for m, rs in by_method.items()}
             for name, by_method in results.items()}
print("related: the linear probe and LoRA beat scratch on all 8 seeds:",
      wins["related"]["linear probe"] == wins["related"]["LoRA"] == 8)
print("shifted: the four 25th-75th percentile ranges overlap (no reliable winner):",
      max(q[0] for q in quartiles["shifted"].values()) < min(q[2] for q in quartiles["shifted"].values()))
print("the linear probe's median error is more than 5x higher on the shifted target:",
      median["shifted"]["linear probe"] > 5 * median["related"]["linear probe"])

# %% [markdown]
# ### Does it save compute?
#
# The lecture says fine-tuning "saves compute and time". Not having to pretrain is a saving the
# three pretrained starts share. Among the four methods, measure what each one costs per training
# step: the parameters the optimiser updates, the state Adam keeps (2 numbers per trainable
# parameter) and the wall time of one step (median over the 16 runs above):

# %%
cost = transfer.costs({m: results["related"][m] + results["shifted"][m] for m in transfer.METHODS})
for method, c in cost.items():
    print(f"{method:15s} trainable parameters: {c['trainable']:5,d}   Adam state: {c['adam_state']:5,d} numbers")
times = [c["ms_per_step"] for c in cost.values()]
print("time per step varies less than 5x across methods, while trainable parameters vary "
      f"{cost['full fine-tune']['trainable'] // cost['linear probe']['trainable']}x:", max(times) < 5 * min(times))
fig = transfer.plot_costs(cost)
plt.show()

# %% [markdown]
# On a network this small, the time per step (right) differs far less than the parameter count
# (left): the saving in parameters does not show up as time. What shrinks with the probe and LoRA is
# what must be stored and updated per task: 65 or 321 numbers instead of 4,353, and Adam's state
# with them. In a large model those are gigabytes (Hu et al. report 3× less GPU memory for
# GPT-3 175B).

# %% [markdown]
# ### A counter-example: negative transfer
#
# Pretrain a classifier of handwritten digits 0–4 (scikit-learn's 8×8 digits), then adapt it to
# digits 5–9 with only 5 labelled images per class. The source's features were tuned to tell
# 0–4 apart, not 5–9: here training from scratch wins (its 25th–75th percentile range lies below
# every other method's), and freezing the body (linear probe) is worst. Pretraining is a prior; a
# wrong prior hurts. Yosinski et al. 2014 measured the same in ImageNet networks: features transfer
# less well the more the source and target tasks differ.

# %%
digits_pretrained = transfer.pretrain_digits(classes=(0, 1, 2, 3, 4), seed=0)
digits_results = transfer.compare(digits_pretrained, transfer.digits_targets(shots=5, seeds=range(5)))
digits_median = transfer.median_errors(digits_results)["digits 5-9"]
fig = transfer.plot_comparison(digits_results, ylabel="test error (1 - accuracy)",
                               title="digits 0-4 → digits 5-9, 5 images per class (5 seeds)")
plt.show()
digits_quartiles = {m: transfer.error_quartiles(rs) for m, rs in digits_results["digits 5-9"].items()}
print("scratch beats every adapted model, beyond the seed spread (its 75th percentile is below their 25th):",
      all(digits_quartiles["scratch"][2] < digits_quartiles[m][0] for m in transfer.METHODS[1:]))
print("the frozen body (linear probe) is the worst:", max(digits_median, key=digits_median.get) == "linear probe")

# %% [markdown]
# ## 4. Sample efficiency
#
# "Works well with small datasets" is a statement about a curve: target error against the number
# of labelled examples (related target, median over 5 seeds, band = min to max). The *absolute*
# gap between scratch and the pretrained starts (probe, LoRA) is largest with 5 examples and gone
# by 20: with enough data, training from scratch catches up. The *relative* gap is not largest at 5
# (about 5× there, about 9× at 10). The bands overlap at every size: with this little data, which
# points you happen to draw matters about as much as the method.

# %%
sizes = (5, 10, 20, 40)
efficiency = transfer.sample_efficiency(pretrained, sizes, seeds=range(5))
fig = transfer.plot_sample_efficiency(sizes, efficiency)
plt.show()
scratch_median, probe_median = (np.median(efficiency[m], axis=1) for m in ("scratch", "linear probe"))
gap = scratch_median - probe_median
print("with 5 examples the linear probe's median beats scratch's by more than 3x:",
      probe_median[0] < scratch_median[0] / 3)
print("the absolute gap shrinks as examples grow (5 > 10 > 40):", gap[0] > gap[1] > gap[3])
print("but the relative gap is larger with 10 examples than with 5:",
      scratch_median[1] / probe_median[1] > scratch_median[0] / probe_median[0])
print("with 20 and 40 examples scratch is within 2x of the probe:", bool(all(scratch_median[2:] < 2 * probe_median[2:])))

# %% [markdown]
# ## 5. LoRA written in the open (C24)
#
# Full fine-tuning updates every weight: for a large model that is a full copy per task. **LoRA**
# (Hu et al. 2021) freezes the pretrained weight W (d_out × d_in) and learns a **low-rank update**
#
# $$ W' = W + \frac{\alpha}{r} B A, \qquad A \in \mathbb{R}^{r \times d_\text{in}},\ B \in \mathbb{R}^{d_\text{out} \times r},\ r \ll d. $$
#
# - **B = 0 at the start** (A is random), so the adapted model *first equals the pretrained one*:
#   training starts from what was learned, not from a perturbed copy.
# - It trains r·(d_in + d_out) parameters instead of d_in·d_out.
# - **α/r** scales the update. Hu et al. chose it so that, with Adam, changing r needs little
#   retuning of the learning rate: a heuristic of the LoRA paper, not a law. Kalajdzievski 2023
#   (rank-stabilised LoRA, rsLoRA) shows that α/r shrinks the update too much at large r, so
#   higher ranks learn slower, and scales by α/√r instead (`use_rslora=True` in `peft`).
# - After training, BA can be **merged** into W: one ordinary `nn.Linear`, no extra cost at
#   inference.
#
# `course_lib.lora.LoRALinear` is 15 lines; its `forward` is `W x + b + (α/r)·B(A x)`. Check each
# property on one layer:

# %%
base = nn.Linear(64, 64)
layer = LoRALinear(base, rank=2, alpha=2.0, seed=0)
x = torch.randn(5, 64)
print("B starts at zero, so the outputs equal the base layer's:", torch.equal(layer(x), base(x)))
print("trainable:", count_parameters(layer), "= r·(d_in + d_out) = 2·(64 + 64);",
      "frozen:", count_parameters(layer, trainable_only=False) - count_parameters(layer))

with torch.no_grad():  # pretend training moved B
    layer.B.normal_(generator=torch.Generator().manual_seed(0))
merged = layer.merged()
print("merged weight equals W + (α/r)·B@A:",
      torch.allclose(merged.weight, base.weight + layer.scaling * layer.B @ layer.A, atol=1e-6))
print("the merged nn.Linear gives the same outputs:", torch.allclose(merged(x), layer(x), atol=1e-6))
print("rank of the update:", int(torch.linalg.matrix_rank(layer.delta_weight())))

# %% [markdown]
# The same on the whole network: `transfer.adapt("LoRA", ...)` wraps the 64→64 hidden layer
# (`block2`) of the pretrained body and adds a new head. It leaves the first layer alone: its
# weight is 64×1, so its rank is at most 1 already, and a rank-2 adapter on it would cost more
# parameters than the layer has. Before training, the hidden features are exactly the pretrained
# ones; after training, merging gives back a plain MLP with the same outputs.

# %%
lora_model = transfer.adapt("LoRA", pretrained)
X_grid = targets["related"][0].X_test
print("wrapped layers:", [name for name, _ in lora_layers(lora_model)])
print("block1 (1→64) has", lora_model.body.block1.linear.weight.numel(), "weights; a rank-2 adapter on it would add",
      lora_parameter_count(1, 64, rank=2))
print("features at the start equal the pretrained ones:", torch.equal(lora_model.body(X_grid), pretrained.body(X_grid)))
trained = results["related"]["LoRA"][0].model
plain = merge_lora(trained)
print("merged model has no LoRA layer left:", not lora_layers(plain),
      "| same outputs:", torch.allclose(plain(X_grid), trained(X_grid), atol=1e-5))

# %% [markdown]
# ### How much rank does the task need?
#
# Train LoRA at ranks 1 to 16 on both targets, with the same 8 seeds as section 2 (rank 2 *is*
# section 2's LoRA). Move the **rank** slider and pick the **target** (all precomputed, so the
# widget answers at once): left, trainable parameters against test error (median, whiskers 25th to
# 75th percentile; y-axis from 0), with the linear probe's and full fine-tuning's medians as lines
# in their colours; right, the fit for seed 0.
#
# The curves are flat. On the related target rank 1 (193 parameters) does as well as rank 16
# (2,113). On the shifted target more rank does not help either: every rank, and full fine-tuning
# with its 4,353 parameters, lands within the seed spread of the frozen linear probe. With 10
# points, what limits the shifted fit looks like the data (see the stretches without any labelled
# point on the right), not the capacity of the update.

# %%
ranks = (1, 2, 4, 8, 16)
sweeps = {name: {2: results[name]["LoRA"], **transfer.rank_sweep(pretrained, (1, 4, 8, 16), tasks)}
          for name, tasks in targets.items()}
references = {name: {m: results[name][m] for m in ("linear probe", "full fine-tune")} for name in targets}
rank_explorer = transfer.rank_explorer(sweeps, targets, references)
rank_median = {name: {r: transfer.median_error(sweeps[name][r]) for r in ranks} for name in sweeps}
for name in sweeps:
    print(f"{name}: rank 1 is within 1.3x of the best rank:",
          rank_median[name][1] < 1.3 * min(rank_median[name].values()))
print("shifted: the best rank's median lies inside the linear probe's 25th-75th percentile range:",
      quartiles["shifted"]["linear probe"][0] < min(rank_median["shifted"].values())
      < quartiles["shifted"]["linear probe"][2])
print("LoRA at rank 2 (321 parameters) has a median within 1.5x of full fine-tuning's (4,353) on both targets:",
      all(rank_median[name][2] < 1.5 * median[name]["full fine-tune"] for name in sweeps))

# %%
rank_explorer.show()

# %% [markdown]
# ## 6. The same with `peft` (optional)
#
# In practice you would use Hugging Face's [`peft`](https://huggingface.co/docs/peft) library,
# which wraps any model's `nn.Linear` layers chosen by name (`target_modules`). It is **not** a
# dependency of this course (it pulls in `transformers`); to try it, run `pip install peft` and
# re-run this cell. Nothing else in the notebook needs it.

# %%
try:
    from peft import LoraConfig, get_peft_model
except ImportError:
    print("peft is not installed: `pip install peft` (then restart the kernel) to run this cell.")
else:
    try:  # optional: a peft version this cell was not written for must not stop the notebook
        config = LoraConfig(r=2, lora_alpha=2, target_modules=list(transfer.LORA_TARGETS))  # block2.linear
        peft_body = get_peft_model(copy.deepcopy(pretrained.body), config)
        ours = add_lora(copy.deepcopy(pretrained.body), rank=2, alpha=2.0, targets=transfer.LORA_TARGETS)
        print("trainable parameters, peft:", count_parameters(peft_body), "| ours:", count_parameters(ours))
        print("peft starts at the pretrained features too:",
              torch.equal(peft_body(X_grid), pretrained.body(X_grid)))
    except Exception as error:
        print(f"peft could not wrap the model here ({type(error).__name__}: {error})")

# %% [markdown]
# ## 7. What the papers report (C24)
#
# - **Hu et al. 2021 (LoRA)**: on GPT-3 175B, LoRA matched or beat full fine-tuning on their
#   benchmarks while training about **10,000× fewer parameters** and using 3× less GPU memory, and
#   merging means no extra inference latency. They also found very small ranks (r = 1–8) often
#   enough, suggesting the needed update has low "intrinsic rank".
# - **Biderman et al. 2024, "LoRA Learns Less and Forgets Less"**: on *code and math*, where the
#   target is far from the pretraining data, LoRA clearly underperforms full fine-tuning, and the
#   updates full fine-tuning learns have rank 10–100× higher than typical LoRA settings. In return
#   LoRA forgets less of the source domain.
#
# What you saw here fits the first half, within its limits: on the related target a rank-1
# update (193 parameters) did as well as rank 16, with a lower median than full fine-tuning. The second half
# it cannot show: on the shifted target, with 10 points, no rank and not even full fine-tuning beat
# the frozen probe by more than the seed noise. Seeing "far targets need more rank" takes enough
# target data to learn a large change, as in Biderman et al.'s code and math experiments. "LoRA
# matches full fine-tuning" is true when the task needs a small change of a good model, not in
# general. Kumar et al. 2022 add a twist: full fine-tuning can *distort* good pretrained features
# (compare full fine-tuning and the probe on the related target); training the head first (linear
# probe, then fine-tune) keeps them.
#
# ## Takeaways
#
# - Fine-tuning starts from a pretrained model and continues training on the target task; the new
#   head starts at zero, the body from what was learned.
# - With a **related** target and few labels, transfer wins big (the probe and LoRA beat scratch on
#   every seed), and the cheapest method, a linear probe, is the best one. With a **shifted**
#   target the gain disappears into the seed noise, and when the source's features were tuned for
#   something else (digits 0–4's features tell 0–4 apart, not 5–9) it reverses: **negative
#   transfer**. Always compare with a from-scratch baseline, over several seeds.
# - Pretraining's absolute gain is largest when labelled data is scarcest; with enough data,
#   scratch catches up.
# - LoRA trains a low-rank update B·A scaled by α/r (or α/√r in rsLoRA); B = 0 makes it start at
#   the pretrained model, and merging gives an ordinary layer with identical outputs. Here it
#   matched full fine-tuning with 321 of 4,353 parameters: what it saves is memory and storage
#   per task, not time per step on a tiny model.
# - Load checkpoints with `torch.load(..., weights_only=True)`: a pickle can run code.
#
# ## Exercises
#
# Replace each `...` with your answer and run the cell: it tells you whether you are right and
# gives a hint if not. Stuck? `exercises.solution("05.choose")` prints a worked solution.
#
# **1.** You have 10 labelled points of a new target *related* to the source (same frequency).
# Which method do you pick: `"scratch"`, `"linear probe"`, `"full fine-tune"` or `"LoRA"`? Base
# your answer on sections 2–4.

# %%
answer = ...
exercises.check("05.choose", answer)

# %% [markdown]
# **2.** `LoRALinear(base, rank=8, alpha=16)` is merged into its weight as W' = W + s·B@A. What is s?

# %%
answer = ...
exercises.check("05.scaling", answer)

# %% [markdown]
# **3.** A linear probe on our pretrained 1→64→64 backbone, with a new head for 3 outputs: how many
# parameters train? (Check yourself with `count_parameters(transfer.adapt("linear probe", pretrained, 3))`.)

# %%
answer = ...
exercises.check("05.probe_params", answer)
