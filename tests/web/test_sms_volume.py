"""SMS volume: by Asia/Shanghai day and template, sent / waiting / given up."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.extensions import db
from hub.models import OutboxMessage, utcnow
from hub.notifications.outbox import GIVEN_UP_AT
from hub.sms.templates import NOTICE, SECURITY_ALERT, VERIFICATION_CODE
from hub.verification.routes import NOT_NEEDED, sms_volume
from tests import factories
from tests.querycount import statements

SHANGHAI = ZoneInfo("Asia/Shanghai")
_KEYS = itertools.count(1)


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A moment ``day_offset`` days from today, Shanghai wall-clock, in UTC."""
    today = utcnow().astimezone(SHANGHAI).date()
    day = today + timedelta(days=day_offset)
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def sms(
    template: str,
    at: datetime,
    *,
    sent: bool = False,
    given_up: bool = False,
    last_error: str | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        mobile="13700000000",
        kind="security" if template == SECURITY_ALERT else template,
        template=template,
        params={},
        created_at=at,
        next_attempt_at=GIVEN_UP_AT if given_up else at,
        sent_at=at + timedelta(seconds=5) if sent else None,
        attempts=8 if given_up else 0,
        last_error=last_error,
        dedup_key=f"volume-test:{next(_KEYS)}",
    )
    db.session.add(message)
    return message


@pytest.fixture
def data() -> None:
    """A small month of SMS, some near local midnight."""
    # Today: 01:00 Shanghai is yesterday 17:00 UTC; it counts for today.
    sms(VERIFICATION_CODE, local(0, 1), sent=True)
    sms(VERIFICATION_CODE, local(0, 0, 5), sent=True, last_error="Timeout: retried")
    sms(VERIFICATION_CODE, local(0, 0, 10), sent=True, last_error=NOT_NEEDED)
    sms(NOTICE, local(0, 0, 20))  # waiting
    # Yesterday, up to 23:59 Shanghai (15:59 UTC): yesterday.
    sms(NOTICE, local(-1, 23, 59), sent=True)
    sms(SECURITY_ALERT, local(-1, 8), given_up=True, last_error="Provider: bad number")
    sms(SECURITY_ALERT, local(-1, 9), sent=True)
    # The oldest day shown, and the day before it (not shown).
    sms(NOTICE, local(-29, 0, 1), sent=True)
    sms(NOTICE, local(-30, 23, 59), sent=True)
    db.session.flush()


def test_figures_by_shanghai_day_template_and_outcome(data) -> None:
    today = utcnow().astimezone(SHANGHAI).date()
    days = sms_volume(today, SHANGHAI)
    assert len(days) == 30
    assert days[0].day == today and days[-1].day == today - timedelta(days=29)
    first = days[0].templates
    assert (first[VERIFICATION_CODE].sent, first[VERIFICATION_CODE].waiting) == (2, 0)
    assert (first[NOTICE].sent, first[NOTICE].waiting) == (0, 1)
    assert days[0].total == 3  # the code no longer needed is not an SMS
    second = days[1].templates
    assert second[NOTICE].sent == 1
    assert (second[SECURITY_ALERT].sent, second[SECURITY_ALERT].given_up) == (1, 1)
    assert days[1].total == 3
    assert days[-1].templates[NOTICE].sent == 1
    assert sum(d.total for d in days) == 7
    assert all(d.total == 0 for d in days[2:-1])


def test_page_shows_the_figures_to_reviewers_and_admins(client, login, data) -> None:
    login(factories.reviewer(locale="en"))
    with statements() as seen:
        response = client.get("/review/sms")
    assert response.status_code == 200
    outbox_queries = [s for s in seen if "outbox_messages" in s]
    assert len(outbox_queries) == 1  # one grouped query, not one per day
    html = response.get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Verification codes 2 sent" in text
    assert "Notices 2 sent 1 waiting" in text
    assert "Security alerts 1 sent 1 given up" in text
    assert "13700000000" not in html
    client.post("/logout")
    login(factories.admin(locale="en"))
    assert client.get("/review/sms").status_code == 200


def test_empty_month_shows_zeroes(client, login) -> None:
    login(factories.reviewer(locale="en"))
    response = client.get("/review/sms")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "0 sent" in html
    assert html.count("no SMS") == 1  # the 30 quiet days as one line


@pytest.mark.parametrize("who", ["volunteer", "social_worker", "org_staff"])
def test_others_may_not_see_the_volume(client, login, who) -> None:
    user = {
        "volunteer": factories.volunteer,
        "social_worker": factories.social_worker,
        "org_staff": factories.org_staff,
    }[who]()
    login(user)
    assert client.get("/review/sms").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    response = client.get("/review/sms")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
