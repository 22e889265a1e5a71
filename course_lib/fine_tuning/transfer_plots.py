"""Figures and the LoRA-rank explorer of notebook 05 (figure-only code; the experiments are in
``course_lib.transfer``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from .. import style
from ..checks import checked
from .transfer import (
    METHOD_STYLE,
    TARGETS,
    Result,
    errors,
    leaders,
    median_error,
    restyle,
    weakest_win,
)

SCALING_COLOR = {False: METHOD_STYLE["LoRA"]["color"], True: style.OKABE_ITO["orange"]}  # alpha/r, rsLoRA
SHORT = {"scratch": "scratch", "linear probe": "probe", "full fine-tune": "full FT", "LoRA": "LoRA",
         "LP-FT": "LP-FT"}


@checked(per_target="int+")
def plot_targets(X: np.ndarray, per_target: int = 4):
    """The same ``per_target`` source-pool images in each target style, one panel per target."""
    if per_target > len(X):
        raise ValueError(f"per_target must be at most the {len(X)} images in X, got {per_target}")
    fig, axes = plt.subplots(1, len(TARGETS), figsize=style.figsize(3.4))
    for ax, target in zip(axes, TARGETS, strict=True):
        styled = restyle(X[:per_target], target).reshape(-1, 8, 8)
        images = [np.pad(im, 1, constant_values=np.nan) for im in styled]
        half = (len(images) + 1) // 2
        montage = np.concatenate([np.concatenate(images[:half], axis=1),
                                  np.concatenate(images[half:] + images[:2 * half - len(images)], axis=1)])
        ax.imshow(montage, cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(target)
        ax.set_axis_off()
    fig.suptitle("the same test images in the four target styles (dark = high pixel value)")
    return fig


@checked
def plot_headline(results: dict[str, dict[str, list[Result]]]):
    """Test error of every seed (a dot each) per method and target; a bar behind the dots marks each
    median."""
    names = list(results)
    fig, axes = plt.subplots(2, (len(names) + 1) // 2, figsize=style.figsize(5.6), sharey=True, squeeze=False)
    for ax in axes.flat[len(names):]:  # an odd number of targets leaves one panel empty
        ax.set_visible(False)
    top = max(r.error for by_m in results.values() for rs in by_m.values() for r in rs)
    for ax, name in zip(axes.flat, names, strict=False):
        methods = list(results[name])
        medians = {m: median_error(results[name][m]) for m in methods}
        for i, m in enumerate(methods):
            e = errors(results[name][m])
            s = METHOD_STYLE[m]
            offsets = np.linspace(-0.27, 0.27, len(e))  # one slot per seed: equal errors stay apart
            ax.plot([i - 0.36, i + 0.36], [medians[m]] * 2, color=s["color"], lw=2.5, alpha=0.6,
                    solid_capstyle="butt", zorder=2)
            ax.plot(i + offsets, e, ls="none", marker=s["marker"], ms=7, mfc="white", mec=s["color"],
                    mew=1.6, zorder=3)
        ax.set_xticks(range(len(methods)), [SHORT.get(m, m) for m in methods])
        ax.set_ylim(0, 1.08 * top)
        ax.set_title(headline_title(name, results[name]))
    for ax in axes[:, 0]:
        ax.set_ylabel("test error")
    n = len(next(iter(results.values()))["scratch"])
    weak = math.ceil(0.75 * n)
    weak_range = f"{weak}/{n}" if n - 1 <= weak else f"{weak}–{n - 1}/{n}"
    fig.suptitle(f"every dot one seed ({n} seeds); bar = median\n(k/{n}): the best beats each other "
                 f"method on k of {n} seeds; tie below {weak}/{n}; weak win {weak_range}")
    return fig


@checked
def headline_title(name: str, by_method: dict[str, list[Result]]) -> str:
    """A headline panel's verdict: "A, B tie", "X, weak win (k/n)" or "best X (n/n)", where k is the
    fewest seeds on which the lowest median beats another method (``transfer.leaders``). A winner
    picked after looking wins 6-2 or more lopsided by chance 2 times in 7, 7-1 or 8-0 about 7% of the
    time: so any win short of every seed is a weak win here, and the prose says where it repeats."""
    tied = leaders(by_method)
    best = SHORT.get(tied[0], tied[0])
    if len(by_method) == 1:
        return f"{name}: {best} alone"
    if len(tied) > 1:
        return f"{name}: {', '.join(SHORT.get(m, m) for m in tied)} tie"
    k, n = weakest_win(by_method), len(by_method[tied[0]])
    if k == n:
        return f"{name}: best {best} ({k}/{n})"
    return f"{name}: {best}, weak win ({k}/{n})"


@checked(target_error="unit")
def plot_steps_to_target(curves: dict[str, dict], target_error: float, title: str):
    """Validation error against training steps: one thin line per seed, the median thick on top;
    the target error dashed, and the median step that reaches it marked."""
    fig, ax = plt.subplots(figsize=style.figsize(4.2))
    for m, c in curves.items():
        s = METHOD_STYLE[m]
        steps = np.arange(c["curve"].shape[0]) * c["eval_every"]
        ax.plot(steps, c["curve"], color=s["color"], lw=0.8, alpha=0.35, zorder=1)
        median = np.median(c["steps"])
        label = f"{m} (median: {median:g} steps)" if np.isfinite(median) else f"{m} (not reached)"
        ax.plot(steps, np.median(c["curve"], axis=1), color=s["color"], ls=s["ls"], lw=3.2, zorder=3,
                label=label)
        if np.isfinite(median):
            ax.plot([median], [target_error], marker=s["marker"], ms=11, color=s["color"], mec="k", zorder=4)
    ax.axhline(target_error, color="0.3", ls="--", lw=1.5, zorder=2, label=f"target error {target_error:g}")
    ax.set(xlabel="full-batch Adam steps", ylabel="validation error", ylim=(0, 1), title=title)
    style.legend_outside(ax)
    return fig


@checked
def plot_sample_efficiency(shots: Sequence[int], errs: dict[str, np.ndarray], title: str):
    """Median test error (whiskers: 25th to 75th percentile over seeds) against labelled images per
    class; the methods are set side by side at each size so that no whisker hides another."""
    for m, e in errs.items():
        if len(e) != len(shots):
            raise ValueError(f"shots and errs[{m!r}] must have the same length, "
                             f"got {len(shots)} and {len(e)}")
    fig, ax = plt.subplots(figsize=style.figsize(4.2))
    offsets = np.linspace(-0.035, 0.035, len(errs))
    for off, (m, e) in zip(offsets, errs.items(), strict=True):
        s = METHOD_STYLE[m]
        q1, q2, q3 = np.percentile(e, [25, 50, 75], axis=1)
        x = np.asarray(shots) * 10 ** off
        ax.errorbar(x, q2, yerr=[q2 - q1, q3 - q2], color=s["color"], ls=s["ls"], marker=s["marker"],
                    capsize=4, label=m)
    ax.set(xscale="log", xlabel="labelled images per class", ylabel="test error", ylim=(0, None), title=title)
    ax.set_xticks(list(shots), [str(k) for k in shots])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    style.legend_outside(ax)
    return fig


def _update_norm(result: Result) -> float:
    """Frobenius norm of the merged update (alpha/r or alpha/sqrt(r)) * B A, summed over adapters."""
    from .lora import lora_layers

    with torch.no_grad():
        return float(sum(torch.linalg.norm(layer.delta_weight()) for _, layer in lora_layers(result.model)))


@checked
def rank_explorer(sweep: dict[tuple[int, bool], list[Result]], references: dict[str, list[Result]],
                  alpha: float, target: str):
    """An Explorer over a precomputed rank sweep: a "rank" slider and a "scaling" toggle
    (alpha/r or alpha/sqrt(r)); left, median test error against rank for the chosen scaling only (the
    other appears when the student switches: the rank question is about both), each seed of the chosen
    rank a dot, the references' medians as lines; right, the size of the learnt update against rank."""
    import ipywidgets as widgets

    from ..widgets import Explorer, selection_slider

    if not sweep:
        raise ValueError("sweep must hold at least one (rank, use_rslora) result")
    ranks = sorted({r for r, _ in sweep})
    labels = {False: "α/r (LoRA)", True: "α/√r (rsLoRA)"}
    medians = {rs: [median_error(sweep[(r, rs)]) for r in ranks] for rs in (False, True)}
    norms = {rs: [np.median([_update_norm(x) for x in sweep[(r, rs)]]) for r in ranks]
             for rs in (False, True)}
    top = max(max(r.error for rs in sweep.values() for r in rs),
              max((median_error(rs) for rs in references.values()), default=0))

    def draw(rank: int, scaling: str):
        rslora = scaling == labels[True]
        fig, (left, right) = plt.subplots(1, 2, figsize=style.figsize(4.2))
        line = {"color": SCALING_COLOR[rslora], "ls": "-", "marker": "o" if rslora else "D", "lw": 3,
                "label": labels[rslora]}
        left.plot(ranks, medians[rslora], **line)
        right.plot(ranks, norms[rslora], **line)
        e = errors(sweep[(rank, rslora)])
        spread = 2.0 ** np.linspace(-0.25, 0.25, len(e))  # one slot per seed: equal errors stay apart
        left.plot(rank * spread, e, ls="none", marker="o", mfc="white", mec="k", ms=7, zorder=4,
                  label=f"rank {rank}: each seed")
        for m, rs in references.items():
            s = METHOD_STYLE[m]
            left.axhline(median_error(rs), color=s["color"], ls=s["ls"], lw=2, label=f"{m} (median)")
        for ax in (left, right):
            ax.set_xscale("log", base=2)
            ax.set_xticks(ranks, [str(r) for r in ranks])
            ax.xaxis.set_minor_formatter(plt.NullFormatter())
            ax.set_xlabel("LoRA rank r")
        i = ranks.index(rank)
        left.set(ylabel="test error", ylim=(0, 1.05 * top),
                 title=f"{target}, α = {alpha:g}, rank {rank}: median {medians[rslora][i]:.3f}")
        largest = float(np.nanmax([*norms[False], *norms[True]]))  # one axis for both scalings
        right.set(ylabel="‖ΔW‖ (Frobenius, median)", ylim=(0, 1.05 * largest or 1.0),
                  title=f"update size (rank {rank}: {sweep[(rank, rslora)][0].trainable:,} trainable)")
        style.legend_outside(left, "below", ncol=2, fontsize=11)
        return fig, {"rank": rank, "use_rslora": rslora, "median": medians[rslora][i],
                     "update_norm": norms[rslora][i], "trainable": sweep[(rank, rslora)][0].trainable}

    slider = selection_slider("rank", ranks, value=ranks[len(ranks) // 2])
    toggle = widgets.ToggleButtons(options=[labels[False], labels[True]], value=labels[False],
                                   description="scaling")
    return Explorer({"rank": slider, "scaling": toggle}, draw, min_height="520px", cache=True,
                    title="LoRA rank and scaling: test error and update size")


@checked
def plot_lr_search(search: dict):
    """Median validation error against lr, one panel per target: scratch and the probe against their
    one lr, the methods that move a body against the body's lr at their chosen head lr; each chosen
    setting a big marker."""
    from .transfer import lr_pair

    val, chosen = search["val"], search["lr"]
    names = list(val)
    fig, axes = plt.subplots(2, (len(names) + 1) // 2, figsize=style.figsize(5.7), sharey=True)
    for ax, name in zip(axes.flat, names, strict=False):
        for m, by_key in val[name].items():
            s = METHOD_STYLE[m]
            head, best = lr_pair(chosen[name][m])
            if head is None:
                points = sorted(by_key.items())
            else:
                points = sorted((b, v) for (h, b), v in by_key.items() if h == head)
            x, y = zip(*points, strict=True)
            label = SHORT[m] if head is None else f"{SHORT[m]} (head {head:g})"
            ax.plot(x, y, color=s["color"], ls=s["ls"], marker=s["marker"], ms=5, lw=2, label=label)
            ax.plot([best], [dict(points)[best]], marker=s["marker"], ms=12, color=s["color"], mec="k",
                    ls="none", zorder=4)
        ax.set(xscale="log", title=f"{name}: big marker = chosen", ylim=(0, 0.5))
        handles, labels = ax.get_legend_handles_labels()
    for ax in axes[-1]:
        ax.set_xlabel("learning rate")
    for ax in axes[:, 0]:
        ax.set_ylabel("validation error (median)")
    fig.legend(handles, [lb.split(" (")[0] for lb in labels], loc="outside lower center",
               ncol=len(labels), fontsize=11)
    fig.suptitle(f"lr search ({len(search['seeds'])} seeds, {search['num_steps']} Adam steps); where a "
                 "head lr and a body lr: the body's, at the chosen head lr", fontsize=13)
    return fig


_NEVER_REPAID, _NOT_REACHED = 4e3, 6e4  # where the two kinds of "no number" are drawn (log axis)


def _repay_points(ax, x, repay, scratch, pretrained, **line):
    """Fine-tunes to repay pretraining against x; inf (never repaid) and nan (scratch never reaches
    the error, fine-tuning does) drawn on their own labelled rows at the top."""
    y = np.where(np.isinf(repay), _NEVER_REPAID, repay)
    y = np.where(np.isinf(scratch) & np.isfinite(pretrained), _NOT_REACHED, y)
    y = np.where(np.isinf(scratch) & np.isinf(pretrained), np.nan, y)  # neither gets there: nothing to draw
    ax.plot(x, y, **line)


def _repay_axis(ax):
    ax.set_yscale("log")
    ax.set_ylim(1, 2e5)
    ax.axhspan(2e3, 2e5, color="0.92", zorder=0)
    ax.set_yticks([1, 10, 100, 1000, _NEVER_REPAID, _NOT_REACHED],
                  ["1", "10", "100", "1000", "never repaid", "scratch never"])
    ax.yaxis.set_minor_formatter(plt.NullFormatter())


@checked
def plot_compute(compute: dict, shots: int = 10, target_error: float = 0.15):
    """Compute as curves, inverted and rotated digits: left, median steps to a target error against
    that error (``shots`` per class); middle, fine-tunes that repay pretraining against the error;
    right, against labelled images per class at ``target_error``. Never reached is drawn, labelled."""
    errs = np.array(compute["target_errors"])
    fig, (left, mid, right) = plt.subplots(1, 3, figsize=style.figsize(4.6))
    ceiling = compute["num_steps"] * 1.25
    target_marker = {"inverted": "o", "rotated 90°": "X"}
    for target in compute["targets"]:
        r = compute["races"][f"{target}|{shots}"]
        for m in ("scratch", "full fine-tune"):
            s = METHOD_STYLE[m]
            steps = np.where(np.isinf(r[m]["median"]), ceiling, r[m]["median"])
            left.plot(errs, steps, color=s["color"], ls=s["ls"], marker=target_marker[target], ms=7, lw=2,
                      label=f"{SHORT[m]}, {target}")
        line = {"color": "k" if target == "inverted" else style.OKABE_ITO["orange"],
                "ls": "-" if target == "inverted" else "--", "marker": target_marker[target], "ms": 8,
                "lw": 2, "label": target}
        _repay_points(mid, errs, r["repay"], r["scratch"]["median"], r["full fine-tune"]["median"], **line)
        i = int(np.argmin(np.abs(errs - target_error)))
        per_shot = [compute["races"][f"{target}|{k}"] for k in compute["shots"]]
        _repay_points(right, compute["shots"], np.array([p["repay"][i] for p in per_shot]),
                      np.array([p["scratch"]["median"][i] for p in per_shot]),
                      np.array([p["full fine-tune"]["median"][i] for p in per_shot]), **line)
    left.axhspan(compute["num_steps"] * 1.1, ceiling * 1.1, color="0.92", zorder=0)
    left.set_yticks([0, 25, 50, 75, 100, ceiling], ["0", "25", "50", "75", "100", "never"])
    left.set(xlabel="target validation error", ylabel="median steps to reach it", ylim=(0, ceiling * 1.1),
             title=f"steps ({shots} per class)")
    left.invert_xaxis()
    _repay_axis(mid)
    mid.set(xlabel="target validation error", title=f"fine-tunes to repay ({shots} per class)")
    mid.invert_xaxis()
    _repay_axis(right)
    right.set_xscale("log")
    right.set_xticks(compute["shots"], [str(k) for k in compute["shots"]])
    right.xaxis.set_minor_formatter(plt.NullFormatter())
    right.set(xlabel="labelled images per class", title=f"to repay, error {errs[i]:g}")
    style.legend_outside(left, "below", ncol=1, fontsize=11)
    style.legend_outside(mid, "below", ncol=1, fontsize=11)
    fig.suptitle("compute: full fine-tuning vs scratch (each at its fastest lr), median of "
                 f"{len(compute['seeds'])} seeds")
    return fig
