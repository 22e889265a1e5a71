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
# 1. The confusion matrix and accuracy, precision, recall, F1 (on a real model)
# 2. More than two classes: per-class metrics and their macro, micro and weighted averages
# 3. How to plot ROC and PR curves: sweep the threshold by hand, then use the library
# 4. **Threshold explorer**: drag the threshold, watch every number and curve respond
# 5. AUC as ranking
# 6. Imbalanced data: why accuracy misleads, and what ROC and PR curves do (and do not) tell you
# 7. Choosing an operating point on validation data, reporting it once on test data
#
# Every metric here is written in `course_lib.metrics` from the four counts of the confusion
# matrix, with scikit-learn's names and signatures, and tested against scikit-learn.
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

# %%
# NBVAL_IGNORE_OUTPUT  (library versions differ between machines)
import matplotlib.pyplot as plt
import numpy as np
import sklearn.metrics as skm
from sklearn.datasets import load_breast_cancer, make_classification

from course_lib import data, exercises, imbalance, metric_plots, metrics, operating_point, plots, runtime
from course_lib.models import build_mlp
from course_lib.threshold_explorer import ThresholdExplorer
from course_lib.training import fit, predict_scores

runtime.setup(seed=0)  # seeds, one CPU thread (fastest for small models), prints versions
plots.use_style()

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
assert np.abs(y_score - 0.5).min() > 1e-4  # no score sits on the threshold: the counts are robust
cm = metrics.confusion_matrix(y_test, y_pred)
tn, fp, fn, tp = cm.ravel()
print(cm)
print(f"TP={tp}  FN={fn}  FP={fp}  TN={tn}")
print("same as sklearn.metrics.confusion_matrix:", np.array_equal(cm, skm.confusion_matrix(y_test, y_pred)))
_ = metric_plots.plot_confusion_matrix(cm, ["benign", "malignant"], title="MLP at threshold 0.5")
plt.show()

# %% [markdown]
# Every metric of the lecture is a ratio of these counts:
#
# | metric | formula | question it answers |
# |---|---|---|
# | accuracy | (TP + TN) / all | how often is the model right? |
# | precision | TP / (TP + FP) | of what we predicted positive, how much was positive? |
# | recall (TPR) | TP / (TP + FN) | of all actual positives, how many did we catch? |
# | F1 | 2·P·R / (P + R) = 2TP / (2TP + FP + FN) | a balance of precision and recall |
# | FPR | FP / (FP + TN) | of all negatives, how many did we flag? |
#
# By hand, with `course_lib.metrics`, and with scikit-learn:

# %%
by_hand = {
    "accuracy": (tp + tn) / (tp + tn + fp + fn),
    "precision": tp / (tp + fp),
    "recall": tp / (tp + fn),
    "f1": 2 * tp / (2 * tp + fp + fn),
}
ours = {name: f(y_test, y_pred) for name, f in [("accuracy", metrics.accuracy_score),
        ("precision", metrics.precision_score), ("recall", metrics.recall_score), ("f1", metrics.f1_score)]}
sklearns = {name: f(y_test, y_pred) for name, f in [("accuracy", skm.accuracy_score),
            ("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)]}
print(f"{'metric':10s} {'by hand':>8s} {'course_lib':>11s} {'sklearn':>8s}")
for name in by_hand:
    print(f"{name:10s} {by_hand[name]:8.3f} {ours[name]:11.3f} {sklearns[name]:8.3f}")
assert all(np.isclose(by_hand[k], ours[k]) and np.isclose(ours[k], sklearns[k]) for k in by_hand)

# %% [markdown]
# **Which metric when** (the lecture's examples):
# - *accuracy* when the classes are balanced and both errors cost the same (cat vs dog);
# - *precision* when false positives are costly (a spam filter must not bin important mail);
# - *recall* when false negatives are dangerous (missing a malignant tumour is worse than a
#   second look at a benign one);
# - *F1* when you need one number that is low if either precision or recall is low.
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
top2 = np.sort(P, axis=1)[:, -2:]
assert (top2[:, 1] - top2[:, 0]).min() > 1e-4  # no near-tie between two classes: robust argmax
y_digit_test, y_digit_pred = digits.y_test.numpy(), P.argmax(axis=1)
print(metrics.classification_report(y_digit_test, y_digit_pred, digits=3))

# %%
for average in ("macro", "weighted", "micro"):
    ours = metrics.precision_recall_fscore_support(y_digit_test, y_digit_pred, average=average)[:3]
    theirs = skm.precision_recall_fscore_support(y_digit_test, y_digit_pred, average=average)[:3]
    print(f"{average:8s} P/R/F1 equal to scikit-learn's: {np.allclose(ours, theirs)}")
print("micro F1 equals accuracy:", np.isclose(metrics.f1_score(y_digit_test, y_digit_pred, average="micro"),
                                              metrics.accuracy_score(y_digit_test, y_digit_pred)))
fig, ax = plt.subplots(figsize=(6.2, 5.2))
_ = metric_plots.plot_confusion_matrix(metrics.confusion_matrix(y_digit_test, y_digit_pred), ax=ax,
                                       fontsize=10, title="digits: true (rows) vs predicted (columns)")
plt.show()

# %% [markdown]
# The off-diagonal cells show *which* digits get confused, something no single number tells you.
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
assert min(np.abs(s9 - t).min() for t in thresholds) > 1e-4  # robust counts
rows = []
print(" t    TP  FN  FP   TN   TPR    FPR   precision")
for t in thresholds:
    tn_t, fp_t, fn_t, tp_t = metrics.confusion_matrix(y9, metrics.apply_threshold(s9, t), labels=[0, 1]).ravel()
    tpr, fpr, prec = tp_t / (tp_t + fn_t), fp_t / (fp_t + tn_t), tp_t / (tp_t + fp_t)
    rows.append((tpr, fpr, prec))
    print(f"{t:.1f}  {tp_t:3d} {fn_t:3d} {fp_t:3d}  {tn_t:3d}  {tpr:.3f}  {fpr:.3f}  {prec:.3f}")
hand_tpr, hand_fpr, hand_precision = np.array(rows).T
num_points = len(set(rows))
assert num_points < len(thresholds)
print(f"{len(thresholds)} thresholds, but only {num_points} different points: some rows repeat")

# %% [markdown]
# Nine thresholds do **not** give nine points: where no score lies between two neighbouring
# thresholds, no count changes, and the rows of the table repeat. A count can only change where
# the threshold passes a score, which is exactly why the library sweeps the **unique scores**,
# and nothing else: every change, no repeats. It sorts the scores once instead of recounting:
# `metrics.roc_curve` and `metrics.precision_recall_curve`, drawn below under the hand-made points.
# All the hand points crowd into one corner (this model is good), so each panel magnifies it.

# %%
fpr, tpr, _ = metrics.roc_curve(y9, s9)
precision, recall, pr_thresholds = metrics.precision_recall_curve(y9, s9)
print("thresholds are the unique scores:", np.array_equal(np.sort(pr_thresholds), np.unique(s9)))
print("ROC AUC", f"{metrics.roc_auc_score(y9, s9):.3f}", "· average precision",
      f"{metrics.average_precision_score(y9, s9):.3f}")
metric_plots.plot_hand_sweep(y9, s9, hand_fpr, hand_tpr, hand_precision,
                             hand_label="thresholds 0.9, 0.8, … (by hand)")
plt.show()

# %% [markdown]
# What the slide leaves out (erratum E19):
# - The thresholds that matter are the **unique scores**, not a grid from 0 to 1; a grid can miss
#   every change between two of its values (the hand points sit on the library curve, but are few).
# - A PR curve must **not be interpolated linearly** between points: precision does not change
#   linearly with recall, and straight lines overstate the area. Average precision sums rectangles
#   (a staircase), as scikit-learn does; the ROC AUC uses trapezoids, which is exact for ROC.
# - The curves only use the **order** of the scores: they need scores, not calibrated probabilities.
#
# ## 4. Threshold explorer
#
# A harder question, so that the classes overlap: the same tumours, but the model sees only **two**
# of the 30 measurements (mean texture and mean smoothness).

# %%
feature_names = ("mean texture", "mean smoothness")
columns = [load_breast_cancer().feature_names.tolist().index(name) for name in feature_names]
hard = data.split(X[:, columns], (target == 0).astype(np.int64), seed=0, name="two features only")
hard_model = build_mlp(hard, hidden=(16,), seed=0)
_ = fit(hard_model, hard, lr=1e-2, batch_size=32, num_epochs=30, seed=0)
y_hard_val, s_hard_val = hard.y_val.numpy(), predict_scores(hard_model, hard.X_val).numpy()
y_hard, s_hard = hard.y_test.numpy(), predict_scores(hard_model, hard.X_test).numpy()
explorer = ThresholdExplorer(y_hard, s_hard, threshold=0.5, bins=20,
                             class_names=("benign", "malignant"),
                             title="Two-feature tumour model: drag the threshold (no retraining)")

# %% [markdown]
# Drag the **threshold** slider. The scores were computed once; each move only recounts the
# confusion matrix and moves the black lines and the two gold points: on the ROC curve (FPR,
# recall) and on the PR curve (recall, precision). When you run the cell, the live confusion matrix
# (positives first, as on the slide) appears as a table left of the figure; the line above the
# panels repeats its four counts and the metrics, so the picture alone tells the story (a saved
# notebook keeps only the picture). In the histogram, the **grey band** right of the black line
# covers the scores ≥ threshold: everything in it is predicted positive (red under it: true
# positives; blue: false positives); left of the line, red is a missed tumour.
#
# Try: where is F1 highest? What happens to precision at a very high threshold, and why does it
# become "undefined" at the top?

# %%
explorer.show()

# %% [markdown]
# *Answers.* F1 peaks where the purple line of the lower-right panel does, between the extremes:
# there precision and recall are both fair. As the threshold rises, only the surest cases stay
# predicted positive, so precision tends to rise (with jumps: one false positive more or less
# counts a lot among few predictions) while recall falls. Above the highest score **nobody** is
# predicted positive: TP + FP = 0, so precision = TP / (TP + FP) = 0/0 has no value. The table
# and the header say "undefined (0/0)" and the gold PR point disappears; scikit-learn returns 0
# there with a warning, or whatever you pass as `zero_division`.
#
# The explorer keeps what it shows in `explorer.state`; `explorer.update(t)` computes it for any
# threshold (this is what the slider calls), so code and tests can drive it without a browser:

# %%
assert all(np.abs(s_hard - t).min() > 1e-4 for t in (0.3, 0.5, 0.7))  # robust counts
for t in (0.3, 0.5, 0.7):
    state = explorer.update(t)
    print(f"threshold {t}: TP={state['tp']:2d} FN={state['fn']:2d} FP={state['fp']:2d} TN={state['tn']:2d}"
          f"  ROC point (FPR, TPR) = ({state['fpr']:.3f}, {state['recall']:.3f})")
_ = explorer.update(explorer.slider.value)  # back to the slider's threshold

# %% [markdown]
# ## 5. AUC as ranking
#
# The lecture: AUC "measures how well the model ranks positives over negatives"; 1 is perfect,
# 0.5 is random guessing. Precisely (claim C4): **the ROC AUC is the probability that a randomly
# chosen positive scores higher than a randomly chosen negative** (ties count one half). Check it by
# comparing every (positive, negative) pair:

# %%
pos, neg = s_hard[y_hard == 1], s_hard[y_hard == 0]
pairs = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
print(f"{pos.size} x {neg.size} = {pairs.size} pairs; positive ranked higher in a fraction "
      f"equal to the ROC AUC: {np.isclose(pairs.mean(), metrics.roc_auc_score(y_hard, s_hard))}")
print("metrics.ranking_probability == roc_auc_score == sklearn:",
      np.isclose(metrics.ranking_probability(y_hard, s_hard), skm.roc_auc_score(y_hard, s_hard)))
s64 = s_hard.astype(np.float64)
print("same AUC for scores, scores³ and logit(scores) (increasing transforms keep the order):",
      np.isclose(metrics.roc_auc_score(y_hard, s64 ** 3), metrics.roc_auc_score(y_hard, s64))
      and np.isclose(metrics.roc_auc_score(y_hard, np.log(s64 / (1 - s64))), metrics.roc_auc_score(y_hard, s64)))
rng = np.random.default_rng(0)
random_aucs = [metrics.roc_auc_score(rng.integers(0, 2, 2000), rng.random(2000)) for _ in range(5)]
print("random scores give AUC", np.round(random_aucs, 3))

# %% [markdown]
# So AUC does not depend on any threshold, and it is blind to what happens *after* ranking: any
# increasing transformation of the scores (a logit instead of a probability, a cube) leaves it
# unchanged, as the last line above checks.
#
# ## 6. Imbalanced data
#
# ### Accuracy misleads (C3)
# With 99% negatives, a model that always answers "negative" is right 99% of the time, and useless:

# %%
for seed in range(3):
    _, y_rare = make_classification(n_samples=5000, weights=[0.99, 0.01], flip_y=0, random_state=seed)
    base = imbalance.always_negative(y_rare)
    print(f"seed {seed}: {int(y_rare.sum())} positives; always-negative accuracy {base['accuracy']:.3f}, "
          f"recall {base['recall']:.0f}, F1 {base['f1']:.0f}, precision undefined: {np.isnan(base['precision'])}")

# %% [markdown]
# ### ROC vs PR under imbalance (C5, erratum E19)
# The slide says the PR curve is "the correct metric" under imbalance. The truth has more nuance.
# Take scores where positives ~ N(1.5, 1) and negatives ~ N(0, 1), i.e. **the same ranking
# quality**, at prevalences of 50%, 10% and 1% (2000 positives each time, more negatives for a
# lower prevalence):

# %%
print("prevalence  ROC AUC  average precision")
binormal = {}
for p in (0.5, 0.1, 0.01):
    binormal[p] = imbalance.binormal_scores(p, num_positives=2000, seed=0)
    print(f"{p:10g}  {metrics.roc_auc_score(*binormal[p]):7.3f}  {metrics.average_precision_score(*binormal[p]):17.3f}")
metric_plots.plot_curves_by_prevalence(binormal)
plt.show()

# %% [markdown]
# - **ROC is prevalence-invariant**: TPR is computed on the positives only and FPR on the
#   negatives only, so changing their ratio does not move the curve. That is a feature when you
#   want to compare *rankings* across data sets; ROC is still valid under imbalance.
# - **PR shows what a positive prediction is worth**: precision mixes both classes, so with 99
#   negatives per positive even a small FPR means many false alarms. Its baseline (a random
#   ranking) is the prevalence, not 0.5, so an AP must be read against the prevalence, and APs at
#   different prevalences are not comparable.
# - Which to report depends on the question (McDermott et al. 2024 argue against "PR is always
#   better"): ranking quality → ROC AUC; the usefulness of alerts at this prevalence → PR / AP.
#   The slide's "FPR can look artificially low when negatives dominate" is the same point: a low
#   FPR can still mean many false positives in absolute numbers.
#
# ### Retraining at each prevalence
# Now with a model: the slider **regenerates the data and retrains** an MLP (200 positives in
# training each time, more negatives for a lower prevalence), then shows ROC, PR and the
# always-negative baseline. Results are cached by value; the loop below fills the cache once, so
# the slider answers at once.

# %%
prevalence_explorer = imbalance.PrevalenceExplorer(value=0.5, seed=0)
results = [prevalence_explorer.results(p) for p in imbalance.PREVALENCES]
aucs = [r["roc_auc"] for r in results]
aps = [r["average_precision"] for r in results]
assert max(aucs) - min(aucs) < 0.06 and aps[0] > 0.8 and aps[-1] < 0.35
print(f"over prevalences {imbalance.PREVALENCES}:")
print("  ROC AUC stays within 0.06:", max(aucs) - min(aucs) < 0.06)
print("  average precision falls as the prevalence falls:", bool(np.all(np.diff(aps) < 0)))
print("  AP at 1% still far above its baseline 0.01:", aps[-1] > 5 * 0.01)
_ = imbalance.plot_prevalence_sweep(results)
plt.show()

# %%
prevalence_explorer.show()

# %% [markdown]
# ## 7. Choosing an operating point
#
# A deployed model needs one threshold. Choose it on the **validation** set, by a rule that fits
# the problem, then report the result on the **test** set, touched once:
# - *max F1*: the best balance of precision and recall;
# - *a recall target*: the highest threshold that still catches, say, 90% of the malignant tumours;
# - *a cost ratio*: minimise FP·cost_fp + FN·cost_fn, here a missed tumour costs 5 false alarms.

# %%
# NBVAL_IGNORE_OUTPUT  (thresholds and metrics of a trained model can differ in the last digits)
rules = {"max F1": dict(rule="max_f1"), "recall ≥ 0.9": dict(rule="recall", target_recall=0.9),
         "cost FN = 5 FP": dict(rule="cost", cost_fp=1.0, cost_fn=5.0)}
print(f"{'rule':15s} {'threshold':>9s}   validation P / R / F1   test P / R / F1")
chosen, on_val, on_test = {}, {}, {}
for name, rule in rules.items():
    chosen[name] = t = operating_point.choose_threshold(y_hard_val, s_hard_val, **rule)
    on_val[name], on_test[name] = (operating_point.report_at(y, s, t)
                                   for y, s in ((y_hard_val, s_hard_val), (y_hard, s_hard)))
    val, test = on_val[name], on_test[name]
    print(f"{name:15s} {t:9.3f}   {val['precision']:.2f} / {val['recall']:.2f} / {val['f1']:.2f}"
          f"      {test['precision']:.2f} / {test['recall']:.2f} / {test['f1']:.2f}")
for name, other in [("max F1", "recall ≥ 0.9"), ("max F1", "cost FN = 5 FP"), ("recall ≥ 0.9", "cost FN = 5 FP")]:
    if chosen[name] == chosen[other]:
        print(f"note: '{name}' and '{other}' pick the same threshold, {chosen[name]:.3f}, so their rows agree")
print(f"recall ≥ 0.9 on validation ({on_val['recall ≥ 0.9']['recall']:.2f}) gave recall "
      f"{on_test['recall ≥ 0.9']['recall']:.2f} on test")
assert on_val["recall ≥ 0.9"]["recall"] >= 0.9
assert 0.5 < on_test["recall ≥ 0.9"]["recall"] < 0.9  # the target is missed on new data
assert chosen["cost FN = 5 FP"] <= chosen["max F1"] + 1e-9  # expensive misses: a lower threshold

# %% [markdown]
# The numbers on the test set differ from validation, usually for the worse: the threshold was
# tuned to the validation set's quirks. The recall rule shows it most: it met 0.9 on validation
# by construction (it takes the highest threshold that does), yet fell well short of it on test
# (last line above). How can one rule miss by that much? Count the tumours:

# %%
num_val_positives, num_test_positives = int(y_hard_val.sum()), int(y_hard.sum())
needed = int(np.ceil(0.9 * num_val_positives))
print(f"validation: {num_val_positives} malignant tumours, so one tumour is {1 / num_val_positives:.1%} "
      f"of recall; 'recall ≥ 0.9' means catching {needed} of them")
print(f"test: {num_test_positives} malignant tumours; a recall near 0.9 measured on so few has a "
      f"standard error of about {np.sqrt(0.9 * 0.1 / num_test_positives):.2f}")

# %% [markdown]
# With about forty positives, recall moves in steps of more than 2%, and the rule stops at the
# threshold where validation *just* reaches 0.9: it is tuned to the last few of those particular
# tumours. On new tumours, the same threshold catches fewer, and the test recall is itself
# uncertain by about ±0.05. Both errors add up, and with a weak two-feature model the scores of
# new tumours spread more than validation suggested. Remedies: more validation positives, a
# margin (aim above the recall you must keep), and an uncertainty with every reported number.
#
# That is also why the test set is touched **once**, after every choice is made. Choosing the
# threshold on the test set itself would report a number that no new patient will see:

# %%
# NBVAL_IGNORE_OUTPUT  (F1 of a trained model can differ in the last digits)
t_peek = operating_point.choose_threshold(y_hard, s_hard, "max_f1")
honest = on_test["max F1"]["f1"]
peeking = operating_point.report_at(y_hard, s_hard, t_peek)["f1"]
print(f"test F1, threshold {chosen['max F1']:.3f} chosen on validation (honest): {honest:.3f}")
print(f"test F1, threshold {t_peek:.3f} chosen on the test set (peeking):  {peeking:.3f}")
print(f"peeking flatters F1 by {peeking - honest:.3f}")
assert peeking >= honest  # the best threshold on the test set can only do better there

# %% [markdown]
# ## Exercises
#
# Replace the `...` and run the cell: a wrong answer gets a hint, and the classic mistakes (a
# percentage, the accuracy instead of F1, …) get told what they are. Stuck?
# `exercises.solution("02.f1")` prints a worked solution.
#
# **1.** A screening model gives TP = 30, FN = 20, FP = 10, TN = 940. What is its F1 score?

# %%
answer = ...
exercises.check("02.f1", answer)

# %% [markdown]
# **2.** 5% of a large test set is positive. What average precision does a model that ranks at
# random get?

# %%
answer = ...
exercises.check("02.pr_baseline", answer)

# %% [markdown]
# **3.** On validation, malignant tumours score 0.9, 0.8, 0.6 and 0.3; benign ones 0.7, 0.4, 0.2
# and 0.1. A tumour is flagged when its score ≥ the threshold. What is the highest threshold that
# flags at least 75% of the malignant tumours (recall ≥ 0.75)? (This is the recall rule of
# section 7; check with `operating_point.choose_threshold`.)

# %%
answer = ...
exercises.check("02.threshold", answer)

# %% [markdown]
# ## Takeaways
#
# - Every classification metric is a ratio of the confusion matrix's four counts; learn which
#   question each answers (precision: are the alarms right? recall: are the positives caught?).
# - Scores and a threshold make the decisions: the threshold is a choice, made on validation data,
#   by a rule that fits the costs; the test set is touched once to report it. With few positives
#   a recall target met on validation is not a guarantee: leave a margin.
# - ROC and PR curves sweep the threshold over the unique scores; PR curves are staircases, never
#   straight lines between points.
# - ROC AUC is the probability that a positive outranks a negative: 0.5 is random, and it does
#   not change with the prevalence.
# - Under imbalance accuracy misleads (always-negative: 99% accuracy, 0 recall). ROC stays valid
#   for ranking; PR and average precision show what a positive prediction is worth, against a
#   baseline equal to the prevalence. Report both, and the prevalence.
# - With several classes, say which average you report: macro treats classes equally, weighted
#   follows their frequency, micro equals accuracy.
