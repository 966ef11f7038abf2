"""Records change state only through their model's transitions (hub.models.states)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hub.models.hours import DISPUTE_TRANSITIONS, DisputeState
from hub.models.matching import INVITATION_TRANSITIONS, InvitationState
from hub.models.shifts import (
    SHIFT_TRANSITIONS,
    SIGNUP_TRANSITIONS,
    ShiftAlreadyStarted,
    ShiftState,
    SignupState,
)
from hub.models.states import TransitionNotAllowed, move
from hub.models.tenders import (
    PROPOSAL_TRANSITIONS,
    TENDER_TRANSITIONS,
    Proposal,
    ProposalState,
    Tender,
    TenderState,
)
from hub.shifts import services as shift_services
from tests import factories

TABLES = [
    (TENDER_TRANSITIONS, TenderState),
    (PROPOSAL_TRANSITIONS, ProposalState),
    (SHIFT_TRANSITIONS, ShiftState),
    (SIGNUP_TRANSITIONS, SignupState),
    (INVITATION_TRANSITIONS, InvitationState),
    (DISPUTE_TRANSITIONS, DisputeState),
]
IDS = ["tender", "proposal", "shift", "signup", "invitation", "dispute"]


@pytest.mark.parametrize(("table", "states"), TABLES, ids=IDS)
def test_every_state_has_its_way_out_declared(table, states) -> None:  # noqa: ANN001
    assert set(table) == set(states)
    for targets in table.values():
        assert targets <= set(states)


@pytest.mark.parametrize(("table", "states"), TABLES, ids=IDS)
def test_each_step_is_allowed_or_refused_by_the_table(table, states) -> None:  # noqa: ANN001
    for current in states:
        for target in states:
            record = SimpleNamespace(state=current.value)
            if target in table[current]:
                assert move(record, table, target) == current
                assert record.state == target
            else:
                with pytest.raises(TransitionNotAllowed) as refused:
                    move(record, table, target)
                assert (refused.value.current, refused.value.wanted) == (
                    current,
                    target,
                )
                assert record.state == current  # nothing changed


def test_tender_and_proposal_move_through_their_tables() -> None:
    tender = Tender(state=TenderState.AWARDED)
    with pytest.raises(TransitionNotAllowed):
        tender.move(TenderState.CANCELLED)
    assert tender.state == TenderState.AWARDED
    proposal = Proposal(state=ProposalState.NOT_AWARDED)
    with pytest.raises(TransitionNotAllowed):
        proposal.move(ProposalState.SUBMITTED)
    withdrawn = Proposal(state=ProposalState.WITHDRAWN)
    assert withdrawn.move(ProposalState.SUBMITTED) == ProposalState.WITHDRAWN
    assert withdrawn.updated_at is not None


def test_a_shift_under_way_cannot_be_cancelled_by_any_path(db_session) -> None:  # noqa: ANN001
    project = factories.recruiting_project()
    started = factories.shift(project, hours_from_now=48)
    started.starts_at = started.starts_at.replace(year=2020)
    organizer = factories.owner_of(project.organization)
    assert not started.may_cancel()
    with pytest.raises(ShiftAlreadyStarted):
        shift_services.cancel_shift(started, by=organizer, reason="下雨")
    assert started.state == ShiftState.SCHEDULED
    upcoming = factories.shift(project, hours_from_now=72)
    assert upcoming.may_cancel()
    shift_services.cancel_shift(upcoming, by=organizer, reason="下雨")
    assert upcoming.state == ShiftState.CANCELLED
    assert not upcoming.may_edit()
    with pytest.raises(shift_services.ShiftNotOpen):
        shift_services.update_shift(
            upcoming,
            by=organizer,
            starts_at=upcoming.starts_at,
            ends_at=upcoming.ends_at,
            place="别处",
            capacity=upcoming.capacity,
        )
