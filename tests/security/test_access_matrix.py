"""Walk every row of the access matrix as each principal; the answer must match.

One world is built per module (tests/security/world.py) inside a transaction that
is rolled back at the end; every single request runs inside its own savepoint,
rolled back after it, so no request sees what another one changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from werkzeug.test import TestResponse

from hub.extensions import db, limiter
from tests.conftest import HubClient, rolled_back_session
from tests.factories import DEFAULT_PASSWORD
from tests.security.access_matrix import MATRIX, PRINCIPALS, Case
from tests.security.world import World, build_world

#: Statuses that mean the request got past every access check.
PASSED = {200, 201, 204, 302, 303, 409, 410, 422}


@dataclass
class Walker:
    """The world, one logged-in browser per principal, and the shared connection."""

    app: Flask
    connection: Any
    world: World
    clients: dict[str, HubClient]

    def _resolve(self, values: Any) -> Any:
        if isinstance(values, dict):
            return {k: self._resolve(v) for k, v in values.items()}
        if isinstance(values, str) and values.startswith("@"):
            return self.world.value(values[1:])
        return values

    def answer(self, case: Case, principal: str) -> str:
        """The outcome class of the case's request as this principal."""
        client = self.clients[principal]
        cookies = dict(client._cookies)  # logout and language change them
        savepoint = self.connection.begin_nested()
        try:
            url = url_for(case.endpoint, **self._resolve(dict(case.args)))
            kwargs: dict[str, Any] = {"method": case.method}
            if case.json is not None:
                kwargs["json"] = self._resolve(dict(case.json))
            elif case.method != "GET":
                kwargs["data"] = self._resolve(dict(case.data or {}))
            response = client.open(url, **kwargs)
            response.close()  # files sent (documents, photos) are closed
        finally:
            savepoint.rollback()
            client._cookies.clear()
            client._cookies.update(cookies)
        return outcome(response)


def outcome(response: TestResponse) -> str:
    """ok, 403, 404, login, or what else came back."""
    status = response.status_code
    location = response.headers.get("HX-Redirect") or response.headers.get(
        "Location", ""
    )
    if status in (204, 302, 303) and urlsplit(location).path == "/login":
        return "login"
    if status in (403, 404, 405):
        return str(status)
    if status in PASSED:
        return "ok"
    return f"unexpected {status}"


@pytest.fixture(scope="module")
def walker(app: Flask) -> Iterator[Walker]:
    """The world, built once for the module, and everyone logged in."""
    with rolled_back_session(app) as (connection, _session):
        world = build_world()
        db.session.commit()  # releases the session's savepoint only
        db.session.remove()
        app.test_client_class = HubClient
        clients = {}
        for principal, mobile in world.principals.items():
            clients[principal] = client = app.test_client()
            if mobile is not None:
                response = client.post(
                    "/login", data={"mobile": mobile, "password": DEFAULT_PASSWORD}
                )
                assert response.status_code == 303, principal
            client.csrf_token()  # before any request's cookies are put back
        yield Walker(app, connection, world, clients)


@pytest.mark.parametrize("case", MATRIX, ids=[c.id for c in MATRIX])
def test_answers_match_the_matrix(walker: Walker, case: Case) -> None:
    limiter.reset()  # the matrix is about access, not about limits
    answers = {p: walker.answer(case, p) for p in PRINCIPALS}
    expected = case.expected()
    wrong = {
        p: f"{answers[p]} (matrix: {expected[p]})"
        for p in PRINCIPALS
        if answers[p] != expected[p]
    }
    assert not wrong, f"{case.id}: {wrong}"
