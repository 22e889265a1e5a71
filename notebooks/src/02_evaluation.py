# %% [markdown]
# # 02 · Evaluating models
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/training-nn-course/training-neural-networks/blob/main/notebooks/02_evaluation.ipynb)
#
# *Training Neural Networks: Tips, Tricks, and Evaluation*, part 2 of 5.
#
# A trained model outputs **scores**; turning them into decisions needs a **threshold**, and judging
# the decisions needs the right **metric**. This notebook follows the lecture's evaluation half and
# makes every number something you can touch:
#
# 1. The confusion matrix and accuracy, precision, recall, F1 (on a real model); which metric when
# 2. More than two classes: per-class metrics and their macro, micro and weighted averages
# 3. How to plot ROC and PR curves: sweep the threshold by hand, then use the library
# 4. Comparing two models by their curves, and a **threshold explorer**
# 5. AUC as ranking
# 6. Imbalanced data: one explorer of separation, prevalence and threshold
# 7. Choosing an operating point by cost on validation data, reporting it once on test data
#
# Every metric here is written in `course_lib.metrics` from the four counts of the confusion
# matrix, with scikit-learn's names and signatures (the tests check them against scikit-learn).
# Where a lecture slide simplifies too much, a line starting **Slide check:** says what the slide
# says and what the evidence shows. A few questions ask you to **predict** what an explorer will
# show before you move its slider: answer them first, it is how the point sticks.
# Run the cells from top to bottom (Shift+Enter); the whole notebook takes well under a minute.

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
# Library versions differ between machines.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, make_classification

from course_lib import data, exercises, metrics, runtime
from course_lib.evaluation import imbalance, metric_choice, metric_plots, operating_point, uncertainty
from course_lib.evaluation.threshold_explorer import ThresholdExplorer
from course_lib.models import build_mlp
from course_lib.style import use_style
from course_lib.training import fit, predict_scores

runtime.setup(seed=0)  # seeds, one CPU thread (fastest for small models), prints versions
use_style()  # figures sized and lettered for a projector

# %% [markdown]
# ## 1. The confusion matrix on a real model
#
# The breast cancer set bundled with scikit-learn has 569 tumours described by 30 measurements.
# We call **malignant the positive class** (in scikit-learn's coding malignant is 0, so we flip
# it), train a small MLP with `course_lib.training.fit`, and keep the test set aside.

# %%
X, target = data.load_tabular("breast_cancer")
cancer = data.split(X, (target == 0).astype(np.int64), seed=0, name="breast cancer, positive = malignant")
model = build_mlp(cancer, hidden=(16,), seed=0)
history = fit(model, cancer, lr=1e-2, batch_size=32, num_epochs=20, seed=0)
y_test = cancer.y_test.numpy()
y_score = predict_scores(model, cancer.X_test).numpy()  # P(malignant) for each test tumour
print(cancer)
print(f"test set: {int(y_test.sum())} malignant, {int((1 - y_test).sum())} benign")

# %% [markdown]
# The model outputs a **score** in [0, 1]; with the usual threshold 0.5, a score ≥ 0.5 is
# predicted positive. Counting the four outcomes gives the **confusion matrix**. scikit-learn
# (and `course_lib`) put the true class in rows and the predicted class in columns, both sorted,
# so a binary matrix reads `[[TN, FP], [FN, TP]]`. The lecture's slide puts the positives first:
# same four numbers, different corner.

# %%
y_pred = metrics.apply_threshold(y_score, 0.5)
tn, fp, fn, tp = metrics.confusion_matrix(y_test, y_pred).ravel()
print(f"TP={tp}  FN={fn}  FP={fp}  TN={tn}")
metric_plots.plot_scores_and_confusion(y_test, y_score, 0.5, class_names=("benign", "malignant"),
                                       title="test set", scale="log-odds", bins=40)
plt.show()
for miss in operating_point.missed_positives(y_test, y_score, 0.5):
    print(f"a missed malignant tumour scores {miss['score']:.4f}: a threshold low enough to catch it "
          f"flags {miss['negatives_flagged']} of {int((1 - y_test).sum())} benign tumours")

# %% [markdown]
# Left, the scores of each class and the threshold; right, what the threshold makes of them. Most
# scores lie within a hair of 0 or 1, so the axis is in **log-odds**, log(p / (1 − p)): each
# step of the ticks is a factor of 100 in the odds (labelled as probabilities), and 0.005 lies far
# from 0.05 instead of in the same bin. The errors are not all borderline cases: the three
# missed malignant tumours (hatched, left of the line) score between 0.005 and 0.05, so the model is
# confidently wrong about them. Catching them is possible, at a price the lines under the figure
# count: lowering the threshold to the highest of the three flags 11 of the 72 benign tumours,
# to catch all three 19 (26%) — instead of 3 at 0.5. Every metric of the lecture is a ratio of
# these four counts:
#
# | metric | formula | question it answers |
# |---|---|---|
# | accuracy | (TP + TN) / all | how often is the model right? |
# | precision | TP / (TP + FP) | of what we predicted positive, how much was positive? |
# | recall (TPR) | TP / (TP + FN) | of all actual positives, how many did we catch? |
# | F1 | 2·P·R / (P + R) = 2TP / (2TP + FP + FN) | a balance of precision and recall |
# | FPR | FP / (FP + TN) | of all negatives, how many did we flag? |
#
# The same numbers from `course_lib.metrics`, next to the counts they come from:

# %%
rows = [("accuracy", "(TP + TN) / all", f"({tp} + {tn}) / {tp + tn + fp + fn}", metrics.accuracy_score),
        ("precision", "TP / (TP + FP)", f"{tp} / ({tp} + {fp})", metrics.precision_score),
        ("recall", "TP / (TP + FN)", f"{tp} / ({tp} + {fn})", metrics.recall_score),
        ("F1", "2TP / (2TP + FP + FN)", f"{2 * tp} / ({2 * tp} + {fp} + {fn})", metrics.f1_score)]
for name, formula, counts, score in rows:
    print(f"{name:9s} = {formula:21s} = {counts:18s} = {score(y_test, y_pred):.3f}")

# %% [markdown]
# ### Which metric when
#
# The lecture's rules of thumb: *accuracy* when the classes are balanced and both errors cost the
# same (cat vs dog); *precision* when false positives are costly (a spam filter must not bin
# important mail); *recall* when false negatives are dangerous (a missed malignant tumour); *F1*
# when one number must be low if either precision or recall is low.
#
# Why it matters: the metric can decide which model wins. Two screening models see the same 1,000
# patients, 50 of them ill. A flags generously, B sparingly. If a missed patient costs as much as
# 20 false alarms (a second test is cheap, a missed disease is not), the total cost is
# FP + 20·FN:

# %%
table = metric_choice.compare(metric_choice.SCREENING, cost_ratio=20)
names = list(metric_choice.SCREENING)
for name, (tn_m, fp_m, fn_m, tp_m) in metric_choice.SCREENING.items():
    print(f"{name:22s} TP={tp_m:3d} FN={fn_m:3d} FP={fp_m:3d} TN={tn_m}")
print(f"\n{'metric':10s} {'A':>7s} {'B':>7s}  winner")
for metric, row in table.items():
    digits = 0 if metric == "cost" else 3
    print(f"{metric:10s} {row[names[0]]:7.{digits}f} {row[names[1]]:7.{digits}f}  {row['winner']}")
ratio = metric_choice.break_even_ratio(*metric_choice.SCREENING.values())
print(f"\nA is cheaper as soon as a miss costs more than {ratio:.1f} false alarms")
metric_choice.plot_comparison(metric_choice.SCREENING, cost_ratio=20)
plt.show()

# %% [markdown]
# Accuracy, precision and F1 crown B; recall and the cost crown A. Accuracy's 0.974 rests on 944
# easy true negatives; B misses 20 of the 50 ill patients. Which model is "better" is a question
# about the two errors' costs, and must be settled before looking at the numbers.
#
# ## 2. More than two classes
#
# With C classes the confusion matrix is C × C, and each class gets its own precision, recall and
# F1 by treating it as "positive" and all others as "negative". Three ways to average them:
# **macro** (plain mean over classes: every class counts the same), **weighted** (mean weighted by
# each class's support), **micro** (pool the counts of all classes first; for single-label data it
# equals accuracy, so `classification_report` prints it as the **accuracy** row, as scikit-learn
# does). Here: an MLP reading the 8 × 8 handwritten digits.

# %%
X_digits, digit = data.load_tabular("digits")
digits = data.split(X_digits, digit, seed=0, name="digits")
digit_model = build_mlp(digits, hidden=(32,), seed=0)
_ = fit(digit_model, digits, lr=1e-2, batch_size=64, num_epochs=15, seed=0)
P = predict_scores(digit_model, digits.X_test).numpy()  # one probability per class
y_digit_test, y_digit_pred = digits.y_test.numpy(), P.argmax(axis=1)
print(metrics.classification_report(y_digit_test, y_digit_pred, digits=3))

# %%
micro = metrics.precision_recall_fscore_support(y_digit_test, y_digit_pred, average="micro")[:3]
print("micro precision / recall / F1: " + " / ".join(f"{v:.3f}" for v in micro)
      + f"; accuracy: {metrics.accuracy_score(y_digit_test, y_digit_pred):.3f}")
metric_plots.plot_multiclass(y_digit_test, y_digit_pred, title="digits")
plt.show()

# %% [markdown]
# Pooled over all classes, every mistake is one false positive (for the class predicted) and one
# false negative (for the true class), so micro precision, micro recall, micro F1 and accuracy are
# the same number. The off-diagonal cells show *which* digits get confused, and the right panel
# which classes pay for it, something no single average tells you.
#
# ## 3. How to plot ROC and PR curves
#
# A rarer positive class: **"is it a 9?"** Only about 10% of the digits are nines. Train a binary
# MLP on that question.

# %%
nines = data.split(X_digits, (digit == 9).astype(np.int64), seed=0, name="digits: is it a 9?")
nine_model = build_mlp(nines, hidden=(16,), seed=0)
_ = fit(nine_model, nines, lr=1e-2, batch_size=64, num_epochs=10, seed=0)
y9 = nines.y_test.numpy()
s9 = predict_scores(nine_model, nines.X_test).numpy()
print(f"test set: {int(y9.sum())} nines among {len(y9)} digits (prevalence {y9.mean():.2f})")

# %% [markdown]
# The lecture's recipe: the model outputs probabilities; sweep the threshold (classify as positive
# if score ≥ 0.9, then 0.8, 0.7, …); at each threshold build the confusion matrix and compute
# TPR (recall) = TP / (TP + FN), FPR = FP / (FP + TN) and precision = TP / (TP + FP). The **ROC
# curve** plots TPR against FPR, the **PR curve** precision against recall.

# %%
thresholds = np.round(np.arange(0.9, 0.0, -0.1), 1)
rows = []
print(" t    TP  FN  FP   TN   TPR    FPR   precision")
for t in thresholds:
    tn_t, fp_t, fn_t, tp_t = metrics.confusion_matrix(y9, metrics.apply_threshold(s9, t), labels=[0, 1]).ravel()
    tpr, fpr, prec = tp_t / (tp_t + fn_t), fp_t / (fp_t + tn_t), tp_t / (tp_t + fp_t)
    rows.append((tpr, fpr, prec))
    print(f"{t:.1f}  {tp_t:3d} {fn_t:3d} {fp_t:3d}  {tn_t:3d}  {tpr:.3f}  {fpr:.3f}  {prec:.3f}")
hand_tpr, hand_fpr, hand_precision = np.array(rows).T
print(f"{len(thresholds)} thresholds, but only {len(set(rows))} different points: some rows repeat")

# %% [markdown]
# Nine thresholds do **not** give nine points: where no score lies between two neighbouring
# thresholds, no count changes, and the rows of the table repeat. A count can only change where
# the threshold passes a score, which is exactly why the library sweeps the **unique scores**,
# and nothing else: every change, no repeats. It sorts the scores once instead of recounting:
# `metrics.roc_curve` and `metrics.precision_recall_curve`, drawn below under the hand-made points.
# All the hand points crowd into one corner (this model is good), so a zoom panel beside each curve
# magnifies it (the grey box marks what it shows).

# %%
fpr, tpr, _ = metrics.roc_curve(y9, s9)
precision, recall, pr_thresholds = metrics.precision_recall_curve(y9, s9)
print(f"{len(s9)} test scores, {len(np.unique(s9))} of them different: the PR curve has "
      f"{len(pr_thresholds)} thresholds, one per unique score")
print(f"ROC AUC {metrics.roc_auc_score(y9, s9):.3f} · average precision {metrics.average_precision_score(y9, s9):.3f}")
metric_plots.plot_hand_sweep(y9, s9, hand_fpr, hand_tpr, hand_precision,
                             hand_label="thresholds 0.9, 0.8, … (by hand)")
plt.show()

# %% [markdown]
# **Slide check:** the slide sweeps a grid of thresholds and joins the points with straight lines.
# - The thresholds that matter are the **unique scores**, not a grid from 0 to 1; a grid can miss
#   every change between two of its values (the hand points sit on the library curve, but are few).
# - A PR curve must **not be interpolated linearly** between points: precision does not change
#   linearly with recall, and straight lines overstate the area. Average precision sums rectangles
#   (a staircase), as scikit-learn does; the ROC AUC uses trapezoids, which is exact for ROC.
# - The curves only use the **order** of the scores: they need scores, not calibrated probabilities.
#
# ## 4. Comparing two models by their curves
#
# A harder question, so that the classes overlap: the same tumours, but the model sees only **two**
# of the 30 measurements (mean texture and mean smoothness). Which model is better, and by how much?
# Choosing between models is a decision, so we compare them on the **validation** set; the test
# set waits until every choice is made.

# %%
feature_names = ("mean texture", "mean smoothness")
columns = [load_breast_cancer().feature_names.tolist().index(name) for name in feature_names]
hard = data.split(X[:, columns], (target == 0).astype(np.int64), seed=0, name="two features only")
hard_model = build_mlp(hard, hidden=(16,), seed=0)
_ = fit(hard_model, hard, lr=1e-2, batch_size=32, num_epochs=30, seed=0)
y_hard_val, s_hard_val = hard.y_val.numpy(), predict_scores(hard_model, hard.X_val).numpy()
y_hard, s_hard = hard.y_test.numpy(), predict_scores(hard_model, hard.X_test).numpy()
y_val, s_val = cancer.y_val.numpy(), predict_scores(model, cancer.X_val).numpy()
metric_plots.plot_model_comparison({"30 features": (y_val, s_val), "2 features": (y_hard_val, s_hard_val)},
                                   title="validation set")
plt.show()

# %% [markdown]
# Both models score the same validation tumours (the split has the same seed), so their curves can
# share a plot. The 30-feature curve hugs the top-left (ROC) and top-right (PR) corners; the
# 2-feature one bends away from them: at most false positive rates it catches fewer tumours, and
# at most recalls its flags are less often right. One number each summarises the gap: the AUC (area
# under the ROC curve) and the AP (area under the PR staircase), in the legends.
#
# Measured on 114 validation tumours, how sure are these numbers? A **bootstrap** redraws the
# tumours with replacement (malignant and benign separately, so that each redraw keeps 43 and 71),
# recomputes the metric on each of 1,000 redraws, and reports the middle 95% of the values. Both
# models score the same tumours, so the comparison is **paired**: each redraw scores both on the
# same tumours, and the interval is the one of their difference. An interval of the difference
# that contains 0 is a tie.

# %% tags=["nbval-ignore-output"]
for metric, name in (("roc_auc", "ROC AUC"), ("average_precision", "AP")):
    for label, scores_val in (("30 features", s_val), ("2 features", s_hard_val)):
        value, low, high = uncertainty.bootstrap_ci(y_val, scores_val, metric, seed=0)
        print(f"{name:8s} {label:12s} {value:.3f}   95% interval {low:.3f} to {high:.3f}")
    gap, low, high = uncertainty.paired_bootstrap_ci(y_val, s_val, s_hard_val, metric, seed=0)
    print(f"{name:8s} difference   {gap:+.3f}   95% interval {low:+.3f} to {high:+.3f}"
          f"  ({'a tie' if low <= 0 <= high else 'not a tie'})\n")

# %% [markdown]
# Neither interval of the difference contains 0: on both curves the 30-feature model is better
# by more than the noise of 114 tumours (AUC by about 0.09, at least 0.04; AP by about 0.12, at
# least 0.06). The intervals are wide all the same: had the two models been a few hundredths
# apart, 114 tumours could not have told which is better.
#
# ### Threshold explorer
#
# The 2-feature model's validation scores overlap enough to make the threshold matter. The
# scores were computed once; moving the **threshold** slider only recounts the confusion matrix
# (the table under the picture, positives first as on the slide) and moves the black lines and the
# two yellow points: on the ROC curve (FPR, recall) and on the PR curve (recall, precision). The
# line above the panels repeats the four counts and the metrics, so the picture alone tells the
# story. In the histogram each class's bars are scaled to the same area ("density"), so the 43
# malignant tumours are as visible as the 71 benign ones; the **grey band** right of the black
# line covers the scores ≥ threshold: everything in it is predicted positive (hatched under it:
# true positives; filled: false positives); left of the line, hatched is a missed tumour.
#
# **Predict first.** Drag the threshold above the highest score, so that no tumour is flagged.
# What will precision be? (a) 1, as at the left end of the PR curve; (b) 0: none of the flags is
# right; (c) no number at all; (d) the prevalence, 43/114.

# %%
answer = ...  # "a", "b", "c" or "d"
exercises.check("02.top_threshold", answer)

# %%
explorer = ThresholdExplorer(y_hard_val, s_hard_val, threshold=0.5, bins=20, class_names=("benign", "malignant"),
                             title="Two-feature tumour model, validation set: drag the threshold (no retraining)")
explorer.show()

# %% [markdown]
# Then try: where is F1 (the black dash-dotted line, lower right) highest, and what are precision
# and recall there? Raising the threshold only ever removes flags, yet precision (solid blue) does
# not rise smoothly: it dips and recovers. Why? The explanations are one call away:
# `exercises.solution("02.top_threshold")`. The explorer keeps what it shows in
# `explorer.state` (counts, metrics, the two points), so code can read it too.
#
# ## 5. AUC as ranking
#
# The lecture: AUC "measures how well the model ranks positives over negatives"; 1 is perfect,
# 0.5 is random guessing. Precisely: **the ROC AUC is the probability that a randomly chosen
# positive scores higher than a randomly chosen negative** (ties count one half). Check it on the
# 2-feature model's validation scores by comparing every (positive, negative) pair:

# %%
pos, neg = s_hard_val[y_hard_val == 1], s_hard_val[y_hard_val == 0]
pairs = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
print(f"{pos.size} positives × {neg.size} negatives = {pairs.size} pairs; "
      f"the positive scores higher in {pairs.mean():.4f} of them")
print(f"area under the ROC curve:                     {metrics.roc_auc_score(y_hard_val, s_hard_val):.4f}")
s64 = s_hard_val.astype(np.float64)
for name, transformed in (("scores³", s64 ** 3), ("logit(scores)", np.log(s64 / (1 - s64)))):
    print(f"area under the ROC curve of {name:14s}    {metrics.roc_auc_score(y_hard_val, transformed):.4f}")
rng = np.random.default_rng(0)
random_aucs = [metrics.roc_auc_score(rng.integers(0, 2, 2000), rng.random(2000)) for _ in range(5)]
print("five random rankings of 2,000 samples give AUC", ", ".join(f"{a:.3f}" for a in random_aucs))

# %% [markdown]
# So AUC does not depend on any threshold, and it is blind to what happens *after* ranking: any
# increasing transformation of the scores (a logit instead of a probability, a cube) leaves it
# unchanged, to the last digit printed.
#
# ## 6. Imbalanced data
#
# ### Accuracy misleads
# With 99% negatives, a model that always answers "negative" is right 99% of the time, and useless.
# A data set of 5,000 samples with 1% positives (only its labels matter here):

# %%
_, y_rare = make_classification(n_samples=5000, weights=[0.99, 0.01], flip_y=0, random_state=0)
base = imbalance.always_negative(y_rare)
print(f"{int(y_rare.sum())} positives among {len(y_rare):,}; the always-negative model: "
      f"accuracy {base['accuracy']:.3f}, recall {base['recall']:.0f}, F1 {base['f1']:.0f}, "
      f"precision {'0/0 (nothing flagged)' if np.isnan(base['precision']) else base['precision']}")

# %% [markdown]
# ### ROC and PR when positives are rare
#
# One explorer for the whole story, on simulated scores instead of a trained network (so that every
# slider answers at once). The data are **binormal**: a negative's raw measurement is drawn from
# N(0, 1), a positive's from N(separation, 1). The model's score is the probability of "positive"
# that a model trained on *balanced* classes (half positives) would output; for these data it can be
# computed exactly instead of trained. Three sliders:
# - **separation**: how far apart the two classes' raw measurements lie, in standard deviations
#   (the larger, the better the model can tell them apart);
# - **prevalence**, from rare (left) to common (right): the same 500 positives, with more
#   negatives for a rarer class (the model itself does not change);
# - **threshold** on the model's probability.
#
# The panels: the ROC and PR curves at this prevalence (blue) over those at prevalence 0.5 (thick
# grey), the confusion matrix at the threshold, and the model's accuracy, precision, recall and F1
# against the accuracy of answering "negative" for everyone (dashed line).
#
# **Predict first.** Keep separation 1.5 and threshold 0.5 and move the prevalence from 0.5 down
# to 0.01. What happens to the ROC AUC and the average precision (AP)? (a) both fall, (b) ROC AUC
# stays, AP falls, (c) ROC AUC falls, AP stays, (d) both stay.

# %%
answer = ...  # "a", "b", "c" or "d"
exercises.check("02.prevalence", answer)

# %%
prevalence_explorer = imbalance.PrevalenceExplorer(
    separation=1.5, prevalence=0.5, threshold=0.5,
    title="Binormal scores: separation, prevalence (rare → common) and threshold")
prevalence_explorer.show()

# %% [markdown]
# The same numbers, read off the explorer at three settings, all at separation 1.5
# (`prevalence_explorer.measure` computes what the panels would show, without drawing):

# %%
print("prevalence  threshold  ROC AUC     AP  accuracy  always-negative  precision  recall    FPR  false alarms / hits")
for p, t in ((0.5, 0.5), (0.01, 0.5), (0.01, 0.99)):
    m = prevalence_explorer.measure(separation=1.5, prevalence=p, threshold=t)
    alarms = f"{m['fp']:,} / {m['tp']:,}"
    print(f"{p:10g}  {t:9.2f}  {m['roc_auc']:7.3f}  {m['average_precision']:5.3f}  {m['accuracy']:8.3f}  "
          f"{m['always_negative_accuracy']:15.2f}  {m['precision']:9.3f}  {m['recall']:6.3f}  {m['fpr']:5.3f}  "
          f"{alarms:>19s}")

# %% [markdown]
# - **ROC is prevalence-invariant**: TPR is computed on the positives only and FPR on the
#   negatives only, so changing their ratio does not move the curve (blue stays on grey). The
#   AUC in the title wobbles only slightly (0.861 to 0.868 here), because each prevalence uses a
#   different number of negatives: the first ones of a single fixed draw (a rarer class takes
#   more of the same list, so every setting's negatives include those of all commoner ones). The
#   wobble between settings is the sampling noise of those 500 to 49,500 negatives. All of them
#   sit above 0.856, the AUC with endless data at separation 1.5, because every setting shares one
#   draw of 500 positives, whose noise (about ±0.01) moves them together.
#   That is a feature when you want to compare *rankings* across data sets; ROC is still valid
#   under imbalance.
# - **PR shows what a positive prediction is worth**: precision mixes both classes, so with 99
#   negatives per positive even a small FPR means many false alarms. Its baseline (a random
#   ranking) is the prevalence, not 0.5, so an AP must be read against the prevalence, and APs at
#   different prevalences are not comparable.
# - **A threshold of 0.5 collapses at 1% prevalence.** The model was calibrated for balanced
#   classes; at 1% it still flags about a quarter of all negatives (FPR 0.23), some 11,000 false
#   alarms for under 400 hits, about 30 per positive found: precision 0.03, and an accuracy of
#   0.77 against 0.99 for answering "negative" to everyone. Nothing about the model changed, only
#   the prevalence. Moving the threshold up (0.99, last row) trades recall for precision: half the
#   flags are right, but 98% of the positives are missed; which trade is right depends on the
#   costs of the two errors (section 7).
# - Which to report depends on the question (McDermott et al. 2024 argue against "PR is always
#   better"): ranking quality → ROC AUC; the usefulness of alerts at this prevalence → PR / AP.
#
# **Slide check:** the slide calls the PR curve "the correct metric" under imbalance. The evidence
# above is more nuanced: ROC stays valid (it measures the ranking, and the ranking did not change);
# PR answers another question, what a flag is worth at this prevalence. The slide's other remark,
# "FPR can look artificially low when negatives dominate", is the real point: an FPR of 0.23 sounds
# moderate, yet at 1% prevalence it meant over 11,000 false alarms.
#
# ## 7. Choosing an operating point
#
# A deployed model needs one threshold. Choose it on the **validation** set, by a rule that fits
# the problem, then report the result on the **test** set, touched once:
# - *max F1*: the best balance of precision and recall;
# - *a recall target*: the highest threshold that still catches, say, 90% of the malignant tumours;
# - *a cost ratio*: minimise FP·1 + FN·ratio, when a missed tumour costs as much as `ratio` false
#   alarms.
#
# The explorer below applies the cost rule to the 2-feature model's **validation** scores: the
# slider sets the ratio; the left panel shows the total cost of every threshold and its cheapest
# point, the middle one that point on the ROC curve, the right one where its threshold cuts the
# scores.
#
# **Predict first.** A missed tumour used to cost as much as a false alarm (1 : 1); now it costs
# ten (10 : 1). Where does the cheapest threshold move? (a) higher, (b) lower, (c) it stays.

# %%
answer = ...  # "a", "b" or "c"
exercises.check("02.cost", answer)

# %%
cost_explorer = operating_point.CostExplorer(y_hard_val, s_hard_val, value=1, class_names=("benign", "malignant"),
                                             title="Cost rule on the validation set: set the cost of a missed tumour")
cost_explorer.show()

# %% [markdown]
# Moving the slider, the cheapest threshold jumps rather than glides: the total cost only changes
# where the threshold passes one of the 114 scores, so neighbouring ratios often share it. The
# slider offers only ratios that move it; the ratios between them change nothing:

# %% tags=["nbval-ignore-output"]
offered = cost_explorer.ratios
print("the slider offers", ", ".join(f"{r:g} : 1" for r in offered))
for r in operating_point.COST_RATIOS:
    t_r = operating_point.choose_threshold(y_hard_val, s_hard_val, "cost", cost_fn=float(r))
    bayes = operating_point.bayes_threshold(r)
    note = "" if r in offered else "   (the same as the ratio before it: not on the slider)"
    print(f"ratio {r:5g} : 1   cheapest threshold on validation {t_r:.3f}   Bayes 1/(1 + ratio) {bayes:.3f}{note}")

# %% [markdown]
# Two ways to read the same choice:
# - **On the ROC curve** (middle panel): the total cost is FP + ratio·FN = N·FPR + ratio·P·(1 − TPR),
#   with N negatives and P positives, so all points on a straight line of slope N / (ratio·P) cost
#   the same: an **iso-cost line** (Fawcett 2006). The cheapest point is where the highest such
#   line touches the curve (dashed). A costlier miss flattens the line, and the point where it
#   touches slides up and right: higher recall, more false alarms, a lower threshold.
# - **Without any search**: if the scores were **calibrated** probabilities (a score of 0.2 meaning
#   a 20% chance of malignancy), flagging a tumour of probability p would cost 1 − p on average
#   and passing it p·ratio, so flagging pays exactly when p ≥ 1 / (1 + ratio): the **Bayes
#   threshold** (dotted line in the right panel). Compare the two columns of the table: close at
#   10 : 1 (0.096 against 0.091), far apart at 1 : 1 (0.725 against 0.5). Where they differ, trust
#   the search on validation data: nothing made these scores calibrated (they come from a small
#   network trained for 30 epochs).
#
# Now the three rules, each choosing its threshold on validation, and each choice reported once on
# the test set. The cost row uses the ratio the slider is set to (1 : 1 unless you moved it; rerun
# this cell after moving it).

# %% tags=["nbval-ignore-output"]
# Thresholds and metrics of a trained model can differ in the last digits between machines.
ratio = cost_explorer.slider.value
rules = {"max F1": dict(rule="max_f1"), "recall ≥ 0.9": dict(rule="recall", target_recall=0.9),
         f"cost {ratio:g} : 1": dict(rule="cost", cost_fp=1.0, cost_fn=float(ratio))}
print(f"{'rule':15s} {'threshold':>9s}   validation P / R / F1   test P / R / F1")
chosen, on_val, on_test = {}, {}, {}
for name, rule in rules.items():
    chosen[name] = t = operating_point.choose_threshold(y_hard_val, s_hard_val, **rule)
    on_val[name] = val = operating_point.report_at(y_hard_val, s_hard_val, t)
    on_test[name] = test = operating_point.report_at(y_hard, s_hard, t)
    print(f"{name:15s} {t:9.3f}   {val['precision']:.2f} / {val['recall']:.2f} / {val['f1']:.2f}"
          f"      {test['precision']:.2f} / {test['recall']:.2f} / {test['f1']:.2f}")
for i, a in enumerate(rules):
    for b in list(rules)[i + 1:]:
        if chosen[a] == chosen[b]:
            print(f"('{a}' and '{b}' pick the same threshold here, so their rows agree)")
print(f"recall ≥ 0.9 on validation ({on_val['recall ≥ 0.9']['recall']:.2f}) gave recall "
      f"{on_test['recall ≥ 0.9']['recall']:.2f} on test")

# %% [markdown]
# The numbers on the test set differ from validation, usually for the worse: the threshold was
# tuned to the validation set's quirks. The recall rule shows it most: it met 0.9 on validation
# by construction (it takes the highest threshold that does), yet fell short of it on test
# (last line above). How can one rule miss by that much? Count the tumours:

# %%
t_recall = chosen["recall ≥ 0.9"]
num_val_positives, num_test_positives = int(y_hard_val.sum()), int(y_hard.sum())
missed_val = int(((s_hard_val < t_recall) & (y_hard_val == 1)).sum())
missed_test = int(((s_hard < t_recall) & (y_hard == 1)).sum())
print(f"validation: {num_val_positives} malignant tumours (one is {1 / num_val_positives:.1%} of recall); "
      f"{missed_val} of them score below the threshold {t_recall:.3f}")
print(f"test:       {num_test_positives} malignant tumours; {missed_test} of them score below it")
for name, (y_set, s_set) in (("validation", (y_hard_val, s_hard_val)), ("test", (y_hard, s_hard))):
    value, low, high = uncertainty.bootstrap_ci(y_set, s_set, "roc_auc", seed=0)
    print(f"ROC AUC of the same model on {name:10s}: {value:.3f}   95% interval {low:.3f} to {high:.3f}")
print(f"standard error of a recall near 0.9 measured on {num_test_positives} positives: about "
      f"{np.sqrt(0.9 * 0.1 / num_test_positives):.2f}")

# %% [markdown]
# Two things add up. **This split:** the same model ranks the test tumours worse than the
# validation ones (its ROC AUC drops from 0.90 to 0.77), and far more malignant test tumours score
# below the threshold. The two bootstrap intervals overlap a little (0.84 to 0.86 lies in both):
# with about forty positives per set a gap of 0.13 is near the edge of what the luck of the draw
# alone produces, and on other random splits of the same data the gap is smaller, or goes the
# other way. **The rule:** it stops
# at the threshold where validation *just* reaches 0.9, tuned to the last few of those particular
# tumours, so on new tumours it lands below the target more often than above. Even without bad
# luck, a recall measured on forty positives is uncertain by about ±0.05. Remedies: more
# validation positives, a margin (aim above the recall you must keep), and an uncertainty with
# every reported number.
#
# That is also why the test set is touched **once**, after every choice is made. Choosing the
# threshold on the test set itself would report a number that no new patient will see:

# %% tags=["nbval-ignore-output"]
# F1 of a trained model can differ in the last digits between machines.
t_peek = operating_point.choose_threshold(y_hard, s_hard, "max_f1")
honest = on_test["max F1"]["f1"]
peeking = operating_point.report_at(y_hard, s_hard, t_peek)["f1"]
print(f"test F1, threshold {chosen['max F1']:.3f} chosen on validation (honest): {honest:.3f}")
print(f"test F1, threshold {t_peek:.3f} chosen on the test set (peeking):  {peeking:.3f}")
print(f"peeking flatters F1 by {peeking - honest:.3f}")

# %% [markdown]
# ## Exercises
#
# Replace the `...` and run the cell: a wrong answer gets feedback, and a hint that gets more
# specific with each further try. Stuck? `exercises.solution("02.precision_recall")` prints a
# worked solution (and likewise for every other key).
#
# **1.** Write `precision_recall_at(y_true, y_score, threshold)` returning `(precision, recall)`
# when a sample is predicted positive if its score reaches the threshold. Where a ratio is 0/0,
# return 0, as scikit-learn's `zero_division=0` does. The check runs it against scikit-learn on
# random inputs and shows the smallest input where they differ.

# %%
# def precision_recall_at(y_true, y_score, threshold):
#     ...
#     return precision, recall
answer = ...  # your function itself, e.g. answer = precision_recall_at
exercises.check("02.precision_recall", answer)

# %% [markdown]
# **2.** Model A reaches an average precision (AP) of 0.30 on a test set where 2% of the samples
# are positive; model B reaches 0.60 on another test set, where 40% are positive. Which is further
# above chance? Answer with its AP divided by the AP that a model ranking at random gets on the same
# test set.

# %%
answer = ...
exercises.check("02.pr_baseline", answer)

# %% [markdown]
# ## Takeaways
#
# - Every classification metric is a ratio of the confusion matrix's four counts; learn which
#   question each answers (precision: are the alarms right? recall: are the positives caught?).
#   The metric can decide which model wins: settle it (and the costs of the two errors) first.
# - Scores and a threshold make the decisions: the threshold is a choice, made on validation data,
#   by a rule that fits the costs; the test set is touched once to report it. With few positives
#   a recall target met on validation is not a guarantee: leave a margin.
# - A cost ratio picks the point where an iso-cost line of slope N / (ratio·P) touches the ROC
#   curve; for calibrated probabilities it is the Bayes threshold 1 / (1 + ratio).
# - A metric measured on a hundred cases is uncertain by several hundredths: give it a bootstrap
#   interval, and compare two models on the same cases by the interval of their difference
#   (containing 0: a tie).
# - ROC and PR curves sweep the threshold over the unique scores; PR curves are staircases, never
#   straight lines between points. Two models on one ROC and one PR plot show where one is better.
# - ROC AUC is the probability that a positive outranks a negative: 0.5 is random, and it does
#   not change with the prevalence.
# - Under imbalance accuracy misleads (always-negative: 99% accuracy, 0 recall), and a threshold
#   of 0.5 tuned for balanced classes floods the rare class with false alarms. ROC stays valid for
#   ranking; PR and average precision show what a positive prediction is worth, against a
#   baseline equal to the prevalence. Report both, and the prevalence.
# - With several classes, say which average you report: macro treats classes equally, weighted
#   follows their frequency, micro equals accuracy.
