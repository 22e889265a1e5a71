"""Old flat import paths (course_lib.clipping) still work for one course version, with a FutureWarning."""

from __future__ import annotations

import importlib
import sys

import pytest

import course_lib
from course_lib import _compat

OLD = ["clipping", "lora", "neuron_maps", "threshold_explorer"]  # one per subpackage they moved into


def _forget(monkeypatch, old: str) -> None:
    """Make the next import of course_lib.<old> go through the alias again (restored after the test)."""
    monkeypatch.delitem(sys.modules, f"course_lib.{old}", raising=False)
    monkeypatch.delitem(vars(course_lib), old, raising=False)  # not delattr: hasattr would import it


def _moved() -> dict[str, str]:
    """The map of old names to subpackages that course_lib installed."""
    finder = next(f for f in sys.meta_path if isinstance(f, _compat._Finder) and f.package == "course_lib")
    return finder.moved


@pytest.mark.parametrize("old", OLD)
def test_an_old_path_is_the_new_module_with_a_warning_naming_it(monkeypatch, old):
    new = _compat.new_name("course_lib", _moved(), old)
    module = importlib.import_module(new)
    _forget(monkeypatch, old)
    with pytest.warns(FutureWarning, match=f"course_lib.{old} moved to {new}"):
        aliased = importlib.import_module(f"course_lib.{old}")
    assert aliased is module and aliased.__name__ == new


@pytest.mark.parametrize("old", OLD)
def test_from_course_lib_import_old_works_too(monkeypatch, old):
    _forget(monkeypatch, old)
    with pytest.warns(FutureWarning, match=f"course_lib.{old} moved to"):
        module = getattr(course_lib, old)  # what `from course_lib import <old>` does
    assert module is importlib.import_module(_compat.new_name("course_lib", _moved(), old))


def test_every_old_name_maps_to_a_module_of_its_subpackage():
    for old, part in _moved().items():
        assert old != part, f"{old} is a subpackage's own name, not an old module"
        assert importlib.util.find_spec(f"course_lib.{part}.{old}") is not None


def test_a_subpackage_and_an_unknown_name_are_not_aliased(recwarn):
    import course_lib.playground as playground

    assert playground.__name__ == "course_lib.playground"
    assert not [w for w in recwarn if issubclass(w.category, FutureWarning)]
    with pytest.raises(AttributeError, match="no attribute 'no_such_module'"):
        course_lib.no_such_module  # noqa: B018
