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
# 3. When transfer helps, and when it does not (claim C23)
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
from course_lib.lora import LoRALinear, add_lora, lora_layers, merge_lora
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
ax.set(title="source task: thick = true wave, thin = pretrained model", xlabel="x")
plt.show()

# %% [markdown]
# ### Loading a checkpoint safely
#
# A `.pt` file written by `torch.save` is a *pickle*, and unpickling can run arbitrary code. So
# load checkpoints with `torch.load(path, weights_only=True)` (the default since PyTorch 2.6): it
# accepts tensors, numbers, strings and plain containers, and refuses anything else.
# `course_lib.checkpoints` saves only such things, and turns every failure into an error that says
# what is wrong. Three broken files:

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
# | LoRA | pretrained body, frozen | the new head + a low-rank update of each hidden layer |

# %%
for method in transfer.METHODS:
    model = transfer.adapt(method, pretrained)
    print(f"{method:15s} trainable parameters: {count_parameters(model):5,d} "
          f"of {count_parameters(model, trainable_only=False):,}")

# %% [markdown]
# Now train all four on both targets, 8 times each (8 different target waves and training points,
# seeds 0–7), and measure the test error on a dense grid: the normalised mean squared error
# (MSE / variance of the target, so 1.0 is "no better than predicting 0").

# %%
targets = transfer.sinusoid_targets(n_train=10, seeds=range(8))
results = transfer.compare(pretrained, targets)
median = transfer.median_errors(results)

# %%
# NBVAL_IGNORE_OUTPUT  (trained errors can differ in the last digits across CPUs; asserted below)
print(f"{'median test error':18s} {'related':>8s} {'shifted':>8s}  trainable")
for method in transfer.METHODS:
    print(f"{method:18s} {median['related'][method]:8.3f} {median['shifted'][method]:8.3f}"
          f"  {results['related'][method][0].trainable:6,d}")
assert median["related"]["linear probe"] < median["related"]["scratch"] / 2.5
assert min(median["related"], key=median["related"].get) == "linear probe"
assert median["shifted"]["linear probe"] > 5 * median["related"]["linear probe"]

# %%
fig = transfer.plot_comparison(results)
plt.show()

# %% [markdown]
# What each method drew for the first target (seed 0): the black dots are all it saw.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for ax, name in zip(axes, targets, strict=True):
    transfer.plot_fits(results[name], targets[name][0], ax=ax)
plt.show()

# %% [markdown]
# ## 3. When transfer helps, and when it does not (C23)
#
# The lecture's "saves compute and works with small data" holds **if source and target are
# related**. On the related target every pretrained start beats training from scratch, and the
# cheapest, the linear probe with 65 parameters, is best: the pretrained features already contain
# the answer, and 10 points are enough to pick the right combination. On the shifted target the
# frozen features fit much worse and the advantage over training from scratch shrinks:

# %%
gain = {name: m["scratch"] / min(m[k] for k in transfer.METHODS[1:]) for name, m in median.items()}
print("related: every pretrained start beats scratch:",
      all(median["related"][m] < median["related"]["scratch"] for m in transfer.METHODS[1:]))
print("gain over scratch on the related target is more than twice the gain on the shifted one:",
      gain["related"] > 2 * gain["shifted"])
print("the linear probe is far worse on the shifted target (x5):",
      median["shifted"]["linear probe"] > 5 * median["related"]["linear probe"])

# %% [markdown]
# ### A counter-example: negative transfer
#
# Pretrain a classifier of handwritten digits 0–4 (scikit-learn's 8×8 digits), then adapt it to
# digits 5–9 with only 5 labelled images per class. The source's features were tuned to tell
# 0–4 apart, not 5–9: here training from scratch wins, and freezing the body (linear probe) is
# worst. Pretraining is a prior; a wrong prior hurts (Yosinski et al. 2014; He et al. 2019 found
# that with enough target data, ImageNet pretraining mostly speeds training up rather than
# improving the final result).

# %%
digits_pretrained = transfer.pretrain_digits(classes=(0, 1, 2, 3, 4), seed=0)
digits_results = transfer.compare(digits_pretrained, transfer.digits_targets(shots=5, seeds=range(5)))
digits_median = transfer.median_errors(digits_results)["digits 5-9"]
fig = transfer.plot_comparison(digits_results, title="digits 0-4 → digits 5-9, 5 images per class")
plt.gca().set_ylabel("median test error (1 - accuracy)")
plt.show()
print("scratch beats every adapted model:",
      all(digits_median["scratch"] < digits_median[m] for m in transfer.METHODS[1:]))
print("the frozen body (linear probe) is the worst:", max(digits_median, key=digits_median.get) == "linear probe")

# %% [markdown]
# ## 4. Sample efficiency
#
# "Works well with small datasets" is a statement about a curve: target error against the number
# of labelled examples (related target, median over 3 seeds, band = min to max). Pretraining
# buys the most where data is scarcest; with enough data, training from scratch catches up.

# %%
sizes = (5, 10, 20, 40)
efficiency = transfer.sample_efficiency(pretrained, sizes, seeds=range(3))
fig = transfer.plot_sample_efficiency(sizes, efficiency)
plt.show()
print("with 5 examples the linear probe beats scratch by more than 3x:",
      np.median(efficiency["linear probe"][0]) < np.median(efficiency["scratch"][0]) / 3)

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
# - **α/r** scales the update, so that changing r does not require retuning the learning rate.
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
# The same on the whole network: `transfer.adapt("LoRA", ...)` wraps each hidden `nn.Linear` of
# the pretrained body and adds a new head. Before training, its hidden features are exactly the
# pretrained ones; after training, merging gives back a plain MLP with the same outputs.

# %%
lora_model = transfer.adapt("LoRA", pretrained)
X_grid = targets["related"][0].X_test
print("wrapped layers:", [name for name, _ in lora_layers(lora_model)])
print("features at the start equal the pretrained ones:", torch.equal(lora_model.body(X_grid), pretrained.body(X_grid)))
trained = results["related"]["LoRA"][0].model
plain = merge_lora(trained)
print("merged model has no LoRA layer left:", not lora_layers(plain),
      "| same outputs:", torch.allclose(plain(X_grid), trained(X_grid), atol=1e-5))

# %% [markdown]
# ### How much rank does the task need?
#
# Move the **rank** slider: the left plot shows trainable parameters against the median test error
# on the **shifted** target (its first 4 seeds, precomputed for every rank, so the slider answers at
# once); dashed lines are the linear probe and full fine-tuning on the same 4 targets. The right
# plot is the fit for seed 0. The error broadly falls as the rank grows from 1 to 8, then flattens:
# a target far from the source needs a bigger change of the weights than rank 1 allows. No method
# is good here: with 10 points, the stretches without any labelled point dominate the error.

# %%
shifted = targets["shifted"][:4]
sweep = transfer.rank_sweep(pretrained, (1, 2, 4, 8, 16), shifted)
references = {m: results["shifted"][m][:4] for m in ("linear probe", "full fine-tune")}
rank_explorer = transfer.rank_explorer(sweep, shifted, references)
print("LoRA at rank 2 (451 parameters) is within 1.5x of full fine-tuning (4,353) on both targets "
      "(medians over 8 seeds):", all(median[name]["LoRA"] < 1.5 * median[name]["full fine-tune"] for name in median))

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
        config = LoraConfig(r=2, lora_alpha=2, target_modules=["linear"])  # block1.linear, block2.linear
        peft_body = get_peft_model(copy.deepcopy(pretrained.body), config)
        ours = add_lora(copy.deepcopy(pretrained.body), rank=2, alpha=2.0)
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
# Both fit what you saw here: with a related target a rank-1 update is enough; the further the
# target is from the source, the more rank (or full fine-tuning) it takes. "LoRA matches full
# fine-tuning" is true when the task needs a small change of a good model, not in general. Kumar
# et al. 2022 add a twist: full fine-tuning can *distort* good pretrained features; training the
# head first (linear probe, then fine-tune) keeps them.
#
# ## Takeaways
#
# - Fine-tuning starts from a pretrained model and continues training on the target task; the new
#   head starts at zero, the body from what was learned.
# - With a **related** target and few labels, transfer wins big, and the cheapest method (a linear
#   probe) can be the best one. With a **shifted** target the gain shrinks, and with an
#   unrelated source it can reverse (**negative transfer**): always compare with a from-scratch
#   baseline.
# - Pretraining is worth the most when labelled data is scarce.
# - LoRA trains a low-rank update B·A scaled by α/r; B = 0 makes it start at the pretrained model,
#   and merging gives an ordinary layer with identical outputs. It matches full fine-tuning with
#   a fraction of the parameters **when the required change is small**.
# - Load checkpoints with `torch.load(..., weights_only=True)`: a pickle can run code.
#
# ## Exercises
#
# Replace each `...` with your answer and run the cell: it tells you whether you are right and
# gives a hint if not. Stuck? `exercises.solution("05.lora_params")` prints a worked solution.
#
# **1.** How many trainable parameters does a rank-4 LoRA adapter add to `nn.Linear(256, 128)`?

# %%
answer = ...
exercises.check("05.lora_params", answer)

# %% [markdown]
# **2.** `LoRALinear(base, rank=8, alpha=16)` is merged into its weight as W' = W + s·B@A. What is s?

# %%
answer = ...
exercises.check("05.scaling", answer)

# %% [markdown]
# **3.** A linear probe on our pretrained 1→64→64 backbone, with a new head for 3 outputs: how many
# parameters train? (`transfer.adapt("linear probe", pretrained, 3)` can check you.)

# %%
answer = ...
exercises.check("05.probe_params", answer)
