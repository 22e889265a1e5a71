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

Hints come only after a wrong attempt, one more specific hint per further attempt; no hint is the
solution. After the last hint the feedback names ``solution(key)``, which prints the worked solution.
An answer that cannot be used (an unreadable number, a name of no method, a function returning None)
gets a message saying how it was read and costs no hint. A student's function runs under a time
limit per call, with its prints captured and shown once, for the smallest input where it fails.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import math
import re
import signal
import threading
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
    unusable: Callable[[Any], str | None] | None = None  # a message for an answer it cannot use
    read: Callable[[Any], str] | None = None  # how an answer was read, in words, for feedback

    def reading(self, answer: Any) -> str | None:
        """How ``answer`` was read (a number for numeric judges), for feedback; None if unreadable."""
        if self.read is not None:
            return self.read(answer)
        if getattr(self.is_correct, "numeric", False):
            value = _read_number(answer)
            return None if value is None else f"{value:g}"
        return str(answer).strip() if isinstance(answer, str) else None


_LETTER_ALONE = r"\(?\s*([a-z])\s*\)?[.:]?"  # "c", "(c)", "c)", "c."
_LETTER_FIRST = r"\(\s*([a-z])\s*\)|([a-z])[).:](?:\s|$)"  # "(c) about 30", "c: about 30"


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
        """The letter ``answer`` stands for ("c", "C", "(c)", "c)", "(c) its text" or the text), or None."""
        if not isinstance(answer, str):
            return None
        text = answer.strip().lower()
        letters = {letter.lower(): letter for letter in self.choices}
        for letter, choice in self.choices.items():
            if text.strip(" .") == choice.lower():
                return letter
        match = re.fullmatch(_LETTER_ALONE, text) or re.match(_LETTER_FIRST, text)
        if match:
            found = next(g for g in match.groups() if g)
            return letters.get(found)
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


_NUMBER_WORDS = {"zero": 0, "none": 0, "nothing": 0, "one": 1, "two": 2, "three": 3, "four": 4,
                 "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "half": 0.5,
                 "a half": 0.5, "one half": 0.5}


def _read_number(answer: Any) -> float | None:
    """``answer`` as a float: numbers, "0.05", "5%", "1/20", "1e-3", "zero"; None when unreadable."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, Real):
        value = float(answer)
        return value if math.isfinite(value) else None
    if hasattr(answer, "item") and hasattr(answer, "shape") and int(np.prod(answer.shape)) == 1:
        return _read_number(answer.item())
    if not isinstance(answer, str):
        return None
    text = answer.strip().lower().replace(",", "").replace("−", "-").rstrip(".")
    if text in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[text])
    percent = text.endswith("%")
    text = text.rstrip("%").strip()
    try:
        if "/" in text:
            top, bottom = (float(part) for part in text.split("/"))
            value = top / bottom
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError):
        return None
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


def close_to(expected: float, rel: float = 1e-3, abs_: float = 1e-9) -> Callable[[Any], bool]:
    """A judge accepting numbers within a relative tolerance of ``expected``."""
    _finite("expected", expected)
    _finite("rel", rel, nonnegative=True)
    _finite("abs_", abs_, nonnegative=True)

    def judge(answer: Any) -> bool:
        value = _read_number(answer)
        return value is not None and math.isclose(value, expected, rel_tol=rel, abs_tol=abs_)

    judge.expected = expected  # lets ``check`` recognise a percentage given for a fraction
    judge.example = expected  # an answer this judge accepts (the tests feed it to ``check``)
    judge.numeric = True
    return judge


def between(low: float, high: float) -> Callable[[Any], bool]:
    """A judge accepting numbers strictly between ``low`` and ``high``."""
    if _finite("low", low) >= _finite("high", high):
        raise ValueError(f"low must be below high, got low={low!r}, high={high!r}")

    def judge(answer: Any) -> bool:
        value = _read_number(answer)
        return value is not None and low < value < high

    judge.example = (low + high) / 2
    judge.numeric = True
    return judge


def one_of(*words: str) -> Callable[[Any], bool]:
    """A judge accepting any of ``words`` (case and surrounding spaces ignored)."""
    wanted = {w.strip().lower() for w in words}

    def judge(answer: Any) -> bool:
        return isinstance(answer, str) and answer.strip().lower() in wanted

    judge.example = words[0]
    return judge


def _module(key: str):
    """The ``exNN`` module and the name of a key "NN.name"."""
    if not isinstance(key, str) or "." not in key:
        raise ValueError(f"key must look like '01.name', got {key!r}")
    number, name = key.split(".", 1)
    try:
        return importlib.import_module(f"{__name__}.ex{number}"), number, name
    except ModuleNotFoundError:
        raise ValueError(f"no exercises for notebook {number!r} (key {key!r})") from None


def _replaced_by(key: str) -> str | None:
    """The key of the exercise that replaced ``key`` in a later notebook (the module's ``REPLACED``),
    or None. An old key asked a different task in older copies, so it is never graded as the new one."""
    module, number, name = _module(key)
    replaced = getattr(module, "REPLACED", {})
    return f"{number}.{replaced[name]}" if name not in module.EXERCISES and name in replaced else None


def _replaced_message(key: str) -> bool:
    """Print one line if ``key`` is an old key of a replaced exercise; True if it was."""
    new = _replaced_by(key)
    if new is not None:
        print(f"[{key}] This exercise was replaced; download the current notebook (the new one is {new}).")
    return new is not None


def get(key: str) -> AnyExercise:
    """The exercise with key "NN.name"."""
    module, number, name = _module(key)
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
    """The hint for this wrong attempt: the first after one miss, more specific after each further one;
    the last one names ``solution(key)``."""
    _wrong_attempts[key] = _wrong_attempts.get(key, 0) + 1
    if not hints:
        return f"\nStill stuck? exercises.solution({key!r}) prints the worked solution."
    n = min(_wrong_attempts[key], len(hints))
    if n < len(hints):
        more = " (try again: the next hint is more specific)"
    else:
        more = (f"\nThat was the last hint. Still stuck? exercises.solution({key!r}) prints the "
                "worked solution.")
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
    value = _read_number(answer)
    if value is None:
        return None
    if expected is not None and 0 < abs(expected) <= 1 and exercise.is_correct(value / 100):
        return (f"{value:g} looks like a percentage: the answer is a fraction between 0 and 1 "
                f"({value:g}% is {value / 100:g}).")
    return None


def _unusable(exercise: Exercise, answer: Any) -> str | None:
    """Why ``answer`` cannot be judged (it costs no hint), or None when it can."""
    if exercise.unusable is not None:
        return exercise.unusable(answer)
    if getattr(exercise.is_correct, "numeric", False) and _read_number(answer) is None:
        return (f"could not read {answer!r} as a number: answer with a number, such as 0.25, "
                "25%, 1/4 or 1e-3.")
    return None


def _check_value(key: str, exercise: Exercise, answer: Any) -> bool:
    """Judge a number or word; print feedback."""
    try:
        ok = bool(exercise.is_correct(answer))
    except Exception:  # a student's answer of the wrong kind is feedback, not a crash
        ok = False
    if ok:
        read = exercise.reading(answer)
        shown = f" (read as {read})" if read is not None and read != str(answer).strip() else ""
        print(f"[{key}] Correct!{shown}")
        return True
    problem = _unusable(exercise, answer)
    if problem:
        print(f"[{key}] Not judged: {problem} (No hint used.)")
        return False
    message = _mistake(exercise, answer) or _scale_mistake(exercise, answer)
    read = exercise.reading(answer)
    as_read = f"your answer was read as {read}" if read is not None else f"your answer was {answer!r}"
    message = f"{as_read}: {message}" if message else f"{as_read}, which is not it."
    print(f"[{key}] Not quite: {message}{_next_hint(key, exercise.hints)}")
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


TIME_LIMIT_S = 5.0  # per call of a student's function


class _StudentTimeout(BaseException):
    """A student's function ran past the time limit (a BaseException: ``except Exception`` in the
    student's own code does not swallow it)."""


def _dtype(value: Any) -> str | None:
    """The dtype of an array or tensor output (None for plain Python numbers and tuples)."""
    dtype = getattr(value, "dtype", None)
    return None if dtype is None else str(dtype).replace("torch.", "")


def _to_array(value: Any) -> np.ndarray:
    """An output as a float64 NumPy array (tensors detached, sequences of tensors stacked)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    elif isinstance(value, list | tuple):
        value = [v.detach().cpu().numpy() if hasattr(v, "detach") else v for v in value]
    return np.asarray(value, dtype=np.float64)


def _low_precision(*values: Any) -> bool:
    """True when any output is float32 or coarser: then the comparison uses float32's tolerance."""
    return any(_dtype(v) in ("float32", "float16", "bfloat16") for v in values)


def _tolerance(exercise: CodeExercise, *values: Any) -> tuple[float, float]:
    """(atol, rtol): the exercise's own, widened to float32's rounding when an output is float32."""
    if _low_precision(*values):
        return max(exercise.atol, 1e-4), max(exercise.rtol, 1e-4)
    return exercise.atol, exercise.rtol


def _same(a: Any, b: Any, exercise: CodeExercise) -> bool:
    """True when two outputs agree in shape and value (to float32's precision if either is float32)."""
    try:
        x, y = _to_array(a), _to_array(b)
    except (TypeError, ValueError):
        return False
    atol, rtol = _tolerance(exercise, a, b)
    scale = max(1.0, float(np.nanmax(np.abs(y)))) if y.size and np.isfinite(y).any() else 1.0
    return x.shape == y.shape and bool(np.allclose(x, y, atol=atol * scale if _low_precision(a, b) else atol,
                                                   rtol=rtol, equal_nan=True))


def _inputs(exercise: CodeExercise, seed: int = 0) -> list[tuple]:
    """The test inputs, smallest first (the same every time, so feedback is reproducible)."""
    rng = np.random.default_rng(seed)
    return [exercise.make_inputs(rng, size) for size in exercise.sizes for _ in range(exercise.trials)]


def _copy(value: Any) -> Any:
    """A copy of one argument, so that a student's function cannot change the checker's inputs."""
    if hasattr(value, "clone"):
        return value.clone()
    if isinstance(value, np.ndarray):
        return np.copy(value)
    if isinstance(value, list | tuple):
        return type(value)(_copy(v) for v in value)
    return value


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise _StudentTimeout in the main thread after ``seconds`` (SIGALRM: Linux, macOS, Colab).

    Where there is no SIGALRM (Windows) or this is not the main thread, the call runs without a limit.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise _StudentTimeout(f"no result within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call(func: Callable, args: tuple, *,
          limit: float | None = None) -> tuple[Any, BaseException | None, str]:
    """``func(*args)`` on copies of the arguments: (output, the exception it raised, what it printed).

    With ``limit`` (seconds) the call is stopped with _StudentTimeout when it runs longer.
    """
    copies = tuple(_copy(a) for a in args)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            if limit is None:
                return func(*copies), None, printed.getvalue()
            with _time_limit(limit):
                return func(*copies), None, printed.getvalue()
    except _StudentTimeout as exc:
        return None, exc, printed.getvalue()
    except Exception as exc:  # the student's code failing is feedback
        return None, exc, printed.getvalue()


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
    if isinstance(value, list | tuple) and any(hasattr(v, "shape") for v in value):
        inner = ",\n".join(_show_one(v) for v in value)
        return ("[" if isinstance(value, list) else "(") + inner + ("]" if isinstance(value, list) else ")")
    if isinstance(value, tuple):
        return "(" + ", ".join(_show_one(v) for v in value) + ")"
    return repr(value)


def _show(args: tuple) -> str:
    """The arguments of one call, rendered readably."""
    return ", ".join(_show_one(a) for a in args)


def _shape_words(shape: tuple) -> str:
    """A shape in words: "(2,)" reads "shape (2,), one row of 2 numbers written flat"."""
    return "a single number" if shape == () else f"shape {shape}"


def _difference(expected: Any, got: Any, exercise: CodeExercise) -> str:
    """What differs between two outputs: dtype, shape (an extra or missing dimension named), or the
    largest difference and where it is."""
    lines = []
    dtype_e, dtype_g = _dtype(expected), _dtype(got)
    if dtype_e and dtype_g and dtype_e != dtype_g:
        lines.append(f"dtype: yours is {dtype_g}, the reference {dtype_e} (that alone is fine: the check "
                     "allows for float32's rounding)")
    try:
        e, g = _to_array(expected), _to_array(got)
    except (TypeError, ValueError):
        return "\n".join(lines + [f"yours is a {type(got).__name__}, which cannot be read as numbers"])
    if e.shape != g.shape:
        extra = ""
        if e.size == g.size:
            squeezed_e, squeezed_g = tuple(d for d in e.shape if d != 1), tuple(d for d in g.shape if d != 1)
            if squeezed_e == squeezed_g:
                extra = (" - the same numbers, but with " + ("an extra" if g.ndim > e.ndim else "a missing")
                         + " dimension of size 1" if g.ndim != e.ndim else " - the same numbers, arranged "
                         "differently")
            elif e.ndim == g.ndim == 2 and e.shape == g.shape[::-1]:
                extra = " - transposed"
        lines.append(f"shape: yours has {_shape_words(g.shape)}, the reference "
                     f"{_shape_words(e.shape)}{extra}")
        return "\n".join(lines)
    if e.size:
        with np.errstate(invalid="ignore"):
            diff = np.abs(e - g)
        nan_mismatch = np.isnan(e) != np.isnan(g)
        if nan_mismatch.any():
            where = tuple(int(i) for i in np.argwhere(nan_mismatch)[0])
            lines.append(f"NaN: one of the two is NaN at index {where if e.ndim else '()'}, the other is not")
        else:
            diff = np.where(np.isnan(diff), 0.0, diff)
            where = np.unravel_index(int(np.argmax(diff)), diff.shape)
            index = tuple(int(i) for i in where)
            atol, rtol = _tolerance(exercise, expected, got)
            lines.append(f"largest difference: {float(diff[where]):.3g} at index {index if e.ndim else '()'} "
                         f"(expected {float(e[where]):.6g}, yours {float(g[where]):.6g}; allowed about "
                         f"{atol:g} + {rtol:g} x |expected|)")
    return "\n".join(lines)


def _check_code(key: str, exercise: CodeExercise, func: Any) -> bool:
    """Run the student's function against the reference; show the smallest input where they differ."""
    if not callable(func):
        print(f"[{key}] Pass your function itself (its name, no parentheses), got {type(func).__name__}.")
        return False
    inputs = _inputs(exercise)
    first, error, printed = _call(func, inputs[0], limit=TIME_LIMIT_S)
    if first is Ellipsis:  # a skeleton whose body is still `return ...`
        print(f"[{key}] Not answered yet: write the body of your function (replace the ...).")
        return False
    if isinstance(error, _StudentTimeout):
        print(f"[{key}] Your function gave no result within {TIME_LIMIT_S:g} s on the smallest input, "
              f"so the check stopped it: look for a loop that never ends. (No hint used.)")
        return False
    if first is None and error is None and _call(exercise.reference, inputs[0])[0] is not None:
        print(f"[{key}] Your function returned None: did you forget the `return`? (No hint used.)")
        return False
    first_bad = None
    for args in inputs:
        got, error, printed = _call(func, args, limit=TIME_LIMIT_S)
        expected = _call(exercise.reference, args)[0]
        if error is not None or not _same(got, expected, exercise):
            first_bad = (args, expected, got, error, printed)
            break
    if first_bad is None:
        print(f"[{key}] Correct! Your function matches the reference on {len(inputs)} random inputs.")
        return True
    args, expected, got, error, printed = first_bad
    shown = ""
    if printed.strip():
        shown = f"\nYour function printed (on this input):\n  {_indent(printed.rstrip(), 2)}"
    if isinstance(error, _StudentTimeout):
        print(f"[{key}] Your function gave no result within {TIME_LIMIT_S:g} s on this input, so the "
              f"check stopped it (look for a loop that never ends):\n"
              f"{_named_arguments(exercise.reference, args)}{shown}{_next_hint(key, exercise.hints)}")
        return False
    if error is None and exercise.wrong:
        outputs = []
        for a in inputs[:24]:  # the student's outputs on the first inputs, to compare with classic errors
            out, err, _ = _call(func, a, limit=TIME_LIMIT_S)
            if isinstance(err, _StudentTimeout):
                break
            outputs.append(out)
        for message, wrong in exercise.wrong.items():
            if len(outputs) == 24 and all(_same(out, _call(wrong, a)[0], exercise)
                                          for out, a in zip(outputs, inputs, strict=False)):
                print(f"[{key}] Not quite: {message}{shown}{_next_hint(key, exercise.hints)}")
                return False
    if error is not None:
        outcome = f"raised {type(error).__name__}: {error}"
        differs = ""
    else:
        outcome = f"returned {_show((got,))}"
        differs = "\nWhat differs: " + _indent(_difference(expected, got, exercise), 14)
    print(f"[{key}] Not quite. The smallest input where your function differs:\n"
          f"{_named_arguments(exercise.reference, args)}\n"
          f"  expected: {_indent(_show((expected,)))}\n  yours:    {_indent(outcome)}{differs}{shown}"
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
    if _replaced_message(key):
        return Verdict(False)
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
    if _replaced_message(key):
        return
    print(get(key).solution)
