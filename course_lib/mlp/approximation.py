"""What an MLP can represent: linear collapse (C1), universal approximation (C6), depth vs width (C7)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..checks import check_choice, check_positive, checked
from ..models import build_mlp
from ..training import fit


@checked
@torch.no_grad()
def collapse_linear(layers: Sequence[nn.Linear]) -> nn.Linear:
    """The single nn.Linear equal to a stack of nn.Linear layers with no activation between them.

    y = W3(W2(W1 x + b1) + b2) + b3 = (W3 W2 W1) x + (W3 W2 b1 + W3 b2 + b3).
    """
    layers = list(layers)
    if not layers or not all(isinstance(layer, nn.Linear) for layer in layers):
        raise TypeError("layers must be a non-empty sequence of nn.Linear")
    W = layers[0].weight.clone()
    b = layers[0].bias.clone() if layers[0].bias is not None else torch.zeros(W.shape[0])
    for layer in layers[1:]:
        if layer.in_features != W.shape[0]:
            raise ValueError(f"layers do not chain: {W.shape[0]} outputs feed {layer.in_features} inputs")
        b = layer.weight @ b + (layer.bias if layer.bias is not None else 0)
        W = layer.weight @ W
    single = nn.Linear(W.shape[1], W.shape[0])
    single.weight.copy_(W)
    single.bias.copy_(b)
    return single


@dataclass(frozen=True)
class HingeNet:
    """A one-hidden-layer ReLU network on a 1-D interval, unit by unit, with its fit to a target.

    Hidden unit i computes relu(slopes[i] * (x - kinks[i])): zero on one side of its kink, a ramp
    on the other (a "hinge"). The output is bias + sum_i weights[i] * hinge_i(x).
    """

    x: np.ndarray
    y: np.ndarray
    y_hat: np.ndarray
    kinks: np.ndarray
    slopes: np.ndarray
    weights: np.ndarray
    bias: float

    @property
    def width(self) -> int:
        """Number of hidden units."""
        return len(self.kinks)

    @property
    def max_error(self) -> float:
        """Largest |y_hat - y| on the grid."""
        return float(np.abs(self.y_hat - self.y).max())

    @property
    def mse(self) -> float:
        """Mean squared error on the grid."""
        return float(np.mean((self.y_hat - self.y) ** 2))

    def hinges(self) -> np.ndarray:
        """Each unit's contribution weights[i] * relu(slopes[i] * (x - kinks[i])), shape (width, len(x))."""
        ramps = np.maximum(self.slopes[:, None] * (self.x[None, :] - self.kinks[:, None]), 0.0)
        return self.weights[:, None] * ramps

    def kinks_inside(self) -> np.ndarray:
        """The kinks in [x[0], x[-1]) (a unit whose kink is at the left end is a ramp over the whole grid)."""
        return self.kinks[(self.kinks >= self.x[0]) & (self.kinks < self.x[-1])]


def _grid(fn: Callable[[np.ndarray], np.ndarray], low: float, high: float, n_points: int):
    """The interval as a float64 grid and the target on it."""
    check_positive("n_points", n_points, integer=True)
    if not low < high:
        raise ValueError(f"low must be below high, got low={low}, high={high}")
    if not callable(fn):
        raise TypeError(f"fn must be a function of a NumPy array, got {type(fn).__name__}")
    x = np.linspace(low, high, n_points)
    return x, np.asarray(fn(x), dtype=float)


@checked
def fit_hinges(fn: Callable[[np.ndarray], np.ndarray], width: int, *, kinks: str = "even",
               low: float = -math.pi, high: float = math.pi, n_points: int = 400,
               seed: int = 0) -> HingeNet:
    """Build a width-``width`` ReLU layer and solve its output layer by least squares (no training).

    ``kinks="even"``: unit i is relu(x - k_i) with the kinks evenly spaced from ``low`` (the first
    unit is a straight ramp over the whole interval); ``kinks="random"``: random slopes and kinks
    spread uniformly over the interval. Least squares costs milliseconds.
    """
    check_choice("kinks", kinks, ("even", "random"))
    x, y = _grid(fn, low, high, n_points)
    if kinks == "even":
        k = np.linspace(low, high, width + 1)[:-1]
        w = np.ones(width)
    else:
        rng = np.random.default_rng(seed)
        w = rng.standard_normal(width)
        k = rng.uniform(low, high, width)
    H = np.maximum(w[None, :] * (x[:, None] - k[None, :]), 0.0)
    H = np.concatenate([H, np.ones((len(x), 1))], axis=1)  # the output bias
    coef = np.linalg.lstsq(H, y, rcond=None)[0]
    return HingeNet(x, y, H @ coef, k, w, coef[:-1], float(coef[-1]))


@dataclass(frozen=True)
class TrainedHingeNet(HingeNet):
    """A one-hidden-layer ReLU network trained by gradient descent, with its loss every few steps."""

    steps: tuple[int, ...] = ()
    losses: tuple[float, ...] = ()


@checked
def train_hinges(fn: Callable[[np.ndarray], np.ndarray], width: int, *, num_steps: int = 3000,
                 lr: float = 0.01, low: float = -math.pi, high: float = math.pi, n_points: int = 400,
                 record_every: int = 20, seed: int = 0) -> TrainedHingeNet:
    """Train nn.Linear(1, width) -> ReLU -> nn.Linear(width, 1) with full-batch Adam on the grid.

    Every parameter is trained (kinks, slopes, output weights, bias) from PyTorch's default
    initialisation, on the same points ``fit_hinges`` uses; the loss is the mean squared error.
    """
    check_positive("record_every", record_every, integer=True)
    x, y = _grid(fn, low, high, n_points)
    torch.manual_seed(seed)  # nn.Linear draws its initial weights from the global generator
    net = nn.Sequential(nn.Linear(1, width), nn.ReLU(), nn.Linear(width, 1))
    X = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1)
    Y = torch.as_tensor(y, dtype=torch.float32).reshape(-1, 1)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    steps, losses = [], []
    for step in range(1, num_steps + 1):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(net(X), Y)
        loss.backward()
        optimizer.step()
        if step % record_every == 0 or step == num_steps:
            steps.append(step)
            losses.append(loss.item())
    with torch.no_grad():
        y_hat = net(X).double().reshape(-1).numpy()
        w = net[0].weight[:, 0].double().numpy()
        b = net[0].bias.double().numpy()
        c = net[2].weight[0].double().numpy()
        bias = float(net[2].bias[0])
    safe_w = np.where(w == 0, 1e-12, w)
    # relu(w x + b) = relu(w (x - k)) with k = -b / w
    return TrainedHingeNet(x, y, y_hat, -b / safe_w, w, c, bias, tuple(steps), tuple(losses))


@checked
def tent_network(k: int) -> nn.Sequential:
    """k layers, two ReLUs each, computing the tent map t(z) = 2 relu(z) - 4 relu(z - 1/2) k times.

    On [0, 1] the output has exactly 2**k linear pieces (Telgarsky 2016).
    """
    layers: list[nn.Module] = []
    for _ in range(k):
        hidden, combine = nn.Linear(1, 2), nn.Linear(2, 1)
        with torch.no_grad():
            hidden.weight.copy_(torch.tensor([[1.0], [1.0]]))
            hidden.bias.copy_(torch.tensor([0.0, -0.5]))
            combine.weight.copy_(torch.tensor([[2.0, -4.0]]))
            combine.bias.zero_()
        layers += [hidden, nn.ReLU(), combine]
    return nn.Sequential(*layers).double()


@checked(resolution_bits="int+")
@torch.no_grad()
def count_linear_pieces(model: nn.Module, low: float = 0.0, high: float = 1.0,
                        resolution_bits: int = 16) -> int:
    """Number of linear pieces of a 1-D -> 1-D network on [low, high], from slopes on a dyadic grid."""
    if not low < high or resolution_bits > 24:
        raise ValueError(f"low must be below high and resolution_bits <= 24, got low={low}, high={high}, "
                         f"resolution_bits={resolution_bits}")
    n = 2**resolution_bits
    x = torch.linspace(low, high, n + 1, dtype=torch.float64).reshape(-1, 1)
    y = model.double()(x).reshape(-1)
    slopes = torch.diff(y) / torch.diff(x.reshape(-1))
    changed = torch.diff(slopes).abs() > 1e-6 * (1 + slopes.abs().max())
    # A kink inside a grid cell changes the slope twice in a row: count each run of changes once.
    starts = changed & ~torch.cat([torch.tensor([False]), changed[:-1]])
    return int(starts.sum()) + 1


@checked
def shallow_relu_net(width: int, seed: int = 0) -> nn.Sequential:
    """A random one-hidden-layer 1-D ReLU network: at most width + 1 linear pieces."""
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(1, width), nn.ReLU(), nn.Linear(width, 1)).double()
    with torch.no_grad():  # spread the kinks over [0, 1] so that every unit can add a piece
        net[0].weight.copy_(torch.randn(width, 1, dtype=torch.float64))
        net[0].bias.copy_(-net[0].weight[:, 0] * torch.rand(width, dtype=torch.float64))
    return net


@checked
def linear_vs_nonlinear(data, activations: Sequence[str] = ("linear", "relu"), *, hidden=(16, 16, 16),
                        num_epochs: int = 30, seed: int = 0) -> dict:
    """The same network trained with each activation: ``{activation: (model, history)}``."""
    runs = {}
    for activation in activations:
        model = build_mlp(data, hidden=hidden, activation=activation, seed=seed)
        runs[activation] = (model, fit(model, data, lr=0.01, batch_size=32, num_epochs=num_epochs, seed=seed))
    return runs
