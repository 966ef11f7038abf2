"""The roster for a shift's organizers: who may see it, full numbers, CSV, remove,
message everyone, cancel the shift; and the shifts on the project's manage page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.models import AuditEntry, Notification, OutboxMessage, Shift, Signup, User
from hub.shifts import services
from tests import factories
from tests.factories import SHANGHAI

HX = {"HX-Request": "true"}


def _coordinator(shift: Shift) -> User:
    return db.session.get(User, shift.project.coordinator_id)


def _staff(shift: Shift) -> User:
    return factories.owner_of(shift.project.organization)


def _shift_with_people() -> tuple[Shift, list[Signup]]:
    """One place: 王秀兰 confirmed, then two people waiting, in that order."""
    shift = factories.shift(capacity=1)
    people = [
        factories.volunteer(name="王秀兰", mobile="13912340001"),
        factories.volunteer(name="李建华", mobile="13912340002"),
        factories.volunteer(name="赵敏", mobile="13912340003"),
    ]
    return shift, [services.sign_up(shift, user=p) for p in people]


def _kinds(user: User) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


# Who may see it --------------------------------------------------------------------


@pytest.mark.parametrize("organizer", [_staff, _coordinator], ids=["staff", "sw"])
def test_organizers_see_everyone_with_full_numbers_in_queue_order(
    client, login, organizer: Callable[[Shift], User]
) -> None:
    shift, signups = _shift_with_people()
    login(organizer(shift))
    response = client.get(f"/shifts/{shift.id}/roster")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Numbers are masked; showing one is a POST that the audit log records.
    assert "13912340001" not in page and "139****0001" in page
    assert f'action="/phone/signup/{signups[0].id}"' in page
    assert page.index("王秀兰") < page.index("李建华") < page.index("赵敏")
    assert f'id="signup-{signups[0].id}"' in page
    assert f'action="/shifts/{shift.id}/signups/{signups[2].id}/remove"' in page


def _volunteer_on_the_shift(shift: Shift) -> User:
    person = factories.volunteer()
    services.sign_up(shift, user=person)
    return person


def _other_organization_staff(shift: Shift) -> User:
    return factories.org_staff()


def _other_social_worker(shift: Shift) -> User:
    # Even one of the project's own community, if not its coordinator.
    return factories.social_worker(community=shift.project.community)


def _street_reviewer(shift: Shift) -> User:
    return factories.reviewer(street=shift.project.street)


@pytest.mark.parametrize(
    "outsider",
    [
        _volunteer_on_the_shift,
        _other_organization_staff,
        _other_social_worker,
        _street_reviewer,
    ],
)
def test_everyone_else_gets_403_everywhere_on_the_roster(
    client, login, outsider: Callable[[Shift], User]
) -> None:
    shift, signups = _shift_with_people()
    login(outsider(shift))
    base = f"/shifts/{shift.id}"
    assert client.get(f"{base}/roster").status_code == 403
    assert client.get(f"{base}/roster.csv").status_code == 403
    remove = f"{base}/signups/{signups[0].id}/remove"
    assert (
        client.post(remove, data={f"remove-{signups[0].id}-reason": "x"}).status_code
        == 403
    )
    assert client.post(f"{base}/message", data={"text": "hi"}).status_code == 403
    assert client.post(f"{base}/cancel", data={"reason": "x"}).status_code == 403
    assert db.session.get(Signup, signups[0].id).state == "confirmed"
    assert db.session.get(Shift, shift.id).state == "scheduled"


def test_a_social_worker_only_asked_to_coordinate_gets_403(client, login) -> None:
    shift = factories.shift()
    worker = factories.social_worker(community=shift.project.community)
    # Point the shift's project at someone who never accepted.
    shift.project.coordinator_id = worker.id
    shift.project.link_state = "requested"
    db.session.flush()
    login(worker)
    assert client.get(f"/shifts/{shift.id}/roster").status_code == 403


def test_missing_shift_is_404(client, login) -> None:
    login(factories.org_staff())
    assert client.get("/shifts/999999/roster").status_code == 404


def test_full_numbers_are_not_shown_anywhere_else(client, login) -> None:
    shift, _signups = _shift_with_people()
    public = client.get(f"/projects/{shift.project_id}").get_data(as_text=True)
    assert shift.project.title in public and "13912340001" not in public
    login(_staff(shift))
    for url in (
        f"/projects/{shift.project_id}",
        f"/projects/{shift.project_id}/manage",
    ):
        page = client.get(url).get_data(as_text=True)
        assert "13912340001" not in page, url


def test_htmx_get_returns_only_the_list(client, login) -> None:
    shift, _signups = _shift_with_people()
    login(_staff(shift))
    response = client.get(f"/shifts/{shift.id}/roster", headers=HX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="roster-list">')
    assert "<html" not in html and "王秀兰" in html
    assert "HX-Request" in response.headers["Vary"]


# CSV -------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_keeps_chinese_names(client, login) -> None:
    shift, _signups = _shift_with_people()
    login(_staff(shift))
    # buffered: the test client reads the stream inside the request's own context
    response = client.get(f"/shifts/{shift.id}/roster.csv", buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="roster-')
    assert disposition.endswith(f"-{shift.id}.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = response.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 4  # the header, one confirmed, two waiting
    assert lines[1].startswith("王秀兰,13912340001,")
    assert [line.split(",")[0] for line in lines[2:]] == ["李建华", "赵敏"]
    signed_up = _signups[0].queued_at.astimezone(SHANGHAI)
    assert lines[1].endswith(signed_up.strftime("%Y-%m-%d %H:%M"))


def test_csv_cells_never_become_formulas(client, login) -> None:
    shift = factories.shift()
    services.sign_up(shift, user=factories.volunteer(name="=HYPERLINK(1)"))
    login(_staff(shift))
    response = client.get(f"/shifts/{shift.id}/roster.csv", buffered=True)
    text = response.data.decode("utf-8-sig")
    assert "\n'=HYPERLINK(1)," in text


# Remove ----------------------------------------------------------------------------


def test_remove_with_reason_promotes_the_waitlist_and_tells_them(client, login) -> None:
    shift, (held, first, second) = _shift_with_people()
    staff = login(_staff(shift))
    response = client.post(
        f"/shifts/{shift.id}/signups/{held.id}/remove",
        data={f"remove-{held.id}-reason": "联系不上本人"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/shifts/{shift.id}/roster"
    removed = db.session.get(Signup, held.id)
    assert removed.state == "cancelled" and removed.reason == "联系不上本人"
    assert db.session.get(Signup, first.id).state == "confirmed"
    assert db.session.get(Signup, second.id).state == "waitlisted"
    assert _kinds(held.user) == ["signup_removed"]
    assert _kinds(first.user) == ["signup_promoted"]
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.object_type == "signup", AuditEntry.object_id == held.id)
        .order_by(AuditEntry.id.desc())
    )
    assert entry.action == "signup.remove" and entry.actor_id == staff.id
    assert entry.reason == "联系不上本人"
    page = client.get(f"/shifts/{shift.id}/roster").get_data(as_text=True)
    assert f'id="signup-{held.id}"' not in page
    assert f'id="signup-{first.id}"' in page


def test_remove_with_htmx_returns_the_updated_list(client, login) -> None:
    shift, (held, first, _second) = _shift_with_people()
    login(_coordinator(shift))
    response = client.post(
        f"/shifts/{shift.id}/signups/{held.id}/remove",
        data={f"remove-{held.id}-reason": "生病了"},
        headers=HX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="roster-list">')
    assert "<html" not in html and f'id="signup-{held.id}"' not in html
    assert 'id="flash"' in html and 'hx-swap-oob="true"' in html
    assert f'id="signup-{first.id}"' in html


def test_remove_needs_a_reason(client, login) -> None:
    shift, (held, _first, _second) = _shift_with_people()
    login(_staff(shift))
    url = f"/shifts/{shift.id}/signups/{held.id}/remove"
    response = client.post(url, data={f"remove-{held.id}-reason": "  "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="remove-{held.id}-reason-error"' in page
    assert "<html" in page
    fragment = client.post(url, data={f"remove-{held.id}-reason": ""}, headers=HX)
    assert fragment.status_code == 422
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="roster-list">')
    assert f'id="remove-{held.id}-reason-error"' in html
    assert db.session.get(Signup, held.id).state == "confirmed"


def test_remove_refuses_a_sign_up_of_another_shift(client, login) -> None:
    shift, _signups = _shift_with_people()
    other = services.sign_up(
        factories.shift(shift.project, hours_from_now=96), user=factories.volunteer()
    )
    login(_staff(shift))
    response = client.post(
        f"/shifts/{shift.id}/signups/{other.id}/remove",
        data={f"remove-{other.id}-reason": "x"},
    )
    assert response.status_code == 404
    assert db.session.get(Signup, other.id).state == "confirmed"


# Message ---------------------------------------------------------------------------


def test_message_reaches_confirmed_and_waiting_but_not_cancelled(client, login) -> None:
    shift, (held, first, second) = _shift_with_people()
    gone = factories.volunteer()
    services.cancel_signup(services.sign_up(shift, user=gone), by=gone)
    login(_staff(shift))
    response = client.post(
        f"/shifts/{shift.id}/message", data={"text": "请带上身份证，东门集合。"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/shifts/{shift.id}/roster"
    for signup in (held, first, second):
        assert _kinds(signup.user) == ["shift_message"]
    assert _kinds(gone) == []
    note = db.session.scalar(
        select(Notification).where(Notification.user_id == held.user_id)
    )
    assert note.params["text"] == "请带上身份证，东门集合。"
    assert note.params["project"] == shift.project.title
    assert "月" in note.params["when"]  # 12月6日 周六 09:00–11:00
    assert db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.notification_id == note.id)
    )


def test_empty_message_is_refused_beside_the_field(client, login) -> None:
    shift, (held, _first, _second) = _shift_with_people()
    login(_staff(shift))
    response = client.post(f"/shifts/{shift.id}/message", data={"text": " "})
    assert response.status_code == 422
    assert 'id="text-error"' in response.get_data(as_text=True)
    fragment = client.post(f"/shifts/{shift.id}/message", data={"text": ""}, headers=HX)
    assert fragment.status_code == 422
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="panel" id="message">')
    assert 'id="text-error"' in html
    too_long = client.post(f"/shifts/{shift.id}/message", data={"text": "长" * 501})
    assert too_long.status_code == 422
    assert "长" * 501 in too_long.get_data(as_text=True)  # what was typed is kept
    assert _kinds(held.user) == []


def test_message_with_htmx_clears_the_form_and_says_how_many(client, login) -> None:
    shift, signups = _shift_with_people()
    login(_staff(shift))
    response = client.post(
        f"/shifts/{shift.id}/message", data={"text": "明天见"}, headers=HX
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="panel" id="message">')
    assert "明天见" not in html  # an empty form for the next message
    assert 'id="flash"' in html and 'hx-swap-oob="true"' in html
    assert all(_kinds(s.user) == ["shift_message"] for s in signups)


def test_message_to_an_empty_shift_sends_nothing(client, login) -> None:
    shift = factories.shift()
    login(_staff(shift))
    response = client.post(f"/shifts/{shift.id}/message", data={"text": "有人吗"})
    assert response.status_code == 303
    assert (
        db.session.scalar(
            select(Notification.id).where(Notification.kind == "shift_message")
        )
        is None
    )


# Cancel the shift ------------------------------------------------------------------


def test_cancel_the_shift_with_a_reason_tells_everyone(client, login) -> None:
    shift, signups = _shift_with_people()
    login(_staff(shift))
    response = client.post(f"/shifts/{shift.id}/cancel", data={"reason": "暴雨预警"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/shifts/{shift.id}/roster"
    cancelled = db.session.get(Shift, shift.id)
    assert cancelled.state == "cancelled" and cancelled.cancel_reason == "暴雨预警"
    for signup in signups:
        assert _kinds(signup.user) == ["shift_cancelled"]
    page = client.get(f"/shifts/{shift.id}/roster").get_data(as_text=True)
    assert "暴雨预警" in page and f"/shifts/{shift.id}/cancel" not in page


def test_cancel_needs_a_reason(client, login) -> None:
    shift, _signups = _shift_with_people()
    login(_coordinator(shift))
    response = client.post(f"/shifts/{shift.id}/cancel", data={"reason": ""})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert db.session.get(Shift, shift.id).state == "scheduled"


def test_a_started_shift_cannot_be_cancelled(client, login) -> None:
    shift = factories.shift(hours_from_now=-1)
    login(_staff(shift))
    response = client.post(f"/shifts/{shift.id}/cancel", data={"reason": "太晚了"})
    assert response.status_code == 303
    assert db.session.get(Shift, shift.id).state == "scheduled"


# The project's manage page ---------------------------------------------------------


def test_manage_page_lists_upcoming_shifts_with_links_to_rosters(client, login) -> None:
    shift, _signups = _shift_with_people()
    later = factories.shift(shift.project, capacity=5, hours_from_now=96)
    past = factories.shift(shift.project, hours_from_now=-30)
    login(_staff(shift))
    page = client.get(f"/projects/{shift.project_id}/manage").get_data(as_text=True)
    assert f'href="/shifts/{shift.id}/roster"' in page
    assert f'href="/shifts/{later.id}/roster"' in page
    assert f'href="/shifts/{past.id}/roster"' not in page
    assert page.index(f"/shifts/{shift.id}/roster") < page.index(
        f"/shifts/{later.id}/roster"
    )
