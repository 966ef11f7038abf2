"""The access matrix covers every endpoint and method, and the document shows it."""

from __future__ import annotations

from flask import Flask

from hub.permissions import Permission
from hub.web.access import ACCESS_ATTR
from tests.security.access_matrix import (
    EXCLUDED,
    EXCLUDED_PREFIXES,
    FEATURES,
    MATRIX,
)
from tests.security.render_matrix import DOC, current, render

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _excluded(endpoint: str) -> bool:
    return endpoint in EXCLUDED or endpoint.startswith(tuple(EXCLUDED_PREFIXES))


def _routes(app: Flask) -> set[tuple[str, str]]:
    """(endpoint, method) of every rule of the application's own."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if not _excluded(rule.endpoint)
        for method in rule.methods - IGNORED_METHODS
    }


def test_every_endpoint_and_method_is_in_the_matrix(app: Flask) -> None:
    covered = {(case.endpoint, case.method) for case in MATRIX}
    missing = sorted(_routes(app) - covered)
    assert not missing, (
        "add these to tests/security/access_matrix.py (then run "
        f"python -m tests.security.render_matrix --write): {missing}"
    )


def test_the_matrix_names_only_real_endpoints(app: Flask) -> None:
    stale = sorted({(c.endpoint, c.method) for c in MATRIX} - _routes(app))
    assert not stale, f"no such endpoint or method any more: {stale}"


def test_every_blueprint_has_a_feature_heading(app: Flask) -> None:
    blueprints = {e.split(".")[0] for e, _ in _routes(app)}
    assert blueprints <= set(FEATURES)


def test_every_case_is_named_once() -> None:
    ids = [case.id for case in MATRIX]
    assert len(ids) == len(set(ids))


def test_the_document_shows_the_matrix(app: Flask) -> None:
    shown = current(DOC.read_text(encoding="utf-8"))
    assert shown == render(app), (
        "docs/security.md differs from tests/security/access_matrix.py: run "
        "python -m tests.security.render_matrix --write"
    )


def test_state_changes_answer_get_with_405(app: Flask, client) -> None:  # noqa: ANN001
    """Nothing changes state through a link: POST-only routes refuse GET."""
    post_only = [
        rule
        for rule in app.url_map.iter_rules()
        if not _excluded(rule.endpoint) and "GET" not in rule.methods
    ]
    assert post_only
    adapter = app.url_map.bind("localhost")
    for rule in post_only:
        values = {
            name: "street" if name == "kind" else "accept" if name == "answer" else 1
            for name in rule.arguments
        }
        if rule.endpoint == "projects.staff_step":
            values["step"] = "submit"
        url = rule.build(values)[1]
        if adapter.test(url, method="GET"):
            continue  # the same URL is also a page (a form posting to itself)
        assert client.get(url).status_code == 405, url


def test_every_permission_guards_some_route(app: Flask) -> None:
    """A permission no route declares is a rule nobody asks; tenders, needs, hours
    and matching each have their own (not only account:use)."""
    declared = {
        getattr(view, ACCESS_ATTR, None) for view in app.view_functions.values()
    }
    assert set(Permission) <= declared, set(Permission) - declared
    for feature in ("tenders", "needs", "hours", "matching"):
        assert any(p.value.startswith(f"{feature}:") for p in Permission), feature
