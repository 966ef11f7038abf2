"""Signing up from the project page (htmx and plain), My shifts, adding shifts."""

from __future__ import annotations

from sqlalchemy import select

from hub.extensions import db
from hub.models import Shift, Signup
from hub.shifts import services
from tests import factories

HX = {"HX-Request": "true"}

#: The second tap of a confirmed action (hub/web/confirm.py).
YES = {"confirm": "yes"}


def test_sign_up_without_javascript_redirects_back_to_the_project(
    client, login
) -> None:
    shift = factories.shift(capacity=1)
    login(factories.volunteer())
    page = client.get(f"/projects/{shift.project_id}").get_data(as_text=True)
    assert f'action="/shifts/{shift.id}/signup"' in page
    response = client.post(f"/shifts/{shift.id}/signup")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/projects/{shift.project_id}"
    assert db.session.scalar(select(Signup.state)) == "confirmed"


def test_sign_up_with_htmx_swaps_the_card_in_place(client, login) -> None:
    shift = factories.shift(capacity=1)
    services.sign_up(shift, user=factories.volunteer())
    login(factories.volunteer())
    response = client.post(f"/shifts/{shift.id}/signup", headers=HX)
    assert response.status_code == 200
    card = response.get_data(as_text=True)
    assert card.lstrip().startswith(f'<li class="card shift" id="shift-{shift.id}"')
    assert "<html" not in card
    assert "/signups/" in card  # the card now offers to cancel
    assert (
        db.session.scalar(
            select(Signup.state)
            .where(Signup.shift_id == shift.id)
            .order_by(Signup.id.desc())
        )
        == "waitlisted"
    )


def test_anonymous_is_asked_to_log_in(client) -> None:
    shift = factories.shift()
    page = client.get(f"/projects/{shift.project_id}").get_data(as_text=True)
    assert "/login?next=" in page
    response = client.post(f"/shifts/{shift.id}/signup")
    assert response.status_code == 302


def test_my_shifts_lists_and_cancels(client, login) -> None:
    shift = factories.shift(capacity=2)
    me = login(factories.volunteer())
    signup = services.sign_up(shift, user=me)
    page = client.get("/my/shifts").get_data(as_text=True)
    assert shift.project.title in page
    response = client.post(f"/signups/{signup.id}/cancel", data=YES)
    assert response.status_code == 303
    assert db.session.get(Signup, signup.id).state == "cancelled"
    assert db.session.get(Shift, shift.id).confirmed_count == 0


def test_nobody_cancels_someone_elses_sign_up(client, login) -> None:
    shift = factories.shift()
    signup = services.sign_up(shift, user=factories.volunteer())
    login(factories.volunteer())
    assert client.post(f"/signups/{signup.id}/cancel", data=YES).status_code == 404
    assert db.session.get(Signup, signup.id).state == "confirmed"


def test_overlap_is_explained(client, login) -> None:
    project = factories.recruiting_project()
    a = factories.shift(project, hours_from_now=48, length_hours=3)
    b = factories.shift(project, hours_from_now=49)
    me = login(factories.volunteer())
    services.sign_up(a, user=me)
    response = client.post(f"/shifts/{b.id}/signup", headers=HX)
    assert response.status_code == 409
    assert db.session.scalar(select(Signup).where(Signup.shift_id == b.id)) is None


def test_organizer_adds_weekly_shifts(client, login) -> None:
    project = factories.recruiting_project()
    login(factories.owner_of(project.organization))
    response = client.post(
        f"/projects/{project.id}/shifts/new",
        data={
            "starts_at": "2027-01-09T09:00",
            "ends_at": "2027-01-09T11:30",
            "place": "锁三社区活动室",
            "grid_id": "0",
            "capacity": "10",
            "required_skills": ["elderly_care"],
            "repeat_weeks": "3",
        },
    )
    assert response.status_code == 303
    shifts = db.session.scalars(
        select(Shift).where(Shift.project_id == project.id).order_by(Shift.starts_at)
    ).all()
    assert len(shifts) == 4 and shifts[0].required_skills == ["elderly_care"]
    assert (
        shifts[0].starts_at.isoformat() == "2027-01-09T01:00:00+00:00"
    )  # Beijing 09:00


def test_bad_shift_input_stays_with_errors(client, login) -> None:
    project = factories.recruiting_project()
    login(factories.owner_of(project.organization))
    response = client.post(
        f"/projects/{project.id}/shifts/new",
        data={
            "starts_at": "2027-01-09T09:00",
            "ends_at": "2027-01-09T08:00",
            "place": "活动室",
            "grid_id": "0",
            "capacity": "0",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="ends_at-error"' in html and 'id="capacity-error"' in html
    assert 'value="活动室"' in html


def test_other_staff_cannot_add_shifts(client, login) -> None:
    project = factories.recruiting_project()
    login(factories.org_staff())
    assert client.get(f"/projects/{project.id}/shifts/new").status_code == 403


def test_edit_never_below_confirmed(client, login) -> None:
    shift = factories.shift(capacity=3)
    for _ in range(2):
        services.sign_up(shift, user=factories.volunteer())
    login(factories.owner_of(shift.project.organization))
    page = client.get(f"/shifts/{shift.id}/edit").get_data(as_text=True)
    assert 'value="3"' in page
    data = {
        "starts_at": "2027-02-06T09:00",
        "ends_at": "2027-02-06T11:00",
        "place": "新活动室",
        "grid_id": "0",
        "capacity": "1",
    }
    response = client.post(f"/shifts/{shift.id}/edit", data=data)
    assert response.status_code == 422
    assert 'id="capacity-error"' in response.get_data(as_text=True)
    assert db.session.get(Shift, shift.id).capacity == 3
    response = client.post(f"/shifts/{shift.id}/edit", data={**data, "capacity": "2"})
    assert response.status_code == 303
    changed = db.session.get(Shift, shift.id)
    assert changed.capacity == 2 and changed.place == "新活动室"


def test_only_the_projects_staff_edit_shifts(client, login) -> None:
    shift = factories.shift()
    login(factories.org_staff())
    assert client.get(f"/shifts/{shift.id}/edit").status_code == 403


def test_project_page_shows_the_next_ten_and_links_to_all(client, login) -> None:
    project = factories.recruiting_project()
    shifts = [
        factories.shift(project, hours_from_now=24 + 3 * i, length_hours=1)
        for i in range(25)
    ]
    me = login(factories.volunteer())
    services.sign_up(shifts[21], user=me)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert page.count('class="card shift"') == 10
    assert f'id="shift-{shifts[9].id}"' in page
    assert f'id="shift-{shifts[10].id}"' not in page
    assert f'href="/projects/{project.id}/shifts"' in page

    first = client.get(f"/projects/{project.id}/shifts").get_data(as_text=True)
    assert first.count('class="card shift"') == 20
    assert "共 25 个即将开始的班次" in first
    assert f'href="/projects/{project.id}/shifts?page=2"' in first
    second = client.get(f"/projects/{project.id}/shifts?page=2").get_data(as_text=True)
    assert second.count('class="card shift"') == 5
    assert f'id="shift-{shifts[24].id}"' in second
    # My sign-up shows as mine there, and a plain form comes back to this page.
    card = second.split(f'id="shift-{shifts[21].id}"')[1].split("</li>")[0]
    assert "/signups/" in card
    assert f'name="next" value="/projects/{project.id}/shifts?page=2"' in card
    # Out-of-range pages show the last page rather than nothing.
    last = client.get(f"/projects/{project.id}/shifts?page=9").get_data(as_text=True)
    assert last.count('class="card shift"') == 5


def test_project_with_few_shifts_has_no_link_to_more(client) -> None:
    shift = factories.shift()
    page = client.get(f"/projects/{shift.project_id}").get_data(as_text=True)
    assert page.count('class="card shift"') == 1
    assert f"/projects/{shift.project_id}/shifts" not in page
