"""Records change state only through their model's transitions (hub.models.states)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hub.models.states import TransitionNotAllowed, move
from hub.models.tenders import (
    PROPOSAL_TRANSITIONS,
    TENDER_TRANSITIONS,
    Proposal,
    ProposalState,
    Tender,
    TenderState,
)

TABLES = [(TENDER_TRANSITIONS, TenderState), (PROPOSAL_TRANSITIONS, ProposalState)]


@pytest.mark.parametrize(("table", "states"), TABLES, ids=["tender", "proposal"])
def test_every_state_has_its_way_out_declared(table, states) -> None:  # noqa: ANN001
    assert set(table) == set(states)
    for targets in table.values():
        assert targets <= set(states)


@pytest.mark.parametrize(("table", "states"), TABLES, ids=["tender", "proposal"])
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
