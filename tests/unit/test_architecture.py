"""How the features depend on each other (docs/architecture.md), and where
routes and imports are written.

Below the web layer (modules that declare routes, forms, or register a feature
in its ``__init__``), features depend one way: services, policies, queries and
labels of two features never import each other, directly or round a cycle.
Effects that cross features are written one level up, in hub/workflows.py.
Nobody imports another feature's routes module, except to register it (the
app factory and the features' ``__init__``). Routes are declared only in a
``routes.py`` or a ``routes/`` package, and imports sit at the top of a module
except in the functions that register a feature when the app is built.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import hub

ROOT = Path(hub.__file__).parent


def _features() -> set[str]:
    return {
        p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }


def _is_web(path: Path, source: str) -> bool:
    return (
        path.name in ("__init__.py", "forms.py")
        or "routes" in path.parts
        or path.stem == "routes"
        or ".route(" in source
    )


def _imports(source: str) -> list[str]:
    return [
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("hub.")
    ]


def _graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], set[str]]]:
    features = _features()
    edges: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or parts[0] not in features:
            continue
        source = path.read_text(encoding="utf-8")
        if _is_web(path, source):
            continue
        for module in _imports(source):
            other = module.split(".")[1]
            if other != parts[0] and other in features and other != "models":
                edges[parts[0]].add(other)
                where[(parts[0], other)].add(str(path.relative_to(ROOT)))
    return edges, where


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one feature (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_features_depend_one_way_below_the_web_layer() -> None:
    edges, where = _graph()
    report = [
        f"{a} -> {b}: {sorted(where[(a, b)])}"
        for cycle in _cycles(edges)
        for a in cycle
        for b in cycle
        if b in edges.get(a, ())
    ]
    assert not report, "\n".join(report)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"]
    ]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_another_features_routes() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name == "__init__.py":
            continue  # registration
        feature = path.relative_to(ROOT).parts[0]
        for module in _imports(path.read_text(encoding="utf-8")):
            parts = module.split(".")
            if "routes" in parts and parts[1] != feature:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offenders, "\n".join(offenders)


def _is_routes_module(path: Path) -> bool:
    """``routes.py``, a module of a ``routes/`` package, or the app factory."""
    parts = path.relative_to(ROOT).parts
    return path.stem == "routes" or "routes" in parts[:-1] or parts == ("__init__.py",)


def _declares_routes(tree: ast.Module) -> bool:
    """A ``Blueprint(...)`` call or an ``@x.route(...)`` decorator."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func
            if name == "route" or (
                isinstance(name, ast.Name) and name.id == "Blueprint"
            ):
                return True
    return False


def test_routes_are_declared_only_in_routes_modules() -> None:
    """Pages live in ``routes.py`` or a ``routes/`` package, nowhere else."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if not _is_routes_module(path)
        and _declares_routes(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, "\n".join(sorted(offenders))


def _is_registration(path: Path, name: str) -> bool:
    """The app factory and ``init_*``/``register_*`` functions import what they
    register when the app is built, not when the module is imported."""
    if path == ROOT / "__init__.py" and name == "create_app":
        return True
    return name.startswith(("init_", "register_"))


def _imports_in_functions(path: Path, tree: ast.Module) -> list[str]:
    found: list[str] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, function or child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom) and function:
                if not _is_registration(path, function):
                    found.append(f"{path.relative_to(ROOT)}:{child.lineno} {function}")
            else:
                visit(child, function)

    visit(tree, None)
    return found


def test_imports_are_at_module_level_except_in_registration() -> None:
    """Imports inside functions hide cycles and slow requests; only registration
    functions import inside (what they register may import the feature back)."""
    offenders = [
        found
        for path in ROOT.rglob("*.py")
        for found in _imports_in_functions(
            path, ast.parse(path.read_text(encoding="utf-8"))
        )
    ]
    assert not offenders, "\n".join(sorted(offenders))


def test_the_checks_see_routes_and_imports_in_functions() -> None:
    declares = ast.parse("bp = Blueprint('x', __name__)\n")
    decorated = ast.parse("@bp.route('/')\ndef page():\n    return ''\n")
    plain = ast.parse("def route():\n    return 1\n")
    assert _declares_routes(declares) and _declares_routes(decorated)
    assert not _declares_routes(plain)
    source = (
        "def init_x(app):\n    import json\n"
        "def page():\n    def inner():\n        from hub import db\n"
    )
    path = ROOT / "x" / "services.py"
    assert _imports_in_functions(path, ast.parse(source)) == ["x/services.py:5 page"]
