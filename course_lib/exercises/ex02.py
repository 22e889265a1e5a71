"""Exercises of notebook 02: evaluating models."""

from . import Exercise, close_to


def _between(low: float, high: float):
    """A judge accepting numbers strictly between ``low`` and ``high``."""

    def judge(answer) -> bool:
        return low < float(answer) < high

    return judge


PERCENT = "give a fraction between 0 and 1 (0.25, not 25)."

EXERCISES = {
    "f1": Exercise(
        question="A screening model gives TP = 30, FN = 20, FP = 10, TN = 940. What is its F1 score?",
        is_correct=close_to(2 / 3, rel=1e-2),
        answer=0.667,
        hints=("F1 = 2TP / (2TP + FP + FN), the harmonic mean of precision TP/(TP+FP) and recall "
        "TP/(TP+FN). TN does not appear.",),
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
    "pr_baseline": Exercise(
        question="5% of a large test set is positive. What average precision does a model that "
        "ranks at random get?",
        is_correct=close_to(0.05, rel=0.05),
        answer=0.05,
        hints=("A random ranking's precision is the fraction of positives among whatever it flags, at "
        "every threshold. Where did the dotted line of the PR plots sit?",),
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
    "threshold": Exercise(
        question="On validation, malignant tumours score 0.9, 0.8, 0.6 and 0.3; benign ones 0.7, 0.4, "
        "0.2 and 0.1. A tumour is flagged when its score >= the threshold. What is the highest "
        "threshold that flags at least 75% of the malignant tumours (recall >= 0.75)?",
        is_correct=close_to(0.6, rel=1e-3),
        answer=0.6,
        hints=("Recall >= 0.75 means at least 3 of the 4 malignant tumours flagged. Sort their scores: "
        "the threshold cannot be above the third highest.",),
        solution="Malignant scores, sorted: 0.9, 0.8, 0.6, 0.3. Three of four must be flagged, so the "
        "threshold can be at most 0.6. At 0.6 the flagged scores are 0.9, 0.8, 0.7 and 0.6: TP = 3, "
        "FP = 1 (the benign 0.7), recall 0.75, precision 0.75. Any threshold in (0.4, 0.6] gives the "
        "same counts; the highest is a score itself, which is why the library's candidates are the "
        "unique scores.\nCheck: operating_point.choose_threshold([1, 1, 1, 1, 0, 0, 0, 0], "
        "[0.9, 0.8, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1], 'recall', target_recall=0.75).",
        mistakes={
            _between(0.6, 0.7): "above 0.6 the score 0.6 is no longer flagged: only 2 of 4 malignant "
            "tumours, recall 0.5.",
            close_to(0.7, rel=1e-3): "0.7 is a benign score; at 0.7 only 0.9 and 0.8 are flagged: "
            "recall 2/4 = 0.5.",
            close_to(0.8, rel=1e-3): "at 0.8 only 0.9 and 0.8 are flagged: recall 2/4 = 0.5.",
            close_to(0.3, rel=1e-3): "0.3 flags all four malignant tumours (recall 1), and three benign "
            "ones with them; a higher threshold still reaches 0.75.",
            _between(0.3, 0.6): "that reaches recall 0.75, but it is not the highest such threshold.",
            close_to(0.75, rel=1e-3): "0.75 is the recall target, not the threshold: the threshold is a "
            "score, the cut-off for flagging.",
        },
    ),
}
