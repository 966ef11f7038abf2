"""My messages: only mine, marked read by form or htmx, an unread badge in the nav."""

from __future__ import annotations

import re

from hub.extensions import db
from hub.models import Notification
from hub.notifications import services
from tests import factories
from tests.querycount import statements


def _notify(user, organization: str = "邻里中心", **kwargs) -> Notification:  # noqa: ANN001, ANN003
    return services.notify(
        user, "staff_removed", params={"organization": organization}, **kwargs
    )


def test_page_shows_only_my_notifications_newest_first(client, login) -> None:
    me, other = factories.volunteer(locale="en"), factories.volunteer()
    _notify(me, "第一家", url="/account")
    _notify(me, "第二家")
    _notify(other, "别人的")
    login(me)

    response = client.get("/notifications")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("第二家") < html.index("第一家")
    assert "别人的" not in html
    assert '<a href="/account">You are no longer on the staff of 第一家.</a>' in html
    assert html.count(">New<") == 2


def test_read_notifications_lose_the_new_word(client, login) -> None:
    me = factories.volunteer(locale="en")
    services.mark_read(_notify(me), me)
    login(me)
    html = client.get("/notifications").get_data(as_text=True)
    assert ">New<" not in html
    assert "Mark as read" not in html


def test_empty_state(client, login) -> None:
    login(factories.volunteer(locale="en"))
    html = client.get("/notifications").get_data(as_text=True)
    assert '<p class="empty">No messages yet.' in html


def test_unknown_kind_shows_generic_text(client, login) -> None:
    me = factories.volunteer(locale="en")
    db.session.add(Notification(user_id=me.id, kind="retired_kind", params={}))
    db.session.flush()
    login(me)
    response = client.get("/notifications")
    assert response.status_code == 200
    assert "You have a new message." in response.get_data(as_text=True)


def test_mark_read_without_javascript_redirects(client, login) -> None:
    me = factories.volunteer()
    notification = _notify(me)
    login(me)

    response = client.post(f"/notifications/{notification.id}/read")

    assert response.status_code == 303
    assert response.headers["Location"] == "/notifications"
    assert db.session.get(Notification, notification.id).read_at is not None


def test_mark_read_by_htmx_returns_the_item_and_the_new_badge(client, login) -> None:
    me = factories.volunteer(locale="en")
    notification = _notify(me)
    _notify(me, "另一家")
    login(me)

    response = client.post(
        f"/notifications/{notification.id}/read", headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith(
        f'<li class="card" id="notification-{notification.id}"'
    )
    assert ">New<" not in body
    badge = re.search(r'<span class="badge" id="unread-badge"[^>]*>', body).group(0)
    assert 'hx-swap-oob="true"' in badge
    assert ">1<span" in body
    assert "HX-Request" in response.headers["Vary"]


def test_marking_someone_elses_notification_is_refused(client, login) -> None:
    theirs = _notify(factories.volunteer())
    login(factories.volunteer())

    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_mark_read_is_post_only(client, login) -> None:
    me = factories.volunteer()
    notification = _notify(me)
    login(me)
    assert client.get(f"/notifications/{notification.id}/read").status_code == 405


def test_read_all_marks_only_mine(client, login) -> None:
    me, other = factories.volunteer(), factories.volunteer()
    _notify(me)
    _notify(me)
    _notify(other)
    login(me)

    response = client.post("/notifications/read-all")

    assert response.status_code == 303
    assert services.unread_count(me) == 0
    assert services.unread_count(other) == 1


def test_nav_badge_shows_unread_count_with_its_word(client, login) -> None:
    me = factories.volunteer(locale="en")
    for name in "ABC":
        _notify(me, name)
    login(me)

    html = client.get("/").get_data(as_text=True)

    assert (
        '<span class="badge" id="unread-badge">3'
        '<span class="visually-hidden"> unread</span></span>'
    ) in html
    assert 'href="/notifications"' in html


def test_nav_badge_hidden_when_nothing_unread(client, login) -> None:
    login(factories.volunteer(locale="en"))
    html = client.get("/").get_data(as_text=True)
    assert '<span class="badge" id="unread-badge" hidden>' in html


def test_unread_count_is_one_query_per_page(client, login) -> None:
    me = factories.volunteer()
    _notify(me)
    login(me)
    with statements() as sent:
        client.get("/notifications")
    counts = [s for s in sent if "count(" in s.lower() and "notifications" in s]
    assert len(counts) == 1


def test_messages_nav_item_is_current_on_the_page(client, login) -> None:
    login(factories.volunteer())
    html = client.get("/notifications").get_data(as_text=True)
    assert re.search(r'<a href="/notifications" aria-current="page">', html)


def test_visitors_have_no_badge_query(client) -> None:
    with statements() as sent:
        client.get("/")
    assert not [s for s in sent if "notifications" in s]
