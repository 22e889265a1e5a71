"""@checked is the one place argument kinds are checked: a decorated function does not check again by hand.

For every function of course_lib decorated with ``@checked``, the AST of its body is searched for a
call of a checks helper (check_positive, check_int, check_type, check_bool, as_float_tensor...) on one
of its own arguments that the decorator already checks with a kind at least as strict. Such a repeat
can never fire (the decorator ran first) and lets two messages for one mistake drift apart. Checks
the decorator cannot express stay: bounds it does not know (check_int(depth, low=2)), relations
between arguments, choices among options.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import course_lib

ROOT = Path(course_lib.__file__).parent

# kind -> what a check of that kind implies: numeric type, lower bound (and whether it is strict), upper
_NUMERIC = {
    "int+": ("int", 0, True, None), "int0": ("int", 0, False, None), "seed": ("int", 0, False, None),
    "int": ("int", None, False, None), "float+": ("real", 0, True, None), "float0": ("real", 0, False, None),
    "unit": ("real", 0, False, 1), "open_unit": ("real", 0, True, 1), "finite": ("real", None, False, None),
}
_TYPE_NAMES = {"int": "int", "Integral": "int", "float": "real", "Real": "real", "bool": "bool", "str": "str"}


def _kind_of(kind, annotation: str) -> str | None:
    """A name kind as a string; an annotation check as the annotation's base type name."""
    if isinstance(kind, str):
        return kind
    parts = [p.strip() for p in annotation.split("|") if p.strip() != "None"]
    return {"int": "int", "float": "real_any", "bool": "bool", "str": "str", "nn.Module": "model",
            "torch.nn.Module": "model", "Callable": "callable"}.get(parts[0].split("[")[0] if len(parts) == 1
                                                                    else "", None)


def _kw(call: ast.Call, name: str, default=None):
    """Keyword ``name``'s constant value in ``call`` (``default`` when absent, ``...`` when not constant)."""
    for k in call.keywords:
        if k.arg == name:
            return k.value.value if isinstance(k.value, ast.Constant) else ...
    return default


def _numeric_covered(kind: str, typ: str, low, strict: bool, high) -> bool:
    """True when ``kind`` implies a number of type ``typ`` with (at least) the bounds low/high."""
    if kind not in _NUMERIC:
        return False
    k_typ, k_low, k_strict, k_high = _NUMERIC[kind]
    if k_typ == "int" and k_strict:  # an integer > 0 is an integer >= 1
        k_low, k_strict = k_low + 1, False
    if typ == "int" and k_typ != "int":
        return False
    if low is not None and (k_low is None or k_low < low or (k_low == low and strict and not k_strict)):
        return False
    return high is None or (k_high is not None and k_high <= high)


def covered(call: ast.Call, kind: str) -> bool:
    """True when the hand check ``call`` refuses nothing that the decorator's ``kind`` lets through."""
    fn = call.func.id if isinstance(call.func, ast.Name) else ""
    args = call.args
    if fn == "check_kind" and len(args) >= 3 and isinstance(args[2], ast.Constant):
        return args[2].value == kind
    if fn == "check_positive":
        integer, zero = _kw(call, "integer", False), _kw(call, "allow_zero", False)
        if ... in (integer, zero):
            return False
        return _numeric_covered(kind, "int" if integer else "real", 0, not zero, None)
    if fn in ("check_int", "check_finite"):
        if any(k.arg not in ("low", "high") for k in call.keywords):
            return False
        low, high = _kw(call, "low"), _kw(call, "high")
        if ... in (low, high):
            return False
        typ = "int" if fn == "check_int" else "real"
        return _numeric_covered(kind, typ, low, False, high)
    if fn == "check_seed":
        return kind == "seed"
    if fn == "check_range":
        if len(args) < 4 or not all(isinstance(a, ast.Constant) for a in args[2:4]):
            return False
        inclusive = _kw(call, "inclusive", True)
        return _numeric_covered(kind, "real", args[2].value, not inclusive, args[3].value)
    if fn == "check_type" and len(args) >= 3:
        text = ast.unparse(args[2]).strip("()").replace(" ", "")
        if text == "Split":
            return kind == "split"
        types = {_TYPE_NAMES.get(t) for t in text.split(",")}
        if types == {"int"}:
            return kind in ("int+", "int0", "seed", "int")
        if types <= {"int", "real"}:
            return kind in _NUMERIC or kind == "real_any"
        return (types == {"bool"} and kind == "bool") or (types == {"str"} and kind == "str")
    if fn == "check_bool":
        return kind == "bool"
    if fn == "check_module":
        return kind == "model"
    if fn == "check_split":
        return kind == "split"
    if fn == "check_callable":
        return kind == "callable" and len(args) <= 3 and _kw(call, "num_args") is None
    if fn == "as_float_tensor":
        return kind == "X" and not call.keywords
    return False


def _decorated(node: ast.FunctionDef) -> bool:
    for d in node.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Name) and target.id == "checked":
            return True
    return False


def _functions(tree: ast.Module):
    """(qualified name, node) of every module-level function and method."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"{node.name}.{item.name}", item


def _runtime(module, qualname: str):
    obj = module
    for part in qualname.split("."):
        obj = inspect.getattr_static(obj, part, None)
        if obj is None:
            return None
    return obj


def rechecks() -> list[tuple[str, int, str]]:
    """(module path, line, text) of every hand check that repeats what @checked already checks."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent)
        name = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text())
        module = None
        for qualname, node in _functions(tree):
            if not _decorated(node):
                continue
            module = module or importlib.import_module(name)
            fn = _runtime(module, qualname)
            plan = getattr(fn, "__checked__", None)
            if plan is None:
                continue
            annotations = {a.arg: ast.unparse(a.annotation) if a.annotation else ""
                           for a in node.args.args + node.args.kwonlyargs}
            for call in ast.walk(node):
                if not (isinstance(call, ast.Call) and len(call.args) >= 2
                        and isinstance(call.args[0], ast.Constant) and isinstance(call.args[1], ast.Name)):
                    continue
                arg = call.args[1].id
                if call.args[0].value != arg or arg not in plan:
                    continue
                kind = _kind_of(plan[arg], annotations.get(arg, ""))
                if kind is not None and covered(call, kind):
                    found.append((str(rel), call.lineno, f"{qualname}: {ast.unparse(call)}"))
    return found


def test_checked_functions_do_not_check_their_arguments_again():
    found = rechecks()
    assert not found, (f"{len(found)} hand check(s) repeat what @checked already checks; remove them "
                       "(see this file's docstring):\n" + "\n".join(f"{p}:{n}: {t}" for p, n, t in found))


def test_the_search_finds_a_repeat():
    call = ast.parse('check_positive("lr", lr)').body[0].value
    assert covered(call, "float+")
    assert not covered(ast.parse('check_int("depth", depth, low=2)').body[0].value, "int+")
    assert covered(ast.parse('check_int("depth", depth, low=1)').body[0].value, "int+")
