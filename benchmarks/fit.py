"""Benchmark: the same MLP trained three ways on the same data, in one run.

course_lib's fit, a minimal hand-written PyTorch loop (same fused Adam, no bookkeeping), a naive
loop (torch's default Adam, per-batch indexing), and scikit-learn's MLPClassifier: 20,000 moons
points (16,000 to train), 2x64 ReLU, Adam lr 1e-3, batch 64, 5 epochs, one intra-op thread.
Prints best-of-N wall time and test accuracy for each, and the time ratios.

    python benchmarks/fit.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course_lib import data, runtime  # noqa: E402
from course_lib.models import MLP  # noqa: E402
from course_lib.training import evaluate, fit  # noqa: E402

HIDDEN, LR, BATCH_SIZE, NUM_EPOCHS = (64, 64), 1e-3, 64, 5


def run_fit(s: data.Split, seed: int) -> tuple[float, float]:
    """course_lib.training.fit (with its per-epoch train/validation evaluation)."""
    model = MLP(2, hidden=HIDDEN, seed=seed)
    start = time.perf_counter()
    fit(model, s, lr=LR, batch_size=BATCH_SIZE, num_epochs=NUM_EPOCHS, seed=seed)
    return time.perf_counter() - start, evaluate(model, s.X_test, s.y_test)[1]


def run_minimal(s: data.Split, seed: int, fused: bool = True) -> tuple[float, float]:
    """The shortest honest PyTorch loop: shuffle, forward, loss, backward, step."""
    model = MLP(2, hidden=HIDDEN, seed=seed)
    opt = torch.optim.Adam(model.parameters(), lr=LR, fused=True) if fused else \
        torch.optim.Adam(model.parameters(), lr=LR)
    X, y = s.X_train, s.y_train.float()
    g = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(NUM_EPOCHS):
        perm = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), BATCH_SIZE):
            idx = perm[i:i + BATCH_SIZE]
            loss = F.binary_cross_entropy_with_logits(model(X[idx]).squeeze(-1), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return time.perf_counter() - start, evaluate(model, s.X_test, s.y_test)[1]


def run_sklearn(s: data.Split, seed: int) -> tuple[float, float]:
    """scikit-learn's MLPClassifier with the same architecture and optimiser settings."""
    clf = MLPClassifier(HIDDEN, solver="adam", learning_rate_init=LR, batch_size=BATCH_SIZE,
                        max_iter=NUM_EPOCHS, random_state=seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(s.X_train.numpy(), s.y_train.numpy())
    return time.perf_counter() - start, float(clf.score(s.X_test.numpy(), s.y_test.numpy()))


def main() -> None:
    """Run every method ``repeats`` times, interleaved, and print the best times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runtime.setup(0, threads=1, verbose=False)
    X, y = data.make_toy("moons", n_samples=20_000, noise=0.2, seed=0)
    s = data.split(X, y, val_size=0.1, test_size=0.1, seed=0)
    methods = {
        "course_lib fit": run_fit,
        "minimal loop (fused Adam)": run_minimal,
        "naive loop (default Adam)": lambda s, seed: run_minimal(s, seed, fused=False),
        "sklearn MLPClassifier": run_sklearn,
    }
    results = {name: [] for name in methods}
    for repeat in range(args.repeats):
        for name, method in methods.items():
            results[name].append(method(s, repeat))
    best = {name: min(t for t, _ in runs) for name, runs in results.items()}
    accuracy = {name: sum(a for _, a in runs) / len(runs) for name, runs in results.items()}
    print(f"moons, {len(s.X_train)} training points, MLP 2-64-64-1 ReLU, Adam lr {LR}, "
          f"batch {BATCH_SIZE}, {NUM_EPOCHS} epochs, best of {args.repeats}, torch threads "
          f"{torch.get_num_threads()}")
    print(f"{'method':28s} {'time (s)':>9s} {'test acc':>9s}")
    for name in methods:
        print(f"{name:28s} {best[name]:9.3f} {accuracy[name]:9.3f}")
    fit_time = best["course_lib fit"]
    print(f"fit / minimal loop   = {fit_time / best['minimal loop (fused Adam)']:.2f}  (target <= 1.1)")
    print(f"fit / MLPClassifier  = {fit_time / best['sklearn MLPClassifier']:.2f}  (target <= 1.0)")
    print(f"naive / MLPClassifier = {best['naive loop (default Adam)'] / best['sklearn MLPClassifier']:.2f}")


if __name__ == "__main__":
    main()
