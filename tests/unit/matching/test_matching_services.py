"""Recommendations, candidates and invitations against the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hub.extensions import db
from hub.matching import queries, services
from hub.matching.scoring import Reason, overlaps
from hub.models import AuditEntry, Invitation, Notification, Shift, Signup
from hub.models.base import utcnow
from hub.models.matching import InvitationState
from hub.shifts import services as shift_services
from tests import factories


def _place():  # noqa: ANN202
    """A recruiting project, a grid of its community and another grid there."""
    project = factories.recruiting_project()
    grid = factories.GridFactory(community=project.community)
    other_grid = factories.GridFactory(community=project.community)
    return project, grid, other_grid


def _shift(project, **kwargs) -> Shift:  # noqa: ANN001, ANN003
    return factories.shift(project, **kwargs)


# For you ---------------------------------------------------------------------------


def test_same_grid_ranks_first_with_its_reason() -> None:
    project, grid, other_grid = _place()
    far = _shift(project, grid=other_grid, hours_from_now=30)
    near = _shift(project, grid=grid, hours_from_now=40)
    profile = factories.volunteer_profile(grid=grid)
    found = services.recommend_shifts(profile.user)
    assert [r.shift.id for r in found] == [near.id, far.id]
    assert Reason("same_grid") in found[0].match.reasons
    assert Reason("same_community") in found[1].match.reasons


def test_needed_skill_and_free_time_are_reasons() -> None:
    project, grid, _other = _place()
    shift = _shift(project, grid=grid, required_skills=["elderly_care"])
    from hub.matching.scoring import slot_of

    day, part = slot_of(shift.starts_at)
    profile = factories.volunteer_profile(
        grid=grid, skills=["elderly_care"], slots=[(day, part)]
    )
    (found,) = services.recommend_shifts(profile.user)
    assert Reason("skill", (("skill", "elderly_care"),)) in found.match.reasons
    assert found.match.terms["availability"] == 1.0


def test_no_profile_no_recommendations() -> None:
    project, grid, _other = _place()
    _shift(project, grid=grid)
    assert services.recommend_shifts(factories.volunteer()) == []


def test_other_streets_and_non_recruiting_projects_are_left_out() -> None:
    project, grid, _other = _place()
    elsewhere = factories.recruiting_project()
    _shift(elsewhere)
    profile = factories.volunteer_profile(grid=grid)
    assert services.recommend_shifts(profile.user) == []
    shift = _shift(project, grid=grid)
    shift_services.cancel_shift(
        shift, by=factories.owner_of(project.organization), reason="雨"
    )
    assert services.recommend_shifts(profile.user) == []


def test_past_signed_up_and_overlapping_shifts_are_never_recommended() -> None:
    project, grid, _other = _place()
    past = _shift(project, grid=grid, hours_from_now=-3)
    mine = _shift(project, grid=grid, hours_from_now=24)
    clash = _shift(project, grid=grid, hours_from_now=25)
    waiting_on = _shift(project, grid=grid, hours_from_now=100, capacity=1)
    clash_with_waitlist = _shift(project, grid=grid, hours_from_now=101)
    free = _shift(project, grid=grid, hours_from_now=200)
    profile = factories.volunteer_profile(grid=grid)
    shift_services.sign_up(mine, user=profile.user)
    shift_services.sign_up(waiting_on, user=factories.volunteer())
    assert shift_services.sign_up(waiting_on, user=profile.user).state == "waitlisted"
    ids = {r.shift.id for r in services.recommend_shifts(profile.user, limit=50)}
    assert ids == {free.id}
    assert not ids & {past.id, mine.id, clash.id, waiting_on.id, clash_with_waitlist.id}


def test_full_shift_is_offered_as_waitlist() -> None:
    project, grid, _other = _place()
    full = _shift(project, grid=grid, capacity=1)
    shift_services.sign_up(full, user=factories.volunteer())
    profile = factories.volunteer_profile(grid=grid)
    (found,) = services.recommend_shifts(profile.user)
    assert found.match.opening.is_full and found.shift.is_full


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    starts=st.integers(-30, 60),
    length=st.integers(1, 6),
    mine_starts=st.integers(1, 60),
    mine_length=st.integers(1, 6),
)
def test_property_past_or_overlapping_never_returned(
    db_session,  # noqa: ANN001, ARG001
    starts: int,
    length: int,
    mine_starts: int,
    mine_length: int,
) -> None:
    project, grid, _other = _place()
    mine = _shift(
        project, grid=grid, hours_from_now=mine_starts, length_hours=mine_length
    )
    candidate = _shift(project, grid=grid, hours_from_now=starts, length_hours=length)
    profile = factories.volunteer_profile(grid=grid)
    shift_services.sign_up(mine, user=profile.user)
    now = utcnow()
    found = services.recommend_shifts(profile.user, now=now, limit=50)
    for r in found:
        assert r.shift.starts_at > now
        assert not overlaps(
            r.shift.starts_at, r.shift.ends_at, mine.starts_at, mine.ends_at
        )
    expected = candidate.starts_at > now and not overlaps(
        candidate.starts_at, candidate.ends_at, mine.starts_at, mine.ends_at
    )
    assert ({r.shift.id for r in found} == {candidate.id}) == expected


# Load ------------------------------------------------------------------------------


def test_monthly_load_counts_confirmed_hours_of_this_month_only() -> None:
    project, grid, _other = _place()
    person = factories.volunteer()
    now = utcnow()
    confirmed = _shift(project, hours_from_now=1, length_hours=3)
    shift_services.sign_up(confirmed, user=person)
    cancelled = _shift(project, hours_from_now=10, length_hours=2)
    shift_services.cancel_signup(
        shift_services.sign_up(cancelled, user=person), by=person
    )
    full = _shift(project, hours_from_now=20, capacity=1)
    shift_services.sign_up(full, user=factories.volunteer())
    shift_services.sign_up(full, user=person)  # waitlisted: not load
    hours = queries.month_hours(person.id, now)
    from hub.matching.scoring import next_month_start

    expected = 3.0 if confirmed.starts_at < next_month_start(now) else 0.0
    assert hours == expected
    later = _shift(project, hours_from_now=24 * 40, length_hours=5)
    shift_services.sign_up(later, user=person)
    assert queries.month_hours(person.id, now) == expected  # next month's: not yet


# Candidates and invitations --------------------------------------------------------


def _organizer(shift: Shift):  # noqa: ANN202
    return factories.owner_of(shift.project.organization)


def test_candidates_closest_first_and_busy_or_unprofiled_left_out() -> None:
    project, grid, other_grid = _place()
    shift = _shift(project, grid=grid, hours_from_now=50)
    same_grid = factories.volunteer_profile(grid=grid)
    same_community = factories.volunteer_profile(grid=other_grid)
    street_community = factories.CommunityFactory(street=project.street)
    same_street = factories.volunteer_profile(community=street_community)
    factories.volunteer_profile(community=factories.CommunityFactory())  # elsewhere
    factories.volunteer()  # no profile
    busy = factories.volunteer_profile(grid=grid)
    shift_services.sign_up(_shift(project, hours_from_now=50), user=busy.user)
    ranked = services.rank_candidates(shift)
    assert [c.person.user_id for c, _m in ranked] == [
        same_grid.user_id,
        same_community.user_id,
        same_street.user_id,
    ]
    assert (
        ranked[0][1].reasons[0] == Reason("same_grid")
        or Reason("same_grid") in ranked[0][1].reasons
    )


def test_invite_notifies_audits_and_leaves_the_candidates() -> None:
    project, grid, _other = _place()
    shift = _shift(project, grid=grid)
    person = factories.volunteer_profile(grid=grid).user
    invitation = services.invite_to_shift(shift, user=person, by=_organizer(shift))
    assert invitation.state == InvitationState.PENDING
    note = db.session.scalar(
        select(Notification).where(Notification.user_id == person.id)
    )
    assert note.kind == "shift_invitation"
    assert note.url == f"/shift-invitations/{invitation.id}"
    assert note.params["project"] == project.title
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "invitation.create")
    )
    assert entry.object_id == invitation.id and entry.street_id == project.street_id
    assert services.rank_candidates(shift) == []
    with pytest.raises(services.AlreadyInvited):
        services.invite_to_shift(shift, user=person, by=_organizer(shift))


def test_weekly_invitation_cap(app) -> None:  # noqa: ANN001
    project, grid, _other = _place()
    person = factories.volunteer_profile(grid=grid).user
    cap = app.config["MATCHING_WEEKLY_INVITATIONS"]
    shifts = [_shift(project, hours_from_now=30 + 5 * i) for i in range(cap + 1)]
    for shift in shifts[:cap]:
        services.invite_to_shift(shift, user=person, by=_organizer(shift))
    with pytest.raises(services.WeeklyInvitationLimit):
        services.invite_to_shift(shifts[cap], user=person, by=_organizer(shifts[cap]))
    assert services.rank_candidates(shifts[cap]) == []  # at the cap: not offered
    # Invitations older than a week no longer count.
    for old in db.session.scalars(select(Invitation)):
        old.created_at = utcnow() - timedelta(days=8)
    db.session.flush()
    services.invite_to_shift(shifts[cap], user=person, by=_organizer(shifts[cap]))


def test_weekly_cap_comes_from_configuration(app, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setitem(app.config, "MATCHING_WEEKLY_INVITATIONS", 1)
    project, grid, _other = _place()
    person = factories.volunteer_profile(grid=grid).user
    first, second = (
        _shift(project, hours_from_now=30),
        _shift(project, hours_from_now=40),
    )
    services.invite_to_shift(first, user=person, by=_organizer(first))
    with pytest.raises(services.WeeklyInvitationLimit):
        services.invite_to_shift(second, user=person, by=_organizer(second))


def test_recent_invitations_spread_the_next_ones() -> None:
    project, grid, _other = _place()
    asked = factories.volunteer_profile(grid=grid).user
    fresh = factories.volunteer_profile(grid=grid).user
    earlier = _shift(project, hours_from_now=30)
    services.invite_to_shift(earlier, user=asked, by=_organizer(earlier))
    shift = _shift(project, grid=grid, hours_from_now=60)
    ranked = [c.person.user_id for c, _m in services.rank_candidates(shift)]
    assert ranked.index(fresh.id) < ranked.index(asked.id)


def test_people_without_a_profile_cannot_be_invited() -> None:
    project, grid, _other = _place()
    shift = _shift(project, grid=grid)
    with pytest.raises(services.NotInvitable):
        services.invite_to_shift(
            shift, user=factories.volunteer(), by=_organizer(shift)
        )


def test_accept_signs_up_through_the_capacity_safe_service() -> None:
    project, grid, _other = _place()
    shift = _shift(project, grid=grid, capacity=1)
    first = factories.volunteer_profile(grid=grid).user
    second = factories.volunteer_profile(grid=grid).user
    one = services.invite_to_shift(shift, user=first, by=_organizer(shift))
    two = services.invite_to_shift(shift, user=second, by=_organizer(shift))
    assert services.accept_invitation(one, user=first).state == "confirmed"
    assert services.accept_invitation(two, user=second).state == "waitlisted"
    assert db.session.get(Shift, shift.id).confirmed_count == 1
    assert db.session.get(Invitation, one.id).state == InvitationState.ACCEPTED
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"invitation.accepted", "signup.create"} <= actions


def test_only_the_invitee_answers() -> None:
    project, grid, _other = _place()
    shift = _shift(project, grid=grid)
    person = factories.volunteer_profile(grid=grid).user
    invitation = services.invite_to_shift(shift, user=person, by=_organizer(shift))
    with pytest.raises(services.NotYourInvitation):
        services.accept_invitation(invitation, user=factories.volunteer())
    with pytest.raises(services.NotYourInvitation):
        services.decline_invitation(invitation, user=_organizer(shift))
    assert db.session.scalar(select(Signup)) is None


def test_decline_then_no_second_answer() -> None:
    project, grid, _other = _place()
    shift = _shift(project, grid=grid)
    person = factories.volunteer_profile(grid=grid).user
    invitation = services.invite_to_shift(shift, user=person, by=_organizer(shift))
    services.decline_invitation(invitation, user=person)
    assert invitation.state == InvitationState.DECLINED
    with pytest.raises(services.InvitationClosed):
        services.accept_invitation(invitation, user=person)


def test_invitation_expires_when_the_shift_is_cancelled() -> None:
    project, grid, _other = _place()
    shift = _shift(project, grid=grid)
    person = factories.volunteer_profile(grid=grid).user
    invitation = services.invite_to_shift(shift, user=person, by=_organizer(shift))
    shift_services.cancel_shift(shift, by=_organizer(shift), reason="下雨")
    with pytest.raises(services.InvitationClosed):
        services.accept_invitation(invitation, user=person)
    assert db.session.get(Invitation, invitation.id).state == InvitationState.EXPIRED
