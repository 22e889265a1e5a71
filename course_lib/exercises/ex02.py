"""Exercises of notebook 02: evaluating models.

Three predictions tied to the notebook's explorers (threshold, prevalence, cost ratio), one
function to write (precision and recall at a threshold) and one number (the PR baseline).
"""

from __future__ import annotations

import numpy as np
import sklearn.metrics as skm

from . import CodeExercise, Exercise, Prediction, close_to


# ----------------------------------------------------------------------------- precision and recall
def precision_recall_at(y_true, y_score, threshold):
    """(precision, recall) of predicting positive when score >= threshold; 0 for 0/0 (reference)."""
    y_pred = (np.asarray(y_score) >= threshold).astype(int)
    return (skm.precision_score(y_true, y_pred, zero_division=0.0),
            skm.recall_score(y_true, y_pred, zero_division=0.0))


def _counts(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true) == 1, np.asarray(y_pred)
    return int((y_pred & y_true).sum()), int((y_pred & ~y_true).sum()), int((~y_pred & y_true).sum())


def _strict(y_true, y_score, threshold):
    """Wrong: ``>`` instead of ``>=``."""
    tp, fp, fn = _counts(y_true, np.asarray(y_score) > threshold)
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def _recall_over_flagged(y_true, y_score, threshold):
    """Wrong: recall divided by the predicted positives, like precision."""
    tp, fp, fn = _counts(y_true, np.asarray(y_score) >= threshold)
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fp) if tp + fp else 0.0)


def _nan_for_zero_over_zero(y_true, y_score, threshold):
    """Wrong: 0/0 left as NaN."""
    tp, fp, fn = _counts(y_true, np.asarray(y_score) >= threshold)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.float64(tp) / np.float64(tp + fp), np.float64(tp) / np.float64(tp + fn)


def _swapped(y_true, y_score, threshold):
    """Wrong: (recall, precision) instead of (precision, recall)."""
    precision, recall = precision_recall_at(y_true, y_score, threshold)
    return recall, precision


def _random_case(rng: np.random.Generator, size: int) -> tuple:
    """Labels, scores in steps of 0.1 (ties!) and a threshold that is one of the scores, or 1.0."""
    y_true = rng.integers(0, 2, size)
    y_score = rng.integers(0, 10, size) / 10
    threshold = float(rng.choice(np.r_[y_score, 1.0]))
    return y_true, y_score, threshold


EXERCISES = {
    "top_threshold": Prediction(
        question="Before you touch the threshold explorer: drag the threshold above the highest "
        "score, so that no tumour is flagged. What will precision be?",
        choices={"a": "1, as at the left end of the PR curve", "b": "0: none of the flags is right",
                 "c": "no number at all", "d": "the prevalence, 43/114"},
        answer="c",
        feedback={
            "a": "the PR curve does end at precision 1 on the left, but that point is a convention, "
            "not a measurement: scikit-learn's precision_recall_curve appends (recall 0, precision 1) "
            "so that the staircase has a start. At the highest threshold that still flags one "
            "tumour, precision is 1 or 0 depending on that one tumour; above it nothing is flagged. "
            "Count TP and FP there, then watch the table's precision cell at the far right of the "
            "slider.",
            "b": "0 would mean flags that are all wrong; above the highest score there are no flags "
            "at all. Count TP and FP there and write precision as their ratio; then watch the "
            "table's precision cell at the far right of the slider.",
            "c": "precision = TP / (TP + FP) and nothing is flagged, so TP + FP = 0: the table says "
            "'undefined (0/0)' and the PR point disappears. scikit-learn returns 0 there with a "
            "warning, or whatever you pass as zero_division; its PR curve's point (0, 1) is a "
            "convention that gives the staircase a start. Recall is 0 (TP = 0 of all positives).",
            "d": "The prevalence is the precision of flagging *everyone* (threshold 0, the left end "
            "of the slider), not of flagging no one. Compare both ends of the slider.",
        },
        hints=("Count the flagged tumours above the highest score, then write precision as a "
               "fraction of counts.",),
        solution="No number: precision is undefined (0/0). Above the highest score no tumour is "
        "flagged: TP = FP = 0, so precision = TP / (TP + FP) = 0/0. The PR curve's left end at "
        "precision 1 is scikit-learn's convention (it appends the point (0, 1)), not a measured "
        "precision. Below the top, only the surest cases are flagged and precision is high. The "
        "'Then try' questions: F1 peaks in the middle of the range (near "
        "0.5 for these scores), where precision and recall are both fair, not where either one is "
        "best. Precision dips and recovers because raising the threshold unflags one tumour at a "
        "time: unflagging a benign one (a false positive) raises precision, unflagging a malignant "
        "one (a true positive) lowers it; recall can only fall.",
    ),
    "prevalence": Prediction(
        question="Before you move the prevalence slider: keep separation 1.5 and threshold 0.5 and "
        "move the prevalence from 0.5 down to 0.01 (the same model, 50 times fewer positives per "
        "negative). What happens to the ROC AUC and the average precision (AP)?",
        choices={"a": "both fall", "b": "ROC AUC stays, AP falls", "c": "ROC AUC falls, AP stays",
                 "d": "both stay"},
        answer="b",
        feedback={
            "a": "Watch the ROC panel: the blue curve stays on the grey one of prevalence 0.5, and "
            "the AUC in its title changes by less than 0.01 (sampling noise). TPR is "
            "computed on the positives only and FPR on the negatives only, so their ratio cannot "
            "move the ROC curve.",
            "b": "The ROC curve (and its AUC) stays on the grey curve of prevalence 0.5, because TPR "
            "and FPR each look at one class only. Precision mixes both classes, so with 99 "
            "negatives per positive even a small FPR means many false alarms: the PR curve and AP "
            "fall (but stay above the new baseline, the prevalence).",
            "c": "The other way round: look at the PR panel's title and its blue staircase sinking "
            "under the grey one, while the ROC curve does not move.",
            "d": "Look at the PR panel: the staircase sinks as the prevalence falls. Precision = TP / "
            "(TP + FP) depends on how many negatives there are per positive.",
        },
        hints=("Which of TPR, FPR and precision mixes the two classes in one ratio?",),
        solution="ROC AUC stays (about 0.86 at separation 1.5, up to sampling noise of less than "
        "0.01), AP falls (about 0.86 at prevalence 0.5, "
        "about 0.13 at 0.01, still far above the random baseline 0.01). At threshold 0.5 the "
        "model flags about 23% of the negatives at every prevalence; at 1% that is some 11,000 "
        "false alarms for under 400 true positives: precision 0.03, and an accuracy of 0.77, far "
        "below the 0.99 of answering 'negative' for everyone.",
    ),
    "cost": Prediction(
        question="Before you move the cost-ratio slider: a missed tumour used to cost as much as a "
        "false alarm (1 : 1); now it costs ten false alarms (10 : 1). Where does the cheapest "
        "threshold on the validation data move?",
        choices={"a": "higher", "b": "lower", "c": "it stays"},
        answer="b",
        feedback={
            "a": "A higher threshold flags fewer tumours, so it misses more, and each miss now costs "
            "ten. Watch the yellow point on the cost curve as you move the slider to the right.",
            "b": "Misses have become expensive, so the rule accepts more false alarms to miss fewer "
            "tumours: the threshold falls and recall rises (see the right panel's title).",
            "c": "The total cost FP + ratio·FN changes its shape with the ratio; its minimum moves. "
            "Watch the yellow point as you move the slider.",
        },
        hints=("Which error does a lower threshold make fewer of?",),
        solution="Lower. Total cost = FP + 10·FN: every missed tumour (FN) now outweighs ten false "
        "alarms, so the cheapest threshold flags more tumours, accepting more false alarms to "
        "miss fewer. On this validation set the threshold falls and recall rises to 1.",
    ),
    "precision_recall": CodeExercise(
        question="Write precision_recall_at(y_true, y_score, threshold) returning (precision, recall) "
        "when a sample is predicted positive if its score reaches the threshold. Where a ratio is "
        "0/0, return 0, as scikit-learn's zero_division=0 does.",
        reference=precision_recall_at,
        make_inputs=_random_case,
        hints=("Build the predictions first (which comparison does 'reaches the threshold' mean for a "
               "score exactly equal to it?), then count TP, FP and FN.",
               "Precision and recall share the numerator TP. Which counts go under it? Precision "
               "asks 'of the flagged samples, how many are positive?', recall 'of the positive "
               "samples, how many are flagged?'.",
               "Test your function with a threshold above every score: nothing is flagged. Which "
               "denominator is 0 there, and what does the question ask you to return instead?"),
        solution="def precision_recall_at(y_true, y_score, threshold):\n"
        "    y_true = np.asarray(y_true) == 1\n"
        "    y_pred = np.asarray(y_score) >= threshold      # >=: a score equal to the threshold is flagged\n"
        "    tp = int((y_pred & y_true).sum())\n"
        "    fp = int((y_pred & ~y_true).sum())\n"
        "    fn = int((~y_pred & y_true).sum())\n"
        "    precision = tp / (tp + fp) if tp + fp else 0.0   # of the flagged, how many are positive\n"
        "    recall = tp / (tp + fn) if tp + fn else 0.0      # of the positives, how many are flagged\n"
        "    return precision, recall\n"
        "Check: sklearn.metrics.precision_score(y_true, y_score >= threshold, zero_division=0).",
        wrong={
            "a score equal to the threshold must count as predicted positive: use >=, not >.": _strict,
            "recall divides by the actual positives, TP + FN, not by the flagged samples (TP + FP: "
            "that is precision's denominator).": _recall_over_flagged,
            "when nothing is flagged (or there is no positive) a ratio is 0/0: return 0.0 there, "
            "not NaN.": _nan_for_zero_over_zero,
            "your two numbers are right but swapped: return (precision, recall), in that order.": _swapped,
        },
    ),
    "pr_baseline": Exercise(
        question="Model A reaches an average precision (AP) of 0.30 on a test set where 2% of the "
        "samples are positive; model B reaches 0.60 on another test set, where 40% are positive. "
        "Which is further above chance? Answer with its AP divided by the AP that a model ranking "
        "at random gets on the same test set.",
        is_correct=close_to(15.0, rel=0.02),
        answer=15,
        hints=("First the baseline: what AP does a random ranking get? Where did the dotted "
               "'random' line of the PR plots sit, and what did it depend on?",
               "A random ranking flags positives and negatives in proportion to their numbers at "
               "every threshold, so its precision is the same everywhere. Write down each test "
               "set's baseline as a fraction.",
               "Divide each model's AP by its own test set's baseline and compare the two ratios; "
               "then answer with the larger one."),
        solution="15, model A's: a random ranking's AP is the prevalence (its precision equals the "
        "share of positives at every recall), so A's baseline is 0.02 and B's 0.40. A is 0.30 / "
        "0.02 = 15 times its baseline, B only 0.60 / 0.40 = 1.5 times. (The ROC AUC of a random "
        "ranking is 0.5 whatever the prevalence.) An AP must be read against the prevalence, and "
        "APs at different prevalences cannot be compared directly.",
        mistakes={
            close_to(1.5, rel=0.02): "1.5 is model B's ratio, 0.60 / 0.40. Work out model A's too, "
            "and answer with the larger.",
            close_to(2.0, rel=0.02): "2 compares the two APs directly (0.60 / 0.30). But they were "
            "measured on test sets with different shares of positives: divide each by its own "
            "random baseline first.",
            close_to(0.6, rel=0.02): "0.6 is 0.30 / 0.5: 0.5 is the ROC baseline (the ROC AUC of a "
            "random ranking). The PR baseline is different, and it differs between the two test "
            "sets.",
            close_to(1.2, rel=0.02): "1.2 is 0.60 / 0.5: 0.5 is the ROC baseline (the ROC AUC of a "
            "random ranking). The PR baseline is different, and it differs between the two test "
            "sets.",
            close_to(0.02, rel=0.02): "0.02 is model A's baseline, the AP of a random ranking on its "
            "test set. Now divide A's AP by it (and B's by its own).",
            close_to(0.4, rel=0.02): "0.4 is model B's baseline, the AP of a random ranking on its "
            "test set. Now divide B's AP by it (and A's by its own).",
            close_to(0.15, rel=0.02): "0.15 is 0.30 / 2: the prevalence 2% is the fraction 0.02, "
            "not 2.",
        },
    ),
}
