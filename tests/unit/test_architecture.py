"""How the features depend on each other (docs/architecture.md).

Below the web layer (modules that declare routes, forms, or register a feature
in its ``__init__``), features depend one way: services, policies, queries and
labels of two features never import each other, directly or round a cycle.
Effects that cross features are written one level up, in hub/workflows.py.
Nobody imports another feature's routes module, except to register it (the
app factory and the features' ``__init__``).
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
