"""Old flat import paths, kept for one course version: ``course_lib.clipping`` is now
``course_lib.training_tricks.clipping``. Students' own copies of older notebooks still import the old
names; each old name resolves to the new module (the same object) with a FutureWarning naming it."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings


def new_name(package: str, moved: dict[str, str], old: str) -> str:
    """The new dotted path of ``old`` (a module name on the former flat floor)."""
    return f"{package}.{moved[old]}.{old}"


class _Alias(importlib.abc.Loader):
    """Loads an old path by importing the new module and returning that very module."""

    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        """The new module itself, so that both names are one object."""
        warnings.warn(f"{spec.name} moved to {self.target}; import it from there "
                      "(the old path goes away in the next course version)", FutureWarning, stacklevel=2)
        module = importlib.import_module(self.target)
        self.saved = module.__spec__, module.__loader__
        return module

    def exec_module(self, module) -> None:
        """Nothing to run: the new module is already executed; give it back its own spec."""
        module.__spec__, module.__loader__ = self.saved


class _Finder(importlib.abc.MetaPathFinder):
    """Finds ``course_lib.<old>`` for every module that moved into a subpackage."""

    def __init__(self, package: str, moved: dict[str, str]):
        self.package, self.moved = package, moved

    def find_spec(self, fullname, path=None, target=None):
        """A spec whose loader aliases the old name to the new module."""
        prefix, _, old = fullname.rpartition(".")
        if prefix != self.package or old not in self.moved:
            return None
        return importlib.util.spec_from_loader(fullname, _Alias(new_name(self.package, self.moved, old)))


def install(package: str, moved: dict[str, str]) -> None:
    """Register the finder, and ``from course_lib import <old>`` through the package's __getattr__."""
    if not any(isinstance(f, _Finder) and f.package == package for f in sys.meta_path):
        sys.meta_path.append(_Finder(package, moved))
    module = sys.modules[package]

    def __getattr__(name: str):
        if name in moved:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    module.__getattr__ = __getattr__
