"""Exercises with automatic feedback: ``check(key, answer)`` says right or wrong, with a hint.

Each notebook's exercises live in a module ``exNN`` of this package (``ex01`` for notebook 01),
which defines ``EXERCISES``, a dict of ``Exercise`` by short name; keys are "NN.name". Solutions
are here in the library, one call away (``solution(key)``), and out of the student's way.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Exercise:
    """One exercise: how to judge an answer, a hint for a wrong one, and the worked solution.

    ``mistakes`` maps a judge of a classic wrong answer to targeted feedback, printed before the
    hint when that judge accepts the answer (the first matching judge wins).
    """

    question: str
    is_correct: Callable[[Any], bool]
    hint: str
    solution: str
    mistakes: Mapping[Callable[[Any], bool], str] = field(default_factory=dict)


def _mistake(exercise: Exercise, answer: Any) -> str | None:
    """The feedback of the first classic mistake that ``answer`` makes, if any."""
    for judge, message in exercise.mistakes.items():
        try:
            if judge(answer):
                return message
        except Exception:  # a judge that cannot read the answer: not this mistake
            continue
    return None


def close_to(expected: float, rel: float = 1e-3, abs_: float = 1e-9) -> Callable[[Any], bool]:
    """A judge accepting numbers within a relative tolerance of ``expected``."""

    def judge(answer: Any) -> bool:
        try:
            return math.isclose(float(answer), expected, rel_tol=rel, abs_tol=abs_)
        except (TypeError, ValueError):
            return False

    return judge


def get(key: str) -> Exercise:
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


def check(key: str, answer: Any) -> Verdict:
    """Print whether ``answer`` is right, with a hint when it is not; the result is true if right."""
    exercise = get(key)
    if answer is None or answer is Ellipsis:
        print(f"[{key}] Not answered yet: replace the ... with your answer.\nHint: {exercise.hint}")
        return Verdict(False)
    try:
        ok = bool(exercise.is_correct(answer))
    except Exception as exc:  # a student's answer of the wrong kind is feedback, not a crash
        ok = False
        print(f"[{key}] Could not check that answer ({type(exc).__name__}: {exc}).")
    if ok:
        print(f"[{key}] Correct!")
    else:
        mistake = _mistake(exercise, answer)
        print(f"[{key}] Not quite: {mistake}\nHint: {exercise.hint}" if mistake
              else f"[{key}] Not quite. Hint: {exercise.hint}")
    return Verdict(ok)


def solution(key: str) -> None:
    """Print the worked solution of an exercise."""
    print(get(key).solution)
