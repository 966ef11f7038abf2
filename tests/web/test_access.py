"""Every endpoint declares its permission; others are stopped at the door."""

from __future__ import annotations

import pytest
from flask import Flask

from hub.web.access import ACCESS_ATTR
from tests import factories

# Endpoints that Flask itself provides.
BUILTIN = {"static"}


def test_every_endpoint_declares_permission_or_public(app: Flask) -> None:
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in BUILTIN and not hasattr(view, ACCESS_ATTR)
    ]
    assert undeclared == []


def _protected_get_urls(app: Flask) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if (
            getattr(view, ACCESS_ATTR, "public") == "public"
            or "GET" not in rule.methods
        ):
            continue
        values = dict.fromkeys(rule.arguments, 1)
        if "kind" in values:
            values["kind"] = "street"
        urls.append(rule.build(values)[1])
    return urls


def test_anonymous_is_sent_to_login_from_every_protected_page(app, client) -> None:
    urls = _protected_get_urls(app)
    assert urls, "expected protected pages"
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


def test_anonymous_htmx_request_gets_a_sign_in_toast_for_the_page(client) -> None:
    response = client.get(
        "/admin/users",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://localhost/admin/users",
        },
    )
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert 'href="/login?next=/admin/users"' in html and "<html" not in html


@pytest.mark.parametrize(
    "make_user",
    [
        factories.volunteer,
        factories.reviewer,
        factories.social_worker,
        factories.org_staff,
    ],
)
def test_non_admins_get_403_on_admin_pages(app, client, login, make_user) -> None:
    login(make_user())
    for url in _protected_get_urls(app):
        if url.startswith("/admin"):
            assert client.get(url).status_code == 403, url
    assert (
        client.post("/admin/places", data={"name": "x", "code": "XX"}).status_code
        == 403
    )


def test_state_changes_need_csrf_token(client, login) -> None:
    login(factories.volunteer())
    response = client.post("/settings/text-size", data={"large_text": "1"}, csrf=False)
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True) or "表单" in (
        response.get_data(as_text=True)
    )


def test_logout_is_not_possible_by_get(client, login) -> None:
    login(factories.volunteer())
    assert client.get("/logout").status_code == 405
