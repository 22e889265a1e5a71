"""The shape of course_lib's code: no import cycle, a fit loop that reads in one screen."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import course_lib
from course_lib import training

ROOT = Path(course_lib.__file__).parent


def _modules() -> dict[str, Path]:
    """Every module of course_lib by dotted name (a package by its __init__.py)."""
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """course_lib module -> the course_lib modules it imports anywhere (function-level imports too)."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = ".".join(package[:len(package) - node.level + 1] + [node.module or ""]).strip(".") \
                    if node.level else node.module
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    deps.add(full if full in modules else base)
            elif isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path start -> ... -> start through the graph, or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph[node]):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_the_import_graph_is_built_from_the_sources():
    graph = import_graph()
    assert "course_lib.checks" in graph["course_lib.data"]
    assert "course_lib.training" in graph["course_lib.training_tricks.clipping"]


def test_no_module_of_course_lib_imports_itself_back():
    graph = import_graph()
    cycles = [cycle for name in sorted(graph) if (cycle := _cycle_from(name, graph))]
    assert not cycles, f"import cycles in course_lib (break them): {[' -> '.join(c) for c in cycles]}"


def test_fit_reads_in_one_screen():
    lines = inspect.getsource(training.fit.__wrapped__).splitlines()
    assert len(lines) <= 90, f"training.fit has {len(lines)} lines; keep the loop readable in one screen"


def private_names_used_across_modules() -> list[str]:
    """'module: name' for every private name (leading underscore) a module imports from another
    course_lib module or reads as an attribute of one (``metrics._positives``); private modules
    (``_compat``) themselves may be imported."""
    modules = _modules()
    found = []
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        imported = set()  # local names bound to course_lib modules
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(
                    "course_lib")):
                base = ".".join(package[:len(package) - node.level + 1] + [node.module or ""]).strip(".") \
                    if node.level else node.module
                for alias in node.names:
                    if f"{base}.{alias.name}" in modules:
                        imported.add(alias.asname or alias.name)
                    elif alias.name.startswith("_"):
                        found.append(f"{name}: from {base} import {alias.name}")
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and node.value.id in imported and node.attr.startswith("_")
                  and not node.attr.startswith("__")):
                found.append(f"{name}: {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_helpers():
    # a helper two modules share is public (checks.describe, checks.to_numpy, metrics.positive_mask)
    assert private_names_used_across_modules() == []
