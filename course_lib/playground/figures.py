"""The playground's figures: a run's main picture, its detail view, its evaluation and its weights.

``draw_run`` and ``draw_evaluation`` draw a run at an epoch (a threshold); ``render_png`` encodes a
figure as the widget shows it; ``run_summary`` is the status line.
"""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from .. import metrics, style
from ..checks import check_range, checked
from ..evaluation.metric_plots import plot_confusion_matrix
from ..live_figure import encode_png, new_figure
from ..plots import PlainLogFormatter
from . import neuron_maps
from .runs import Run

# --- Figures -----------------------------------------------------------------------------------
# The main, detail and evaluation figures are laid out once (fixed positions, no layout engine) and
# then only their changing artists are redrawn over a cached background (Agg blitting): a scrub or a
# threshold move costs a few artists and one PNG encoding instead of a full figure.

def _layer_label(i: int, n: int) -> str:
    """'layer i' for hidden layers, 'output' for the last Linear."""
    return "output" if i == n - 1 else f"layer {i + 1}"


def _surface_rgb(P: np.ndarray, discretize: bool = False, regression: bool = False) -> np.ndarray:
    """The output as an opaque RGB image, the surface colours at 55 % over white: P(class 1) from 0 to 1,
    or a regression output from -1 to 1 (white at 0); discretized: by class, or a regression output in
    steps of 0.25 (the colour bar's scale, stepped, so the points' colours still read against it)."""
    if regression:
        R = neuron_maps.REGRESSION_RANGE
        P = (np.clip(P, -R, R) + R) / (2 * R)
    if discretize:
        P = np.round(P * 8) / 8 if regression else (P > 0.5).astype(float)
    rgb = style.SURFACE_CMAP(np.nan_to_num(P, nan=0.5))[..., :3]
    return 0.55 * rgb + 0.45


@checked
def draw_run(run: Run, epoch: int = -1, *, show_test: bool = False, discretize: bool = False, fig=None):
    """Neuron maps and output surface at ``epoch`` (top); loss and per-layer gradient norms (bottom);
    on the main figure (``new_main_figure``) the output surface and the loss only.

    Pass the ``fig`` of an earlier call to update it in place (only its changing artists).
    """
    if fig is None or not hasattr(fig, "_playground"):
        fig = new_detail_figure(run)
    parts = fig._playground
    i = run.snapshot_index(epoch)
    e = run.epochs[i]
    maps = run.maps[i]
    if "mosaic" in parts:
        parts["mosaic"].set_data(neuron_maps.mosaic(maps)[0])
    P = maps.output
    finite = bool(np.isfinite(P).all())
    parts["surface"].set_data(_surface_rgb(P, discretize, maps.regression))
    ax_out = parts["ax_out"]
    for c in parts["contour"]:
        c.remove()
    parts["contour"] = []
    if finite and not maps.regression and P.min() < 0.5 < P.max():
        xs = np.linspace(-maps.extent, maps.extent, P.shape[0])
        contour = ax_out.contour(xs, xs[::-1], P, levels=[0.5], colors="k", linewidths=1.5)
        contour.set_animated(True)
        parts["contour"] = [contour]
    for scatter in parts["test"]:
        scatter.set_visible(show_test)
    for shows_test, legend in parts["legends"].items():  # the legend names only what is drawn
        legend.set_visible(shows_test == show_test)
    if "ax_maps" in parts:
        parts["ax_maps"].title.set_text(f"what each neuron computes, epoch {e}")
    acc = _accuracy_at(run, e)
    sep = "\n" if parts.get("compact") else ": "
    metric = "R²" if run.settings.regression else "accuracy"
    ax_out.title.set_text(f"output, epoch {e}" + (f"{sep}test {metric} {acc:.2f}" if acc is not None else "")
                          if finite else f"output, epoch {e}{sep}diverged")
    losses = _losses_at(run, e)
    between = "\n" if parts.get("compact") else ", "  # the main picture: two lines over a narrow panel
    loss = _loss_name(run)
    parts["ax_loss"].title.set_text(f"{loss}: train {losses[0]:.3f}{between}test {losses[1]:.3f}"
                                    if losses and all(map(math.isfinite, losses)) else loss)
    for line in parts["markers"]:
        line.set_xdata([e, e])
    fig._shown_epoch = e
    return fig


def _losses_at(run: Run, epoch: int) -> tuple[float, float] | None:
    """(train, test) loss after ``epoch`` epochs (None where not recorded)."""
    if epoch == 0:
        return run.losses[0]
    h = run.history
    if h is None or epoch not in h.epochs:
        return None
    k = h.epochs.index(epoch)
    if k >= min(len(h.train_loss), len(h.val_loss)):  # a live run: this epoch is being recorded
        return None
    return h.train_loss[k], h.val_loss[k]


def _loss_name(run: Run) -> str:
    """What the loss panel calls its loss: "MSE" for a regression set, else "loss" (cross-entropy)."""
    return "MSE" if run.settings.regression else "loss"


def _accuracy_at(run: Run, epoch: int) -> float | None:
    """Test accuracy (R² for a regression set) after ``epoch`` epochs (None where not recorded)."""
    h = run.history
    if h is None or epoch not in h.epochs:
        return None
    k = h.epochs.index(epoch)
    return h.val_metric[k] if k < len(h.val_metric) else None


def _draw_output(ax_out, run: Run, maps, sizes: tuple[int, int]):
    """The output surface with the train (circles) and test (triangles) points, marker areas ``sizes``:
    coloured by class, or for a regression set by their target on the surface's colour scale.

    Returns (surface, every scatter, the test scatters, legend entries (handle, label, is test)).
    """
    e = maps.extent
    surface = ax_out.imshow(_surface_rgb(maps.output, regression=maps.regression), extent=(-e, e, -e, e),
                            interpolation="bilinear")
    d = run.data
    scatters, test, entries = [], [], []
    R = neuron_maps.REGRESSION_RANGE
    for X, y, marker, kind in ((d.X_train, d.y_train, "o", "train"), (d.X_test, d.y_test, "^", "test")):
        X, y = X.numpy(), y.numpy()
        edge = "black" if kind == "test" else "0.4" if maps.regression else "white"  # white: lost on 0
        if maps.regression:  # one scatter, each point in its target's colour
            groups = [(X, dict(c=y, cmap=style.SURFACE_CMAP, vmin=-R, vmax=R))]
        else:
            groups = [(X[y == c], dict(c=color)) for c, color in enumerate(style.CLASS_COLORS)]
        for c, (points, colour) in enumerate(groups):
            sc = ax_out.scatter(*points.T, s=sizes[kind == "test"], marker=marker, edgecolors=edge,
                                linewidths=0.5, **colour)
            scatters.append(sc)
            if kind == "test":
                test.append(sc)
            if maps.regression:  # a grey stand-in: the colour bar says what the colours mean
                handle = mpl.lines.Line2D([], [], ls="none", marker=marker, mfc="0.6",
                                          ms=math.sqrt(sizes[kind == "test"]), mec=edge)
                entries.append((handle, f"{kind} points", kind == "test"))
            else:
                entries.append((sc, f"{kind}, class {c}", kind == "test"))
    ax_out.set_xlim(-e, e)
    ax_out.set_ylim(-e, e)
    ax_out.set_xticks([])
    ax_out.set_yticks([])
    ax_out.grid(False)
    for spine in ax_out.spines.values():
        spine.set_visible(True)
    return surface, scatters, test, entries


def _output_colorbar(fig, rect: tuple, orientation: str):
    """A colour bar of a regression output's scale (-1 to 1, white at 0) in ``rect`` (figure fractions)."""
    R = neuron_maps.REGRESSION_RANGE
    cax = fig.add_axes(rect)
    bar = fig.colorbar(mpl.cm.ScalarMappable(mpl.colors.Normalize(-R, R), style.SURFACE_CMAP), cax=cax,
                       orientation=orientation, ticks=[-R, 0, R], extend="both")
    bar.ax.tick_params(labelsize=11)
    return bar


def _legends(fig, entries: list, extra: list, **kwargs) -> dict:
    """Two legends of the output's points (and the ``extra`` (handle, label) entries): one without the
    test points, one with them; ``draw_run`` shows the one that names only what is drawn."""
    legends = {}
    for shows_test in (False, True):
        shown = [(h, label) for h, label, is_test in entries if shows_test or not is_test] + extra
        legend = fig.legend([h for h, _ in shown], [label for _, label in shown], **kwargs)
        legend.set_animated(True)
        legends[shows_test] = legend
    return legends


@checked
def new_detail_figure(run: Run) -> Figure:
    """The figure of a run, its changing artists kept for quick updates (``fig._playground``)."""
    fig = new_figure(7.0, layout="none")
    top = fig.add_gridspec(1, 2, left=0.09, right=0.80, top=0.91, bottom=0.47, wspace=0.06,
                           width_ratios=[1.5, 1])
    bottom = fig.add_gridspec(1, 2, left=0.08, right=0.84, top=0.35, bottom=0.09, wspace=0.55)
    ax_maps, ax_out = fig.add_subplot(top[0]), fig.add_subplot(top[1])
    ax_loss, ax_grad = fig.add_subplot(bottom[0]), fig.add_subplot(bottom[1])
    maps = run.maps[-1]
    neuron_maps.plot_neuron_maps(maps, ax_maps)
    surface, scatters, test, entries = _draw_output(ax_out, run, maps, sizes=(16, 24))
    ax_out.set_title("output", y=1.01)
    ax_maps.set_title(ax_maps.get_title(), y=1.01)  # a fixed title position: no layout search per draw
    legends = _legends(fig, entries, [], loc="upper left", bbox_to_anchor=(1.03, 1.0),
                       bbox_transform=ax_out.transAxes, borderaxespad=0.0, fontsize=11, handletextpad=0.2,
                       markerscale=1.4)
    if maps.regression:
        _output_colorbar(fig, (0.82, 0.49, 0.012, 0.22), "vertical").set_label("target, output", fontsize=11)
    markers = [_draw_losses(run, ax_loss), _draw_grad_norms(run, ax_grad)]
    animated = [ax_maps.images[0], surface, *scatters, ax_maps.title, ax_out.title, ax_loss.title, *markers,
                *legends.values()]
    for artist in animated:
        artist.set_animated(True)
    fig._playground = dict(ax_maps=ax_maps, ax_out=ax_out, ax_loss=ax_loss, mosaic=ax_maps.images[0],
                           surface=surface, contour=[], test=test, markers=markers, animated=animated,
                           legends=legends)
    if run.message:
        fig.text(0.5, 0.995, _wrap(run.message), ha="center", va="top", fontsize=12, fontweight="bold",
                 color=style.DIVERGED_COLOR if "diverged" in run.message else style.OKABE_ITO["vermillion"])
    return fig


MAIN_SIZE_IN = (4.8, 4.2)  # the main picture, beside two columns of controls on a 1280×720 screen


@checked
def new_main_figure(run: Run) -> Figure:
    """The main picture: the output surface with the points (left) and the loss per epoch (right),
    one legend below both; sized to sit beside the controls on a projector."""
    fig = new_figure(MAIN_SIZE_IN[1], MAIN_SIZE_IN[0], layout="none")
    W_px, H_px = (v * style.DPI for v in MAIN_SIZE_IN)
    side, top = 270, 52  # pixels: the square surface, the room for two title lines

    def rect(left, bottom, width, height):
        return (left / W_px, bottom / H_px, width / W_px, height / H_px)

    bottom = H_px - top - side
    ax_out = fig.add_axes(rect(6, bottom, side, side))
    ax_loss = fig.add_axes(rect(side + 78, bottom, W_px - side - 98, side))
    maps = run.maps[-1]
    surface, scatters, test, entries = _draw_output(ax_out, run, maps, sizes=(14, 22))
    marker = _draw_losses(run, ax_loss, legend=False)
    ax_loss.set_ylabel("")  # the title names it
    for ax in (ax_out, ax_loss):
        ax.set_title(ax.get_title() or "output", y=1.01, fontsize=12.5)
    handles, labels = ax_loss.get_legend_handles_labels()
    loss = _loss_name(run)
    legends = _legends(fig, entries, [(h, f"{loss}, {x}") for h, x in zip(handles, labels, strict=True)],
                       loc="upper left", bbox_to_anchor=(6 / W_px, (bottom - 48) / H_px),
                       ncol=3, fontsize=11, handletextpad=0.3,
                       columnspacing=1.0, markerscale=1.4, handlelength=1.8, borderaxespad=0.0)
    if maps.regression:  # the colour scale of the output and the targets, under the surface
        bar = _output_colorbar(fig, rect(6, bottom - 26, 150, 9), "horizontal")
        bar.ax.text(1.1, 0.5, "target, output", transform=bar.ax.transAxes, va="center", fontsize=11)
    animated = [surface, *scatters, ax_out.title, ax_loss.title, marker, *legends.values()]
    for artist in animated:
        artist.set_animated(True)
    fig._playground = dict(ax_out=ax_out, ax_loss=ax_loss, surface=surface, contour=[], test=test,
                           markers=[marker], animated=animated, compact=True, legends=legends)
    if run.message:  # what happened, on the output (the status line below the controls says why)
        colour = style.DIVERGED_COLOR if "diverged" in run.message else style.OKABE_ITO["vermillion"]
        note = ax_out.text(0.5, 0.5, _wrap(run.message.split(":")[0], 24), transform=ax_out.transAxes,
                           ha="center", va="center", fontsize=12, fontweight="bold", color=colour,
                           bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        note.set_animated(True)  # drawn over the surface and the points, which are redrawn every update
        animated.append(note)
    return fig


def _changing_artists(fig) -> list:
    """The artists of a playground figure that an update redraws, in drawing order."""
    parts = getattr(fig, "_playground", None) or getattr(fig, "_evaluation", None) or {"animated": []}
    out = []
    for a in parts["animated"]:
        out.append(a)
        if a is parts.get("surface"):
            out += parts["contour"]
    return out


@checked
def render_png(fig) -> bytes:
    """PNG bytes of a playground figure: the first call draws it all, later ones only its changing artists."""
    if not hasattr(fig, "canvas") or not hasattr(fig, "bbox"):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    canvas = fig.canvas
    if getattr(fig, "_background", None) is None:
        canvas.draw()  # animated artists are left out of the background
        fig._background = canvas.copy_from_bbox(fig.bbox)
    else:
        canvas.restore_region(fig._background)
    for artist in _changing_artists(fig):
        if artist.get_visible():
            fig.draw_artist(artist)
    return encode_png(fig)


def _wrap(text: str, width: int = 110) -> str:
    """``text`` broken into lines of at most ``width`` characters."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _draw_losses(run: Run, ax, legend: bool = True):
    """Train (solid) and test (dashed) loss per epoch, log scale; a vertical line marks the shown epoch."""
    h = run.history
    n = min(len(h.epochs), len(h.train_loss), len(h.val_loss)) if h else 0  # a live run may be mid-epoch
    epochs = [0] + (h.epochs[:n] if h else [])
    train = [run.losses[0][0]] + (h.train_loss[:n] if h else [])
    test = [run.losses[0][1]] + (h.val_loss[:n] if h else [])
    dot = "o" if len(epochs) == 1 else ""  # epoch 0 alone (the first live frame): a dot, not nothing
    ax.plot(epochs, train, color=style.color(0), marker=dot, label="train", zorder=4)  # over a ✕
    ax.plot(epochs, test, color=style.color(1), ls="--", marker=dot, label="test", zorder=4)
    if h is not None and h.diverged:
        x = h.num_epochs if h.epochs else 1
        style.mark_diverged(ax, x, text="")
        left = x < 0.5 * max(run.settings.epochs, 1)  # the word on the side with room: never clipped
        value = h.diverged_loss
        word = "diverged" if value is None else f"diverged: loss {value:.3g}"  # off this axis
        ax.annotate(word, (x, 0.96), xycoords=("data", "axes fraction"), xytext=(8 if left else -8, 0),
                    textcoords="offset points", ha="left" if left else "right", va="center",
                    color=style.DIVERGED_COLOR, fontsize=style.MIN_FONT_PT + 1, fontweight="bold")
    finite = [v for v in train + test if math.isfinite(v) and v > 0]
    if finite:
        _log_axis(ax, min(finite), max(finite))
    ax.set_xlabel("epoch")
    ax.set_ylabel(_loss_name(run))
    ax.set_xlim(0, max(run.settings.epochs, 1))
    ax.set_title(_loss_name(run), y=1.01)
    if legend:
        style.legend_outside(ax)
    return ax.axvline(0, color="0.3", lw=1.2)


def _log_axis(ax, low: float, high: float) -> None:
    """A log y axis with plain tick labels; a few plain values labelled when it spans under two decades."""
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())  # minor ticks cost more than they tell
    ax.yaxis.set_major_formatter(PlainLogFormatter())
    if _one_power_of_ten(low, high):
        ax.yaxis.set_major_locator(mpl.ticker.FixedLocator(_log_ticks(low, high)))
        ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:g}"))


def _one_power_of_ten(low: float, high: float) -> bool:
    """True when [low, high] holds fewer than two powers of ten: a log axis would label one or none."""
    return math.floor(math.log10(high)) - math.ceil(math.log10(low)) < 1


def _log_ticks(low: float, high: float, n: int = 4) -> list[float]:
    """About ``n`` log-spaced values in [low, high], at the fewest digits that give three distinct ones."""
    for digits in range(2, 7):
        ticks = sorted({t for t in (float(f"{v:.{digits}g}") for v in np.geomspace(low, high, n))
                        if low <= t <= high})
        if len(ticks) >= 3:
            return ticks
    return [float(low), float(high)] if high > low else [float(low)]


def _draw_grad_norms(run: Run, ax):
    """Gradient norm of every layer's weights per optimizer step (x in epochs), log scale."""
    h = run.history
    ax.set_title("gradient norm per layer", y=1.01)
    ax.set_xlabel("epoch")
    ax.set_xlim(0, max(run.settings.epochs, 1))
    if h is None or not h.layer_grad_norms:
        ax.text(0.5, 0.5, "no step taken", transform=ax.transAxes, ha="center", fontsize=12)
        return ax.axvline(0, color="0.3", lw=1.2)
    G = np.asarray(h.layer_grad_norms, dtype=float)
    G[~(G > 0)] = np.nan
    x = np.arange(1, len(G) + 1) / max(h.epoch_steps[0] if h.epoch_steps else len(G), 1)
    stride = max(1, len(G) // 300)
    n = G.shape[1]
    for j in range(n):
        ax.plot(x[::stride], G[::stride, j], color=style.color(j), ls=style.linestyle(j), lw=1.6,
                label=_layer_label(j, n))
    if np.isfinite(G).any():
        _log_axis(ax, np.nanmin(G), np.nanmax(G))
    style.legend_outside(ax, fontsize=11, handlelength=1.6, labelspacing=0.2)
    return ax.axvline(0, color="0.3", lw=1.2)


@checked
def run_summary(run: Run) -> str:
    """The result a status line gives: "test accuracy 0.97", or "test MSE 0.012 / R² 0.95" for a
    regression set (the last epoch's, as training.fit recorded it)."""
    h = run.history
    if h is None or not h.val_metric:
        return "nothing trained yet"
    if run.settings.regression:
        return f"test MSE {h.final('val_loss'):.3g} / R² {h.final('val_metric'):.2f}"
    return f"test accuracy {h.final('val_metric'):.2f}"


def _diverged_epoch(run: Run) -> int | None:
    """The epoch a diverged run diverged in, or None for a run that did not."""
    h = run.history
    return h.diverged_epoch if h is not None and h.diverged else None


@checked
def draw_evaluation(run: Run, threshold: float = 0.5, fig=None):
    """On the test points of the trained model: confusion matrix at ``threshold``, ROC and PR curves;
    for a regression set, predicted against true values (the threshold plays no part there)."""
    check_range("threshold", threshold, 0.0, 1.0)
    if fig is None or not hasattr(fig, "_evaluation"):
        fig = new_evaluation_figure(run)
    parts = fig._evaluation
    if "cm_image" not in parts:  # nothing to evaluate, or a regression set: nothing moves
        return fig
    y, scores = run.data.y_test.numpy(), run.test_scores
    cm = metrics.confusion_matrix(y, (scores >= threshold).astype(int), labels=[0, 1])
    parts["cm_image"].set_data(cm)
    parts["cm_image"].set_clim(0, cm.max() or 1)
    names = [["TN", "FP"], ["FN", "TP"]]
    for (i, j), text in zip([(0, 0), (0, 1), (1, 0), (1, 1)], parts["cm_texts"], strict=True):
        text.set_text(f"{names[i][j]}\n{cm[i, j]}")
        text.set_color("white" if cm[i, j] > 0.6 * (cm.max() or 1) else "black")
    (tn, fp), (fn, tp) = cm
    fpr, tpr = fp / max(fp + tn, 1), tp / max(tp + fn, 1)
    parts["roc_point"].set_data([fpr], [tpr])
    precision = tp / (tp + fp) if tp + fp else np.nan
    parts["pr_point"].set_data([tpr], [precision])
    shown = f"{precision:.2f}" if np.isfinite(precision) else "undefined (nothing predicted 1)"
    parts["headline"].set_text(f"{len(y)} test points at threshold {threshold:.2f}: recall {tpr:.2f}, "
                               f"precision {shown}, false positive rate {fpr:.2f}")
    return fig


@checked
def new_evaluation_figure(run: Run) -> Figure:
    """The evaluation figure of a run, with the artists a threshold change updates."""
    fig = new_figure(3.9, layout="none")
    diverged = _diverged_epoch(run)
    if diverged is not None or run.test_scores is None:
        return _nothing_to_evaluate(fig, run, diverged)
    if run.settings.regression:
        return _regression_evaluation(fig, run)
    grid = fig.add_gridspec(1, 3, left=0.07, right=0.98, top=0.8, bottom=0.17, wspace=0.42,
                            width_ratios=[0.8, 1, 1])
    ax_cm, ax_roc, ax_pr = (fig.add_subplot(g) for g in grid)
    parts = dict(ax_cm=ax_cm, ax_roc=ax_roc, ax_pr=ax_pr, animated=[])
    fig._evaluation = parts
    y, scores = run.data.y_test.numpy(), run.test_scores
    plot_confusion_matrix(np.zeros((2, 2), dtype=int), ["0", "1"], ax_cm, title="test points")
    fpr, tpr, _ = metrics.roc_curve(y, scores)
    precision, recall, _ = metrics.precision_recall_curve(y, scores)
    parts["auc"], parts["ap"] = metrics.auc(fpr, tpr), metrics.average_precision_score(y, scores)
    ax_roc.plot([0, 1], [0, 1], ls=":", color="0.5", lw=1.2)
    ax_roc.plot(fpr, tpr, color=style.color(0))
    ax_roc.set(xlabel="false positive rate", ylabel="recall", xlim=(-0.02, 1.02), ylim=(-0.02, 1.02))
    ax_pr.axhline(y.mean(), ls=":", color="0.5", lw=1.2)
    ax_pr.plot(recall, precision, drawstyle="steps-post", color=style.color(0))
    ax_pr.set(xlabel="recall", ylabel="precision", xlim=(-0.02, 1.02), ylim=(-0.02, 1.05))
    ax_roc.set_title(f"ROC (AUC {parts['auc']:.2f})", y=1.01)
    ax_pr.set_title(f"precision-recall (AP {parts['ap']:.2f})", y=1.01)
    ax_cm.set_title("confusion matrix", y=1.01)
    parts["headline"] = fig.text(0.5, 0.985, "", ha="center", va="top", fontsize=13)
    parts["roc_point"], = ax_roc.plot([], [], "o", ms=10, color=style.color(1))
    parts["pr_point"], = ax_pr.plot([], [], "o", ms=10, color=style.color(1))
    parts["cm_image"], parts["cm_texts"] = ax_cm.images[0], list(ax_cm.texts)
    parts["animated"] = [parts["cm_image"], *parts["cm_texts"], parts["roc_point"], parts["pr_point"],
                         parts["headline"]]
    for artist in parts["animated"]:
        artist.set_animated(True)
    return fig


def _nothing_to_evaluate(fig, run: Run, diverged: int | None):
    """One labelled panel in place of the evaluation: the run diverged, holds, or has no finite output."""
    ax = fig.add_axes((0.05, 0.06, 0.9, 0.74))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if diverged is not None:
        title, why = f"the run diverged at epoch {diverged}: nothing to evaluate", run.message
    else:
        title = "no trained model to evaluate"
        why = run.message or ("the run is held or still training: ▶ play to finish it, then evaluate"
                              if not run.history or run.history.num_epochs < run.settings.epochs
                              else "the model's outputs on the test points are not finite")
    ax.set_title(title, color=style.DIVERGED_COLOR, fontweight="bold" if diverged is not None else "normal")
    ax.text(0.5, 0.5, _wrap(why, 80), ha="center", va="center", transform=ax.transAxes, fontsize=12)
    fig._evaluation = dict(ax=ax, animated=[])
    return fig


def _regression_evaluation(fig, run: Run):
    """A regression set's evaluation: predicted against true values of the test points (on the line
    y = x when right), and the errors' histogram, under the test MSE and R²."""
    y, y_hat = run.data.y_test.numpy().astype(float), run.test_scores.astype(float)
    errors = y_hat - y
    mse = float(np.mean(errors ** 2))
    r2 = 1 - float(np.sum(errors ** 2)) / max(float(np.sum((y - y.mean()) ** 2)), 1e-12)
    grid = fig.add_gridspec(1, 2, left=0.08, right=0.97, top=0.8, bottom=0.17, wspace=0.3,
                            width_ratios=[1, 1.3])
    ax_fit, ax_err = (fig.add_subplot(g) for g in grid)
    low, high = min(y.min(), y_hat.min()), max(y.max(), y_hat.max())
    pad = 0.05 * (high - low or 1.0)
    ax_fit.plot([low - pad, high + pad], [low - pad, high + pad], ls=":", color="0.4", lw=1.4,
                label="y = x (exact)")
    ax_fit.scatter(y, y_hat, s=14, color=style.color(0), alpha=0.8, label="test points")
    ax_fit.set(xlim=(low - pad, high + pad), ylim=(low - pad, high + pad), xlabel="true target",
               ylabel="predicted")
    ax_fit.set_title("predicted against true", y=1.01)
    ax_fit.legend(loc="upper left", fontsize=11, handletextpad=0.3)
    ax_err.hist(errors, bins=30, color=style.color(0), alpha=0.8)
    ax_err.axvline(0, color="0.4", ls=":", lw=1.4)
    ax_err.set(xlabel="error: predicted − true", ylabel="test points")
    ax_err.set_title("errors", y=1.01)
    fig.text(0.5, 0.985, f"{len(y)} test points: MSE {mse:.3g}, R² {r2:.2f} (the threshold plays no part "
             "in regression)", ha="center", va="top", fontsize=13)
    fig._evaluation = dict(ax_fit=ax_fit, ax_err=ax_err, mse=mse, r2=r2, animated=[])
    return fig


@checked
def weights_list_html(run: Run) -> str:
    """The list beside the weights graph: each layer's largest weights, the neurons named as the graph's
    hover texts name them ("x1 → h1.3"), one unbroken line each in a column as wide as the longest."""
    import html

    top = 3
    lines = neuron_maps.largest_weights(run.model, top, features=run.data.features)
    header = f"largest {top} weights of each layer (from → to)"
    width = max(map(len, lines + [header])) + 2
    return (f"<div style='white-space: nowrap; min-width: {width}ch; font-family: monospace'>"
            f"<b>largest {top} weights of each layer</b> (from → to)<br>"
            + "<br>".join(html.escape(line) for line in lines) + "</div>")


@checked
def network_graph_html(run: Run) -> str:
    """The run's network as a graph (neurons as maps, edges coloured by weight), as an HTML image whose
    neurons and edges say their name and weight on hover."""
    fig = new_figure(5.0, layout="none")
    ax = fig.add_axes((0.02, 0.1, 0.96, 0.8))
    if run.ok:
        title = f"the network after epoch {run.epochs[-1]}: vermilion weights > 0, blue < 0"
    elif run.history is not None and run.history.diverged:  # the maps stop at the last snapshot
        title = _wrap(f"a diverged run: neurons drawn at epoch {run.epochs[-1]}, weights (edges, hover, "
                      "list) as they were when it diverged", 70)
    else:
        title = _wrap(f"the network: {run.message}", 70)
    neuron_maps.plot_network_graph(run.model, run.maps[-1], ax, title=title)
    return neuron_maps.graph_html(render_png(fig), ax, run.model, run.data.features)
