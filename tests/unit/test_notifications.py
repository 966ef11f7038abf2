"""Notifications: the message and its outbox row together, words at display time."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from hub.errors import NotYourNotification
from hub.extensions import db
from hub.models import Notification, OutboxMessage
from hub.notifications import services
from hub.notifications.messages import GENERIC_MESSAGE, render_message
from hub.permissions import Role
from tests import factories


def _count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_notify_writes_the_notification_and_its_outbox_message() -> None:
    user = factories.volunteer()
    at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    notification = services.notify(
        user,
        "filing_approved",
        params={"organization": "邻里互助中心", "filing_number": "SJC-2026-0001"},
        url="/organizations/1",
        now=at,
    )

    db.session.expire_all()
    stored = db.session.get(Notification, notification.id)
    assert stored.user_id == user.id
    assert stored.kind == "filing_approved"
    assert stored.params["filing_number"] == "SJC-2026-0001"
    assert stored.url == "/organizations/1"
    assert stored.read_at is None
    message = db.session.scalar(select(OutboxMessage))
    assert message.notification_id == notification.id
    assert message.user_id == user.id
    assert message.channel == "sms"
    assert message.kind == "filing_approved"
    # The SMS is the registered notice template: what it is about, nothing typed.
    assert message.template == "notice"
    assert message.params == {"topic": "filing"}
    assert message.dedup_key == f"notification:{notification.id}"
    assert message.attempts == 0
    assert message.next_attempt_at == at
    assert message.sent_at is None


def test_a_rolled_back_change_leaves_no_outbox_message() -> None:
    user = factories.volunteer()
    with suppress(RuntimeError), db.session.begin_nested():
        services.notify(user, "staff_removed", params={"organization": "X"})
        raise RuntimeError("the change failed after notifying")

    assert _count(Notification) == 0
    assert _count(OutboxMessage) == 0


def test_notify_refuses_unknown_kinds_and_outside_links() -> None:
    user = factories.volunteer()
    with pytest.raises(ValueError, match="kind"):
        services.notify(user, "no_such_kind", params={})
    for url in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
        with pytest.raises(ValueError, match="inside the app"):
            services.notify(user, "staff_removed", params={}, url=url)
    assert _count(OutboxMessage) == 0


def test_notify_stores_enum_params_as_their_values() -> None:
    user = factories.volunteer()
    notification = services.notify(
        user,
        "staff_role_changed",
        params={"organization": "X", "role": Role.ORG_MANAGER, "count": 3},
    )
    assert notification.params == {
        "organization": "X",
        "role": "org_manager",
        "count": 3,
    }


def test_unread_count_counts_only_my_unread() -> None:
    me, other = factories.volunteer(), factories.volunteer()
    first = services.notify(me, "staff_removed", params={"organization": "A"})
    services.notify(me, "staff_removed", params={"organization": "B"})
    services.notify(other, "staff_removed", params={"organization": "C"})
    assert services.unread_count(me) == 2

    services.mark_read(first, me)
    assert services.unread_count(me) == 1
    assert services.unread_count(other) == 1


def test_mark_read_keeps_the_first_read_time() -> None:
    me = factories.volunteer()
    notification = services.notify(me, "staff_removed", params={"organization": "A"})
    first = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    services.mark_read(notification, me, now=first)
    services.mark_read(notification, me, now=datetime(2026, 3, 3, tzinfo=UTC))
    assert notification.read_at == first


def test_marking_someone_elses_notification_is_refused() -> None:
    me, other = factories.volunteer(), factories.volunteer()
    theirs = services.notify(other, "staff_removed", params={"organization": "A"})
    with pytest.raises(NotYourNotification):
        services.mark_read(theirs, me)
    assert theirs.read_at is None


def test_mark_all_read_touches_only_mine() -> None:
    me, other = factories.volunteer(), factories.volunteer()
    for name in "ABC":
        services.notify(me, "staff_removed", params={"organization": name})
    services.notify(other, "staff_removed", params={"organization": "D"})

    assert services.mark_all_read(me) == 3
    assert services.unread_count(me) == 0
    assert services.unread_count(other) == 1
    assert services.mark_all_read(me) == 0


def test_recent_is_newest_first_and_pages_back() -> None:
    me = factories.volunteer()
    made = [
        services.notify(me, "staff_removed", params={"organization": str(n)})
        for n in range(4)
    ]
    page = services.recent(me, limit=3)
    assert [n.id for n in page] == [n.id for n in made[::-1][:3]]
    assert [n.id for n in services.recent(me, limit=3, before_id=page[-1].id)] == [
        made[0].id
    ]


def test_render_message_fills_parameters_in_the_readers_language() -> None:
    with force_locale("en"):
        text = render_message(
            "staff_invited",
            {"inviter": "陈静", "organization": "邻里中心", "role": "org_manager"},
        )
    assert text == "陈静 invited you to join 邻里中心 as Organization manager."


def test_render_message_survives_unknown_kinds_and_missing_parameters() -> None:
    with force_locale("en"):
        assert render_message("retired_kind", {"x": 1}) == str(GENERIC_MESSAGE)
        assert render_message("filing_rejected", {"organization": "A"}) == (
            "The filing of A was rejected: "
        )
        assert render_message("filing_submitted", None) == (
            " submitted its filing for review."
        )
