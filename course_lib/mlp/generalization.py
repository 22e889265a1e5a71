"""When an MLP generalises and when it does not: memorising random labels (C8), its weak
inductive bias (permuted pixels), and a tree-ensemble baseline on tabular data (C2)."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.ensemble import HistGradientBoostingClassifier

from ..checks import checked
from ..data import Split
from ..models import build_mlp
from ..training import evaluate, fit


@checked
def shuffle_labels(s: Split, seed: int = 0) -> Split:
    """The same inputs with the *training* labels randomly permuted; validation and test keep the real ones.

    A net that memorised the shuffled labels is then scored against the truth: its test accuracy
    is a measurement (it would rise above chance if the net had learned anything real).
    """
    g = torch.Generator().manual_seed(seed)
    y_train = s.y_train[torch.randperm(len(s.y_train), generator=g)]
    return Split(s.X_train, y_train, s.X_val, s.y_val, s.X_test, s.y_test, task=s.task,
                 num_classes=s.num_classes, mean=s.mean, std=s.std,
                 name=f"{s.name} (shuffled training labels)")


@checked
def permute_features(s: Split, seed: int = 0) -> Split:
    """The same data with its feature columns in one fixed random order (pixels scrambled)."""
    order = torch.randperm(s.in_features, generator=torch.Generator().manual_seed(seed))
    scale = {k: None if v is None else v[..., order] for k, v in (("mean", s.mean), ("std", s.std))}
    return Split(s.X_train[:, order], s.y_train, s.X_val[:, order], s.y_val, s.X_test[:, order],
                 s.y_test, task=s.task, num_classes=s.num_classes, name=f"{s.name} (permuted)", **scale)


@checked
def train_and_score(s: Split, hidden=(256, 256), *, lr: float = 1e-3, batch_size: int = 64,
                    num_epochs: int = 30, seed: int = 0) -> dict[str, float]:
    """Train an MLP with Adam and return its train and test accuracy, History and the model itself."""
    model = build_mlp(s, hidden=hidden, seed=seed)
    history = fit(model, s, lr=lr, batch_size=batch_size, num_epochs=num_epochs, seed=seed)
    return {"train": evaluate(model, s.X_train, s.y_train)[1],
            "test": evaluate(model, s.X_test, s.y_test)[1], "history": history, "model": model}


@checked
def boosting_baseline(s: Split, seed: int = 0) -> float:
    """Test accuracy of scikit-learn's HistGradientBoostingClassifier, the usual tabular baseline."""
    clf = HistGradientBoostingClassifier(random_state=seed)
    clf.fit(np.asarray(s.X_train), np.asarray(s.y_train))
    return float(clf.score(np.asarray(s.X_test), np.asarray(s.y_test)))
