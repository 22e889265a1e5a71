"""Exercises with automatic feedback that teaches: predictions, numbers and code, checked by ``check``.

Each notebook's exercises live in a module ``exNN`` of this package (``ex01`` for notebook 01),
which defines ``EXERCISES``, a dict by short name; keys are "NN.name". Three kinds:

- ``Prediction``: the student commits to one of a few choices *before* moving a control; every
  choice gets its own feedback (what to look at in the explorer), right or wrong.
- ``Exercise``: a number or a word, judged by ``is_correct``; recognised mistakes get targeted
  feedback; a percentage given for a fraction is recognised when the judge is ``close_to``.
- ``CodeExercise``: the student writes a function; ``check`` runs it against a reference on
  random inputs of growing size and shows the smallest input where the two differ, naming a
  classic wrong implementation when the student's function behaves like one.

Hints come only after a wrong attempt, one more specific hint per further attempt. Solutions are
in the library, one call away (``solution(key)``), and out of the student's way.
"""

from __future__ import annotations

import importlib
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Exercise:
    """A question with a number or a word for an answer.

    ``answer`` is the reference answer (the tests check it is accepted); ``hints`` grow more
    specific, one per wrong attempt; ``mistakes`` maps a judge of a classic wrong answer to its
    targeted feedback (the first matching judge wins).
    """

    question: str
    is_correct: Callable[[Any], bool]
    answer: Any
    hints: Sequence[str]
    solution: str
    mistakes: Mapping[Callable[[Any], bool], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Prediction:
    """A prediction to commit to before moving a control: one of ``choices`` (letter → text).

    ``feedback`` maps every choice to what it gets back: why it is right, or what to look at in
    the explorer to see why not. The student may answer with the letter or the choice's text.
    """

    question: str
    choices: Mapping[str, str]
    answer: str
    feedback: Mapping[str, str]
    solution: str
    hints: Sequence[str] = ()

    def normalise(self, answer: Any) -> str | None:
        """The letter ``answer`` stands for, or None when it names no choice."""
        if not isinstance(answer, str):
            return None
        text = answer.strip().lower().rstrip(")").strip()
        for letter, choice in self.choices.items():
            if text in (letter.lower(), choice.lower()):
                return letter
        return None


@dataclass(frozen=True)
class CodeExercise:
    """Write a function; it is checked against ``reference`` on random inputs.

    ``make_inputs(rng, size)`` returns the positional arguments of one call, ``size`` from small to
    large; ``wrong`` maps feedback to a classic wrong implementation (the tests check each one is
    rejected with its own feedback); ``atol``/``rtol`` compare outputs.
    """

    question: str
    reference: Callable[..., Any]
    make_inputs: Callable[[np.random.Generator, int], tuple]
    hints: Sequence[str]
    solution: str
    wrong: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    sizes: Sequence[int] = (1, 2, 3, 4, 6, 8, 16, 32)
    trials: int = 8
    atol: float = 1e-5
    rtol: float = 1e-4


AnyExercise = Exercise | Prediction | CodeExercise


def _finite(name: str, value: Any, *, nonnegative: bool = False) -> float:
    """``value`` as a float; TypeError/ValueError naming ``name`` unless a finite (>= 0) number."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value) or (nonnegative and value < 0):
        raise ValueError(f"{name} must be a finite number{' >= 0' if nonnegative else ''}, got {value!r}")
    return float(value)


def close_to(expected: float, rel: float = 1e-3, abs_: float = 1e-9) -> Callable[[Any], bool]:
    """A judge accepting numbers within a relative tolerance of ``expected``."""
    _finite("expected", expected)
    _finite("rel", rel, nonnegative=True)
    _finite("abs_", abs_, nonnegative=True)

    def judge(answer: Any) -> bool:
        try:
            return math.isclose(float(answer), expected, rel_tol=rel, abs_tol=abs_)
        except (TypeError, ValueError):
            return False

    judge.expected = expected  # lets ``check`` recognise a percentage given for a fraction
    judge.example = expected  # an answer this judge accepts (the tests feed it to ``check``)
    return judge


def between(low: float, high: float) -> Callable[[Any], bool]:
    """A judge accepting numbers strictly between ``low`` and ``high``."""
    if _finite("low", low) >= _finite("high", high):
        raise ValueError(f"low must be below high, got low={low!r}, high={high!r}")

    def judge(answer: Any) -> bool:
        try:
            return low < float(answer) < high
        except (TypeError, ValueError):
            return False

    judge.example = (low + high) / 2
    return judge


def one_of(*words: str) -> Callable[[Any], bool]:
    """A judge accepting any of ``words`` (case and surrounding spaces ignored)."""
    wanted = {w.strip().lower() for w in words}

    def judge(answer: Any) -> bool:
        return isinstance(answer, str) and answer.strip().lower() in wanted

    judge.example = words[0]
    return judge


def get(key: str) -> AnyExercise:
    """The exercise with key "NN.name"."""
    if not isinstance(key, str) or "." not in key:
        raise ValueError(f"key must look like '01.name', got {key!r}")
    number, name = key.split(".", 1)
    try:
        module = importlib.import_module(f"{__name__}.ex{number}")
    except ModuleNotFoundError:
        raise ValueError(f"no exercises for notebook {number!r} (key {key!r})") from None
    if name not in module.EXERCISES:
        raise ValueError(f"key must be one of {[f'{number}.{k}' for k in module.EXERCISES]}, "
                         f"got {key!r}")
    return module.EXERCISES[name]


def keys(notebook: str | None = None) -> list[str]:
    """Every exercise key of the course (or of one notebook, e.g. "03")."""
    numbers = [notebook] if notebook else ["01", "02", "03", "04", "05"]
    out = []
    for number in numbers:
        module = importlib.import_module(f"{__name__}.ex{number}")
        out += [f"{number}.{name}" for name in module.EXERCISES]
    return out


class Verdict:
    """The result of ``check``: true when the answer is right; shows nothing more in a notebook."""

    def __init__(self, correct: bool):
        self.correct = correct

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"Verdict(correct={self.correct})"

    def _ipython_display_(self) -> None:
        """The feedback is already printed: display nothing (no stray True/False under it)."""


_wrong_attempts: dict[str, int] = {}


def reset(key: str | None = None) -> None:
    """Forget the wrong attempts made so far (of one exercise, or of all): hints start again."""
    if key is None:
        _wrong_attempts.clear()
    else:
        _wrong_attempts.pop(key, None)


def _next_hint(key: str, hints: Sequence[str]) -> str:
    """The hint for this wrong attempt: the first after one miss, more specific after each further one."""
    _wrong_attempts[key] = _wrong_attempts.get(key, 0) + 1
    if not hints:
        return ""
    n = min(_wrong_attempts[key], len(hints))
    more = " (try again: the next hint is more specific)" if n < len(hints) else ""
    return f"\nHint {n}/{len(hints)}: {hints[n - 1]}{more}"


def _mistake(exercise: Exercise, answer: Any) -> str | None:
    """The feedback of the first classic mistake that ``answer`` makes, if any."""
    for judge, message in exercise.mistakes.items():
        try:
            if judge(answer):
                return message
        except Exception:  # a judge that cannot read the answer: not this mistake
            continue
    return None


def _scale_mistake(exercise: Exercise, answer: Any) -> str | None:
    """Feedback when ``answer`` is right but on the wrong scale (a percentage for a fraction)."""
    expected = getattr(exercise.is_correct, "expected", None)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None
    if expected is not None and 0 < abs(expected) <= 1 and exercise.is_correct(value / 100):
        return (f"{value:g} looks like a percentage: the answer is a fraction between 0 and 1 "
                f"({value:g}% is {value / 100:g}).")
    return None


def _check_value(key: str, exercise: Exercise, answer: Any) -> bool:
    """Judge a number or word; print feedback."""
    try:
        ok = bool(exercise.is_correct(answer))
    except Exception as exc:  # a student's answer of the wrong kind is feedback, not a crash
        ok = False
        print(f"[{key}] Could not read that answer ({type(exc).__name__}: {exc}).")
    if ok:
        print(f"[{key}] Correct!")
        return True
    message = _mistake(exercise, answer) or _scale_mistake(exercise, answer)
    print(f"[{key}] Not quite{': ' + message if message else '.'}{_next_hint(key, exercise.hints)}")
    return False


def _check_prediction(key: str, exercise: Prediction, answer: Any) -> bool:
    """Judge a prediction; every choice gets its own feedback."""
    letter = exercise.normalise(answer)
    if letter is None:
        options = ", ".join(f"{k!r}" for k in exercise.choices)
        print(f"[{key}] Answer with one of {options} (the letter of your prediction).")
        return False
    if letter == exercise.answer:
        print(f"[{key}] Right: {exercise.feedback[letter]}")
        return True
    print(f"[{key}] Not what happens: {exercise.feedback[letter]}{_next_hint(key, exercise.hints)}")
    return False


def _to_array(value: Any) -> np.ndarray:
    """An output as a float NumPy array (tensors detached), for comparison."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=float)


def _same(a: Any, b: Any, exercise: CodeExercise) -> bool:
    """True when two outputs agree in shape and value."""
    try:
        x, y = _to_array(a), _to_array(b)
    except (TypeError, ValueError):
        return False
    return x.shape == y.shape and bool(np.allclose(x, y, atol=exercise.atol, rtol=exercise.rtol,
                                                   equal_nan=True))


def _inputs(exercise: CodeExercise, seed: int = 0) -> list[tuple]:
    """The test inputs, smallest first (the same every time, so feedback is reproducible)."""
    rng = np.random.default_rng(seed)
    return [exercise.make_inputs(rng, size) for size in exercise.sizes for _ in range(exercise.trials)]


def _call(func: Callable, args: tuple) -> tuple[Any, Exception | None]:
    """``func(*args)`` on copies of the arguments, or the exception it raised."""
    copies = tuple(a.clone() if hasattr(a, "clone") else np.copy(a) if isinstance(a, np.ndarray) else a
                   for a in args)
    try:
        return func(*copies), None
    except Exception as exc:  # the student's code failing is feedback
        return None, exc


def _show_one(value: Any) -> str:
    """A short readable rendering of one value (arrays and tensors as arrays, numbers to 4 digits)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=3, threshold=20)
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    if isinstance(value, np.integer):
        return str(int(value))
    return repr(value)


def _show(args: tuple) -> str:
    """The arguments of one call, rendered readably."""
    return ", ".join(_show_one(a) for a in args)


def _check_code(key: str, exercise: CodeExercise, func: Any) -> bool:
    """Run the student's function against the reference; show the smallest input where they differ."""
    if not callable(func):
        print(f"[{key}] Pass your function itself (its name, no parentheses), got {type(func).__name__}.")
        return False
    inputs = _inputs(exercise)
    first, error = _call(func, inputs[0])
    if first is Ellipsis:  # a skeleton whose body is still `return ...`
        print(f"[{key}] Not answered yet: write the body of your function (replace the ...).")
        return False
    if first is None and error is None and _call(exercise.reference, inputs[0])[0] is not None:
        print(f"[{key}] Your function returned None: did you forget the `return`?"
              f"{_next_hint(key, exercise.hints)}")
        return False
    first_bad = None
    for args in inputs:
        got, error = _call(func, args)
        expected, _ = _call(exercise.reference, args)
        if error is not None or not _same(got, expected, exercise):
            first_bad = (args, expected, got, error)
            break
    if first_bad is None:
        print(f"[{key}] Correct! Your function matches the reference on {len(inputs)} random inputs.")
        return True
    for message, wrong in exercise.wrong.items():
        if all(_same(_call(func, args)[0], _call(wrong, args)[0], exercise) for args in inputs[:24]):
            print(f"[{key}] Not quite: {message}{_next_hint(key, exercise.hints)}")
            return False
    args, expected, got, error = first_bad
    outcome = f"raised {type(error).__name__}: {error}" if error is not None else f"returned {_show((got,))}"
    print(f"[{key}] Not quite. The smallest input where your function differs:\n"
          f"{_named_arguments(exercise.reference, args)}\n"
          f"  expected: {_indent(_show((expected,)))}\n  yours:    {_indent(outcome)}"
          f"{_next_hint(key, exercise.hints)}")
    return False


def _indent(text: str, by: int = 12) -> str:
    """``text`` with its continuation lines indented to line up after a label."""
    return text.replace("\n", "\n" + " " * by)


def _named_arguments(reference: Callable, args: tuple) -> str:
    """One line per argument, named as the reference function names it."""
    try:
        names = list(inspect.signature(reference).parameters)[:len(args)]
    except (TypeError, ValueError):
        names = []
    names += [f"argument {i + 1}" for i in range(len(names), len(args))]
    width = max(len(n) for n in names)
    lines = [f"  {n:<{width}} = {_indent(_show_one(a), width + 5)}" for n, a in zip(names, args, strict=True)]
    return "\n".join(lines)


def check(key: str, answer: Any) -> Verdict:
    """Say whether ``answer`` is right, with targeted feedback and a hint when it is not."""
    exercise = get(key)
    if answer is None or answer is Ellipsis:
        print(f"[{key}] Not answered yet: replace the ... with your answer.")
        return Verdict(False)
    if isinstance(exercise, Prediction):
        return Verdict(_check_prediction(key, exercise, answer))
    if isinstance(exercise, CodeExercise):
        return Verdict(_check_code(key, exercise, answer))
    return Verdict(_check_value(key, exercise, answer))


def solution(key: str) -> None:
    """Print the worked solution of an exercise."""
    print(get(key).solution)
