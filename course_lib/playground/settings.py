"""A playground setting: every control's value (``Settings``) and the short state string that restores it.

``Settings.to_string`` writes the settings that differ from the defaults (``v1:data=xor&layers=3``);
``Settings.from_string`` reads a state or a whole link (``&`` or ``%26``); ``state_link`` makes the
link to the Voilà page of `make playground`.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, fields

from ..checks import check_choice, check_positive, check_range, checked
from ..initialization import INITS
from ..training import OPTIMIZERS
from . import toy_data

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "gelu", "leaky_relu")
REGULARIZATIONS = ("none", "l1", "l2", "weight_decay")
SCHEDULES = ("constant", "step", "exponential", "linear", "cosine")
# The inputs the network can be fed (TensorFlow Playground's feature checkboxes): name -> label.
FEATURE_LABELS = {"x1": "x1", "x2": "x2", "x1^2": "x1²", "x2^2": "x2²", "x1x2": "x1·x2",
                  "sin4x1": "sin 4x1", "sin4x2": "sin 4x2"}
# Combinations worth naming (kept for the state strings and notes that use them): state value -> label.
FEATURE_SETS = {
    "x1,x2": "x1, x2",
    "x1^2,x2^2": "x1², x2²",
    "x1x2": "x1·x2",
    "x1,x2,x1^2,x2^2,x1x2": "x1, x2, x1², x2², x1·x2",
    "x1,x2,sin4x1,sin4x2": "x1, x2, sin 4x1, sin 4x2",
    "x1,x2,x1^2,x2^2,x1x2,sin4x1,sin4x2": "all seven",
}
MAX_NEURONS = 16
# The sliders' ranges, (low, high, step): a state is checked against them and the sliders offer them,
# so a pasted state never holds a value its slider would silently clamp.
RANGES = {
    "noise": (0.0, 0.5, 0.05), "train_pct": (10, 90, 10), "class1_pct": (5, 50, 5),
    "points": (100, 1000, 100), "layers": (0, 6, 1), "neurons": (1, MAX_NEURONS, 1),
    "dropout": (0.0, 0.5, 0.05), "warmup_pct": (0, 50, 5), "threshold": (0.0, 1.0, 0.05),
}
LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
EPOCHS = (10, 20, 40, 80, 160, 320)
RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
CLIPS = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0)  # 0: no clipping

@dataclass(frozen=True)
class Settings:
    """Every control of the playground; the defaults are its first setting."""

    data: str = "circle"
    noise: float = 0.1
    train_pct: int = 50
    class1_pct: int = 50
    points: int = 400
    draw: int = 0
    features: str = "x1,x2"
    layers: int = 2
    neurons: int = 8
    widths: str = ""  # neurons per hidden layer, e.g. "8,4"; empty: ``neurons`` in every layer
    activation: str = "tanh"
    init: str = "default"
    batch_norm: bool = False
    residual: bool = False
    dropout: float = 0.0
    regularization: str = "none"
    rate: float = 1e-3
    optimizer: str = "adam"
    lr: float = 0.03
    batch_size: int = 32
    epochs: int = 40
    schedule: str = "constant"
    warmup_pct: int = 0
    clip: float = 0.0
    seed: int = 0
    epoch: int = -1  # the epoch shown; -1: the last
    show_test: bool = False
    discretize: bool = False
    threshold: float = 0.5

    def __post_init__(self):
        for name, (low, high, _) in RANGES.items():
            check_range(name, getattr(self, name), low, high)
        check_choice("data", self.data, toy_data.DATASETS)
        names = self.features.split(",") if isinstance(self.features, str) else None
        if not names or any(f not in FEATURE_LABELS for f in names) or len(set(names)) != len(names):
            raise ValueError(f"features must be distinct names from {list(FEATURE_LABELS)} joined by ',', "
                             f"got {self.features!r}")
        parse_widths(self.widths)
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("init", self.init, INITS)
        check_choice("regularization", self.regularization, REGULARIZATIONS)
        check_positive("rate", self.rate, allow_zero=True)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_positive("lr", self.lr)
        check_positive("batch_size", self.batch_size, integer=True)
        check_positive("epochs", self.epochs, integer=True)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_positive("clip", self.clip, allow_zero=True)

    @property
    def regression(self) -> bool:
        """True for TensorFlow Playground's regression sets (plane, multi-gaussian): MSE, R², no classes."""
        return toy_data.is_regression(self.data)

    @property
    def hidden(self) -> tuple[int, ...]:
        """Neurons of every hidden layer: ``widths`` where given (its last repeated), else ``neurons``."""
        given = parse_widths(self.widths) or (self.neurons,)
        return tuple(given[min(i, len(given) - 1)] for i in range(self.layers))

    @property
    def training_key(self) -> tuple:
        """What a run depends on (the view controls excluded; the rate only with a regularization,
        class 1 % only for a classification set)."""
        unused = {"rate"} if self.regularization == "none" else set()
        if toy_data.is_regression(self.data):
            unused.add("class1_pct")
        return tuple(None if f.name in unused else getattr(self, f.name)
                     for f in fields(self) if f.name not in VIEW_FIELDS)

    def to_string(self) -> str:
        """A short string of the settings that differ from the defaults, e.g. ``v1:data=xor&layers=3``."""
        default = Settings()
        parts = [f"{f.name}={_format(getattr(self, f.name))}" for f in fields(self)
                 if getattr(self, f.name) != getattr(default, f.name)]
        return "v1:" + "&".join(parts)

    @classmethod
    def from_string(cls, text: str) -> Settings:
        """The settings a ``to_string`` text describes (missing names keep their defaults).

        Takes the state as written (``&`` between entries), as a link encodes it (``%26``), or a whole
        link ``...?state=v1:...`` in either form.
        """
        text = read_state(text)
        types = {f.name: type(getattr(cls(), f.name)) for f in fields(cls)}
        values = {}
        for part in filter(None, text[3:].split("&")):
            name, sep, value = part.partition("=")
            if not sep or name not in types:
                raise ValueError(f"state has an unknown entry {part!r}; names are {sorted(types)}")
            try:
                values[name] = (value == "True") if types[name] is bool else types[name](value)
            except ValueError:
                raise ValueError(f"state entry {name!r} must be a {types[name].__name__}, "
                                 f"got {value!r}") from None
        return cls(**values)


VIEW_FIELDS = ("epoch", "show_test", "discretize", "threshold")
PAGE_URL = "http://localhost:8866/"  # the Voilà page of `make playground`


@checked
def read_state(text: str) -> str:
    """The state string ``v1:...`` in ``text``: a state, or a link carrying one, with ``&`` or ``%26``."""
    if not isinstance(text, str):
        raise TypeError(f"state must be a string starting with 'v1:', got {type(text).__name__}")
    state = text.strip()
    where = state.find("state=")
    if not state.startswith("v1") and where >= 0:
        state = state[where + len("state="):]  # everything after it: a raw '&' belongs to the state
    state = urllib.parse.unquote(state)
    if not state.startswith("v1:"):
        raise ValueError("state must be a string starting with 'v1:' (from Settings.to_string) or a "
                         f"link with '?state=v1:...', got {text!r}")
    return state


@checked
def state_link(state: str, page: str = PAGE_URL) -> str:
    """The link that opens the playground page at ``state`` (``&`` written ``%26``, as a URL needs)."""
    return f"{page}?state={urllib.parse.quote(read_state(state), safe=':,=^')}"


@checked
def state_from_query(query: str) -> tuple[str | None, list[str]]:
    """The state a page's query string carries, and notes on what it could not use.

    Everything after ``state=`` is the state (so a link that writes ``&`` instead of ``%26`` loses
    nothing); other parameters before it are named in the notes.
    """
    where = query.find("state=")
    if where < 0:
        ignored = [p for p in query.split("&") if p]
        return None, [f"the link has no state; ignored {', '.join(ignored)}"] if ignored else []
    before = [p for p in query[:where].split("&") if p]
    notes = [f"ignored the link's {', '.join(before)} (not part of the state)"] if before else []
    return read_state(query[where:]), notes


@checked
def parse_widths(text: str) -> tuple[int, ...]:
    """The per-layer widths a text such as "8,4" or "8 4" names (empty: none), each 1 to MAX_NEURONS."""
    parts = text.replace(",", " ").split()
    try:
        widths = tuple(int(p) for p in parts)
    except ValueError:
        widths = ()
    if len(widths) != len(parts) or not all(1 <= w <= MAX_NEURONS for w in widths):
        raise ValueError(f"widths must be whole numbers 1 to {MAX_NEURONS} separated by ',' (one per "
                         f"hidden layer), got {text!r}")
    return widths


def _format(value) -> str:
    """A value as the state string writes it."""
    return f"{value:g}" if isinstance(value, float) else str(value)
