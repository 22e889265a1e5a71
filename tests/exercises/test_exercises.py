"""Every exercise of every notebook: its answer is accepted, its mistakes get their own feedback,
hints come only after a wrong attempt and grow more specific, and no question gives its answer away.

Each notebook's own test file checks that the reference answers agree with what its library computes.
"""

import math

import numpy as np
import pytest

from course_lib import exercises
from course_lib.exercises import CodeExercise, Exercise, Prediction

NOTEBOOKS = ("01", "02", "03", "04", "05")
KEYS = exercises.keys()
VALUE_KEYS = [k for k in KEYS if isinstance(exercises.get(k), Exercise)]
PREDICTION_KEYS = [k for k in KEYS if isinstance(exercises.get(k), Prediction)]
CODE_KEYS = [k for k in KEYS if isinstance(exercises.get(k), CodeExercise)]


@pytest.fixture(autouse=True)
def fresh_attempts():
    exercises.reset()
    yield
    exercises.reset()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_notebook_has_3_to_5_exercises_of_the_kinds_that_make_students_think(notebook):
    kinds = [type(exercises.get(k)).__name__ for k in exercises.keys(notebook)]
    assert 3 <= len(kinds) <= 5, kinds
    assert kinds.count("Prediction") >= 2, f"{notebook}: at least two predict-then-run questions"
    assert kinds.count("CodeExercise") >= 1, f"{notebook}: at least one write-the-code exercise"


@pytest.mark.parametrize("key", KEYS)
def test_the_reference_answer_is_accepted(key, capsys):
    ex = exercises.get(key)
    answer = ex.reference if isinstance(ex, CodeExercise) else ex.answer
    assert exercises.check(key, answer)
    out = capsys.readouterr().out
    assert "Correct" in out or "Right" in out


@pytest.mark.parametrize("key", KEYS)
def test_unanswered_is_one_line_and_gives_no_hint(key, capsys):
    assert not exercises.check(key, ...)
    out = capsys.readouterr().out.strip()
    assert "\n" not in out and "Hint" not in out and "Not answered yet" in out


def _wrong_answer(ex):
    """An answer the exercise can read and judge, and that is wrong."""
    if isinstance(ex, CodeExercise):
        return lambda *args: -12345.0
    if getattr(ex.is_correct, "numeric", False):
        return -12345
    return next(judge.example for judge in ex.mistakes)


@pytest.mark.parametrize("key", VALUE_KEYS + CODE_KEYS)
def test_hints_come_after_a_wrong_attempt_and_grow_more_specific(key, capsys):
    ex = exercises.get(key)
    assert len(ex.hints) >= 3, "a ladder of at least three hints for a student still stuck"
    for n in range(1, len(ex.hints) + 2):
        assert not exercises.check(key, _wrong_answer(ex))
        out = capsys.readouterr().out
        assert f"Hint {min(n, len(ex.hints))}/{len(ex.hints)}" in out
        # the worked solution is named after the last hint, not before
        assert (f"exercises.solution({key!r})" in out) == (n >= len(ex.hints))


def _code_lines(solution: str) -> list[str]:
    """The statements of a worked solution's code (its indented lines, comments cut off)."""
    lines = [line.split("#")[0].strip() for line in solution.splitlines() if line.startswith("    ")]
    return [line for line in lines if len(line) > 12]


@pytest.mark.parametrize("key", CODE_KEYS)
def test_no_hint_contains_a_line_of_the_worked_solution(key):
    ex = exercises.get(key)
    lines = _code_lines(ex.solution)
    assert lines, f"{key}: the worked solution has code"
    for hint in ex.hints:
        for line in lines:
            assert line not in hint, f"{key}: the hint {hint!r} hands over {line!r}"
            body = line.removeprefix("return ").split("=", 1)[-1].strip()  # the right-hand side
            assert len(body) < 13 or body not in hint, f"{key}: the hint {hint!r} hands over {body!r}"


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_no_hint_contains_the_answer(key):
    ex = exercises.get(key)
    for hint in ex.hints:
        for spelling in _spellings(ex.answer):
            assert spelling not in hint.lower(), f"{key}: {spelling!r} appears in the hint {hint!r}"


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_every_listed_mistake_gets_its_own_message(key, capsys):
    ex = exercises.get(key)
    for judge, message in ex.mistakes.items():
        example = judge.example  # every mistake judge carries an answer it recognises
        assert not ex.is_correct(example), f"{key}: the mistake {example!r} is accepted as right"
        assert not exercises.check(key, example)
        assert message in capsys.readouterr().out, f"{key}: {example!r} did not get its message"
        assert not judge(ex.answer), f"{key}: the right answer is taken for the mistake {message!r}"


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_a_percentage_for_a_fraction_is_recognised(key, capsys):
    ex = exercises.get(key)
    expected = getattr(ex.is_correct, "expected", None)
    if expected is None or not 0 < abs(expected) <= 1:
        pytest.skip("not a fraction")
    exercises.check(key, expected * 100)
    out = capsys.readouterr().out
    assert "percentage" in out or "fraction" in out


def _spellings(value) -> set[str]:
    """Ways a numeric answer could be written in a question or hint."""
    if isinstance(value, str):
        return {value.lower()}
    if isinstance(value, bool) or not isinstance(value, int | float) or value == 0:
        return set()
    spellings = {f"{value:g}", f"{value:.2g}", f"{value:.3g}", f"{value:,}"}
    exponent = math.floor(math.log10(abs(value)))
    if exponent <= -3:
        spellings.add(f"1e{exponent}")
    return {s for s in spellings if len(s.strip("0.-")) > 0 and s not in {"1", "2", "0.5"}}


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_no_question_or_first_hint_contains_its_answer(key):
    ex = exercises.get(key)
    for text in (ex.question, ex.hints[0]):
        for spelling in _spellings(ex.answer):
            assert spelling not in text.lower(), f"{key}: {spelling!r} appears in {text!r}"


@pytest.mark.parametrize("key", PREDICTION_KEYS)
def test_every_choice_of_a_prediction_gets_its_own_feedback(key, capsys):
    ex = exercises.get(key)
    assert ex.answer in ex.choices and set(ex.feedback) == set(ex.choices) and len(ex.choices) >= 2
    assert len(set(ex.feedback.values())) == len(ex.choices)
    for letter, text in ex.choices.items():
        assert bool(exercises.check(key, letter)) == (letter == ex.answer)
        assert bool(exercises.check(key, text)) == (letter == ex.answer)  # the choice's text works too
        assert ex.feedback[letter] in capsys.readouterr().out
    assert not exercises.check(key, "none of these")
    assert "Answer with one of" in capsys.readouterr().out


@pytest.mark.parametrize("key", CODE_KEYS)
def test_each_code_exercise_rejects_classic_wrong_implementations_with_their_own_message(key, capsys):
    ex = exercises.get(key)
    assert len(ex.wrong) >= 2
    for message, wrong in ex.wrong.items():
        assert not exercises.check(key, wrong)
        assert message in capsys.readouterr().out


@pytest.mark.parametrize("key", CODE_KEYS)
def test_a_code_mismatch_shows_the_smallest_differing_input(key, capsys):
    assert not exercises.check(key, lambda *args: np.full(3, 123.0))
    out = capsys.readouterr().out
    assert "smallest input" in out and "expected" in out


@pytest.mark.parametrize("key", CODE_KEYS)
def test_a_code_exercise_survives_a_function_that_raises(key, capsys):
    def broken(*args):
        raise ZeroDivisionError("oops")

    assert not exercises.check(key, broken)
    assert "ZeroDivisionError" in capsys.readouterr().out


@pytest.mark.parametrize("key", KEYS)
def test_every_exercise_has_a_worked_solution(key, capsys):
    exercises.solution(key)
    assert len(capsys.readouterr().out.strip()) > 40


def test_a_verdict_is_truthy_and_displays_nothing_in_a_notebook(capsys):
    from IPython.core.formatters import format_display_data

    key = KEYS[0]
    ex = exercises.get(key)
    verdict = exercises.check(key, ex.reference if isinstance(ex, CodeExercise) else ex.answer)
    assert verdict
    capsys.readouterr()
    verdict._ipython_display_()  # IPython calls this instead of showing a repr
    assert capsys.readouterr().out == ""
    assert format_display_data(verdict)[0] == {}


def test_bad_keys_are_named():
    with pytest.raises(ValueError, match="key"):
        exercises.get("nonsense")
    with pytest.raises(ValueError, match="key"):
        exercises.get("01.nonsense")


REPLACED = {"03.batchnorm_forward": "03.batchnorm_eval", "04.warmup_lambda": "04.warmup_cosine",
            "05.lora_forward": "05.swap_adapter"}


@pytest.mark.parametrize("old", REPLACED)
def test_an_old_key_whose_task_was_different_is_never_graded_and_names_the_new_one(old, capsys):
    """Before 16:46 UTC on 7 December 2026 these keys asked other tasks (batch_norm(x, gamma, beta),
    warmup_factor(step, warmup_steps), lora_forward(x, W, b, A, B, alpha)): grading an old copy's
    answer as the new task would mis-grade it, so the old key sends the student to the new notebook."""
    new = REPLACED[old]
    assert new in KEYS and old not in KEYS
    message = f"[{old}] This exercise was replaced; download the current notebook (the new one is {new})."
    exercise = exercises.get(new)
    for answer in (exercise.reference, lambda *args: -12345.0, ...):
        assert not exercises.check(old, answer)
        assert capsys.readouterr().out.strip() == message
    assert exercises._wrong_attempts == {}  # nothing graded, no hint used up
    exercises.solution(old)
    assert capsys.readouterr().out.strip() == message
    with pytest.raises(ValueError, match="key"):
        exercises.get(old)


@pytest.mark.parametrize("key", CODE_KEYS)
def test_a_skeleton_that_still_returns_ellipsis_counts_as_unanswered(key, capsys):
    def skeleton(*args):
        ...
        return ...

    assert not exercises.check(key, skeleton)
    out = capsys.readouterr().out.strip()
    assert "Not answered yet" in out and "Hint" not in out


# ----------------------------------------------------------------------------- letters and numbers
@pytest.mark.parametrize("key", PREDICTION_KEYS)
def test_a_prediction_accepts_the_letter_in_every_format_the_notebooks_use(key, capsys):
    ex = exercises.get(key)
    letter = ex.answer.lower()
    text = ex.choices[ex.answer]
    for answer in (letter, letter.upper(), f"({letter})", f"({letter.upper()})", f"{letter})",
                   f" {letter}. ", f"({letter}) {text}", f"{letter.upper()}: {text}", text.upper()):
        assert exercises.check(key, answer), f"{key}: {answer!r} refused"
    capsys.readouterr()
    assert not exercises.check(key, "about 12")  # a word starting with a letter is not that letter
    assert "Answer with one of" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "value"), [("5%", 0.05), ("1/20", 0.05), ("zero", 0.0), (" 0.25 ", 0.25),
                                             ("1e-3", 1e-3), ("−0.3", -0.3), (np.float32(0.5), 0.5)])
def test_numbers_are_read_as_students_write_them(text, value):
    from course_lib.exercises import _read_number

    assert _read_number(text) == pytest.approx(value)


@pytest.mark.parametrize("key", [k for k in VALUE_KEYS
                                 if getattr(exercises.get(k).is_correct, "numeric", False)])
def test_a_wrong_number_is_never_a_bare_not_quite_and_an_unreadable_one_costs_no_hint(key, capsys):
    ex = exercises.get(key)
    assert not exercises.check(key, "a lot")
    out = capsys.readouterr().out
    assert "could not read 'a lot' as a number" in out and "Hint" not in out
    assert not exercises.check(key, "123.456")
    out = capsys.readouterr().out
    assert "read as 123.456" in out and "Hint 1/" in out  # the first judged answer gets the first hint
    assert "Not quite." not in out
    assert exercises.check(key, f"{float(ex.answer) * 100:g}%")  # the answer as a percentage, read right


@pytest.mark.parametrize("key", KEYS)
def test_no_feedback_is_a_bare_not_quite(key, capsys):
    ex = exercises.get(key)
    exercises.check(key, _wrong_answer(ex) if not isinstance(ex, Prediction)
                    else next(c for c in ex.choices if c != ex.answer))
    out = capsys.readouterr().out
    assert "Not quite." not in out.splitlines()[0] or "smallest input" in out


# ----------------------------------------------------------------------------- code: fair checking
def _float32(value):
    """``value`` as float32 (tensors, arrays and float numbers)."""
    if hasattr(value, "float"):
        return value.float()
    if isinstance(value, float):
        return np.float32(value)
    if isinstance(value, list | tuple):
        return type(value)(_float32(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.astype(np.float32)
    return value


def _solution_function(key: str):
    """The worked solution's function, run as a student would paste it."""
    import torch

    lines = exercises.get(key).solution.splitlines()
    code = [line for line in lines if line.startswith(("def ", "    "))]
    namespace = {"torch": torch, "np": np, "math": math}
    exec("\n".join(code), namespace)
    return namespace[code[0].split("(")[0].removeprefix("def ")]


@pytest.mark.parametrize("key", CODE_KEYS)
def test_the_worked_solution_passes_the_check(key, capsys):
    assert exercises.check(key, _solution_function(key))


@pytest.mark.parametrize("key", CODE_KEYS)
def test_the_worked_solution_computing_in_float32_is_accepted(key, capsys):
    """A correct function that computes in float32 (PyTorch's default dtype) is right, not wrong by 5e-5."""
    student = _solution_function(key)

    def in_float32(*args):
        return student(*(_float32(a) for a in args))

    assert exercises.check(key, in_float32), capsys.readouterr().out
    assert "Correct" in capsys.readouterr().out


def test_a_float32_lora_output_is_accepted_and_a_real_difference_names_dtype_and_largest_difference(capsys):
    from course_lib.exercises import ex05

    def float32_swap(W, A1, B1, A2, B2, alpha):
        return ex05.lora_swap_reference(W, A1, B1, A2, B2, alpha).float()

    assert exercises.check("05.swap_adapter", float32_swap)

    def slightly_off(W, A1, B1, A2, B2, alpha):
        out = ex05.lora_swap_reference(W, A1, B1, A2, B2, alpha).float()
        out[-1, -1] += 0.01
        return out

    assert not exercises.check("05.swap_adapter", slightly_off)
    out = capsys.readouterr().out
    assert "dtype: yours is float32, the reference float64" in out
    assert "largest difference: 0.01 at index" in out


def test_a_shape_mismatch_is_named(capsys):
    import torch

    from course_lib.exercises import ex01

    def flat(X, weights, biases):  # [a b] for [[a] [b]]: the output's column dropped
        return ex01._forward_reference(X, weights, biases).reshape(-1)

    assert not exercises.check("01.forward", flat)
    out = capsys.readouterr().out
    assert "shape: yours has shape" in out and "missing dimension of size 1" in out

    def extra(X, weights, biases):
        return torch.atleast_2d(ex01._forward_reference(X, weights, biases).reshape(-1))[None]

    assert not exercises.check("01.forward", extra)
    assert "extra dimension of size 1" in capsys.readouterr().out


def test_a_student_function_returning_none_costs_no_hint(capsys):
    def no_return(*args):
        args[0] * 2

    assert not exercises.check("03.batchnorm_eval", no_return)
    out = capsys.readouterr().out
    assert "returned None" in out and "Hint" not in out
    assert not exercises.check("03.batchnorm_eval", lambda *args: args[1] * 0)
    assert "Hint 1/" in capsys.readouterr().out  # the first real attempt gets the first hint


def test_prints_are_shown_once_for_the_smallest_failing_input(capsys):
    def chatty(X, weights, biases):
        print("debug: n =", len(X))
        return X.sum(1, keepdim=True) * 0

    assert not exercises.check("01.forward", chatty)
    out = capsys.readouterr().out
    assert out.count("debug: n =") == 1 and "Your function printed" in out

    from course_lib.exercises import ex01

    def chatty_but_right(X, weights, biases):
        print("debug")
        return ex01._forward_reference(X, weights, biases)

    assert exercises.check("01.forward", chatty_but_right)
    assert "debug" not in capsys.readouterr().out


@pytest.mark.parametrize("swallow", [False, True])
def test_an_endless_student_function_gets_a_clear_message_within_the_time_limit(swallow, capsys, monkeypatch):
    import time

    monkeypatch.setattr(exercises, "TIME_LIMIT_S", 0.5)
    calls = []

    def endless(*args):
        calls.append(1)
        while True:
            if swallow:  # a student's own try/except must not swallow the time limit
                try:
                    time.sleep(0.01)
                except Exception:
                    pass

    start = time.perf_counter()
    assert not exercises.check("02.precision_recall", endless)
    assert time.perf_counter() - start < 3
    out = capsys.readouterr().out
    assert "no result within 0.5 s" in out and "loop that never ends" in out
    assert len(calls) == 1, "the endless function is stopped once, not called again"


def test_without_sigalrm_or_off_the_main_thread_the_check_runs_without_a_time_limit(capsys, monkeypatch):
    """Windows has no SIGALRM, and signals only reach the main thread: there the check still works."""
    import threading

    from course_lib.exercises import ex02

    monkeypatch.delattr(exercises.signal, "setitimer")
    assert exercises.check("02.precision_recall", ex02.precision_recall_at)
    monkeypatch.undo()
    verdicts = []
    thread = threading.Thread(target=lambda: verdicts.append(bool(exercises.check("02.precision_recall",
                                                                                  ex02.precision_recall_at))))
    thread.start()
    thread.join()
    assert verdicts == [True]
