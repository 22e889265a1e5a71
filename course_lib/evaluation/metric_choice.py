"""Which metric when: two screening models whose ranking flips with the metric that judges them.

A worked case for notebook 02. Both models see the same 1,000 patients, 50 of them ill; A flags
generously, B sparingly. Accuracy, precision and F1 prefer B; recall prefers A; and a cost that
counts a missed patient as ``cost_ratio`` false alarms prefers A once the ratio is high enough.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from ..checks import check_positive, checked
from .imbalance import rates

# (TN, FP, FN, TP) of each model on the same 1,000 patients, 50 of them ill.
SCREENING = {
    "A (flags generously)": (855, 95, 5, 45),
    "B (flags sparingly)": (944, 6, 20, 30),
}
METRICS = ("accuracy", "precision", "recall", "f1")
HIGHER_IS_BETTER = {"accuracy": True, "precision": True, "recall": True, "f1": True, "cost": False}


@checked
def scores(counts: tuple[int, int, int, int], *, cost_ratio: float = 20.0) -> dict[str, float]:
    """Accuracy, precision, recall, F1 and the total cost (a false alarm = 1, a miss = ``cost_ratio``)."""
    check_positive("cost_ratio", cost_ratio)
    tn, fp, fn, tp = counts
    return {**{m: rates(tn, fp, fn, tp)[m] for m in METRICS}, "cost": fp + cost_ratio * fn}


@checked
def compare(models: Mapping[str, tuple[int, int, int, int]] = SCREENING, *,
            cost_ratio: float = 20.0) -> dict[str, dict[str, float | str]]:
    """For each metric: every model's value and the winner's name."""
    if len(models) < 2:
        raise ValueError(f"models must hold at least two models to compare, got {len(models)}")
    values = {name: scores(c, cost_ratio=cost_ratio) for name, c in models.items()}
    table = {}
    for metric, higher in HIGHER_IS_BETTER.items():
        column = {name: values[name][metric] for name in models}
        best = (max if higher else min)(column, key=column.get)
        table[metric] = {**column, "winner": best}
    return table


@checked
def break_even_ratio(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """The cost ratio at which two models cost the same: FP_a + r·FN_a = FP_b + r·FN_b."""
    (_, fp_a, fn_a, _), (_, fp_b, fn_b, _) = a, b
    if fn_a == fn_b:
        raise ValueError("the two models miss the same number of positives: no cost ratio separates them")
    return (fp_b - fp_a) / (fn_a - fn_b)


@checked
def plot_comparison(models: Mapping[str, tuple[int, int, int, int]] = SCREENING, *,
                    cost_ratio: float = 20.0):
    """The four rates of each model (left) and their total cost (right), the winner of each marked."""
    table = compare(models, cost_ratio=cost_ratio)
    names = list(models)
    fig, (ax_rates, ax_cost) = plt.subplots(1, 2, figsize=style.figsize(4.4), layout="constrained",
                                            width_ratios=(2.2, 1))
    looks = [{"color": style.OKABE_ITO["blue"]},
             {"facecolor": "white", "edgecolor": style.OKABE_ITO["vermillion"], "hatch": "///", "lw": 2}]
    width = 0.8 / len(names)
    x = np.arange(len(METRICS))
    for i, name in enumerate(names):
        values = [table[m][name] for m in METRICS]
        bars = ax_rates.bar(x + (i - (len(names) - 1) / 2) * width, values, width, label=name,
                            **looks[i % 2])
        ax_rates.bar_label(bars, [f"{v:.2f}" for v in values], padding=2, fontsize=12)
        bar = ax_cost.bar(i, table["cost"][name], 0.6, **looks[i % 2])
        ax_cost.bar_label(bar, [f"{table['cost'][name]:.0f}"], padding=2, fontsize=12)
    ax_rates.set_xticks(x, [f"{m if m != 'f1' else 'F1'}\nbest: {table[m]['winner'][0]}" for m in METRICS])
    ax_rates.set_ylim(0, 1.15)
    ax_rates.set_title("higher is better")
    ax_rates.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, fontsize=12)
    ax_cost.set_xticks(range(len(names)), [n.split(" ")[0] for n in names])
    ax_cost.set_ylim(0, 1.2 * max(table["cost"][n] for n in names))
    ax_cost.set_title(f"cost, a miss = {cost_ratio:g} alarms\n(lower is better)")
    return fig
