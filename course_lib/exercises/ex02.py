"""Exercises of notebook 02: evaluating models."""

from . import Exercise, close_to

PERCENT = "give a fraction between 0 and 1 (0.25, not 25)."

EXERCISES = {
    "f1": Exercise(
        question="A screening model gives TP = 30, FN = 20, FP = 10, TN = 940. What is its F1 score?",
        is_correct=close_to(2 / 3, rel=1e-2),
        hint="F1 = 2TP / (2TP + FP + FN), the harmonic mean of precision TP/(TP+FP) and recall "
        "TP/(TP+FN). TN does not appear.",
        solution="Precision = 30/40 = 0.75, recall = 30/50 = 0.6, F1 = 2 * 0.75 * 0.6 / 1.35 = "
        "60/90 = 0.667. Accuracy would be 970/1000 = 0.97: the 940 true negatives flatter it.\n"
        "Check: metrics.f1_score([1]*50 + [0]*950, [1]*30 + [0]*20 + [1]*10 + [0]*940).",
        mistakes={
            close_to(0.97, rel=1e-2): "0.97 is the accuracy, (TP + TN) / all: the 940 true "
            "negatives flatter it. F1 leaves TN out.",
            close_to(200 / 3, rel=1e-2): PERCENT,
            close_to(0.75, rel=1e-3): "0.75 is the precision, TP / (TP + FP); F1 combines it with "
            "the recall.",
            close_to(0.6, rel=1e-3): "0.6 is the recall, TP / (TP + FN); F1 combines it with the "
            "precision.",
            close_to(0.675, rel=1e-3): "0.675 is the arithmetic mean of precision and recall; F1 is "
            "their harmonic mean, pulled towards the smaller one.",
        },
    ),
    "auc_pairs": Exercise(
        question="Positives score 0.9, 0.6 and 0.4; negatives score 0.7 and 0.3. What is the ROC AUC?",
        is_correct=close_to(4 / 6, rel=1e-2),
        hint="AUC = the fraction of (positive, negative) pairs in which the positive scores higher. "
        "There are 3 x 2 = 6 pairs.",
        solution="0.9 beats 0.7 and 0.3 (2), 0.6 beats 0.3 (1), 0.4 beats 0.3 (1): 4 of 6 pairs, "
        "AUC = 0.667.\nCheck: metrics.roc_auc_score([1, 1, 1, 0, 0], [0.9, 0.6, 0.4, 0.7, 0.3]).",
        mistakes={close_to(200 / 3, rel=1e-2): PERCENT},
    ),
    "pr_baseline": Exercise(
        question="5% of a large test set is positive. What average precision does a model that "
        "ranks at random get?",
        is_correct=close_to(0.05, rel=0.05),
        hint="A random ranking's precision is the fraction of positives among whatever it flags, at "
        "every threshold. Where did the dotted line of the PR plots sit?",
        solution="0.05, the prevalence: a random ranking's precision equals the share of positives "
        "at every recall. (Its ROC AUC is 0.5 whatever the prevalence.) That is why an AP must be "
        "read against the prevalence, and why APs at different prevalences cannot be compared. "
        "On a small test set the AP of a random ranking scatters around 0.05.",
        mistakes={
            close_to(0.5, rel=1e-3): "0.5 is the ROC baseline (the ROC AUC of a random ranking). "
            "The PR baseline is different.",
            close_to(5, rel=1e-3): PERCENT,
        },
    ),
}
