"""Every allowed and forbidden transition of the filing and incubation machines."""

from __future__ import annotations

import itertools

import pytest

from hub.models import Organization
from hub.models.organizations import (
    FILING_TRANSITIONS,
    STAGE_TRANSITIONS,
    FilingState,
    Stage,
    TransitionNotAllowed,
)

ALLOWED_FILING = {
    (FilingState.DRAFT, FilingState.SUBMITTED),
    (FilingState.SUBMITTED, FilingState.CHANGES_REQUESTED),
    (FilingState.SUBMITTED, FilingState.APPROVED),
    (FilingState.SUBMITTED, FilingState.REJECTED),
    (FilingState.CHANGES_REQUESTED, FilingState.SUBMITTED),
}
ALLOWED_STAGE = {
    (None, Stage.INCUBATING),
    (Stage.INCUBATING, Stage.GRADUATED),
    (Stage.INCUBATING, Stage.EXITED),
    (Stage.INCUBATING, Stage.REVOKED),
    (Stage.GRADUATED, Stage.REVOKED),
    (Stage.EXITED, Stage.REVOKED),
}


def test_table_matches_the_design() -> None:
    table = {(a, b) for a, targets in FILING_TRANSITIONS.items() for b in targets}
    assert table == ALLOWED_FILING
    stages = {(a, b) for a, targets in STAGE_TRANSITIONS.items() for b in targets}
    assert stages == ALLOWED_STAGE


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(FilingState, FilingState))
)
def test_filing_transition(current: FilingState, target: FilingState) -> None:
    org = Organization(name="x", name_key="x", filing_state=current)
    if (current, target) in ALLOWED_FILING:
        assert org.move_filing(target) == current
        assert org.filing_state == target
    else:
        with pytest.raises(TransitionNotAllowed):
            org.move_filing(target)
        assert org.filing_state == current


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product([None, *Stage], Stage))
)
def test_stage_transition(current: Stage | None, target: Stage) -> None:
    org = Organization(
        name="x", name_key="x", filing_state=FilingState.APPROVED, stage=current
    )
    if (current, target) in ALLOWED_STAGE:
        org.move_stage(target, reason="r")
        assert org.stage == target and org.stage_changed_at is not None
    else:
        with pytest.raises(TransitionNotAllowed):
            org.move_stage(target)


@pytest.mark.parametrize("state", [s for s in FilingState if s != FilingState.APPROVED])
def test_no_stage_before_approval(state: FilingState) -> None:
    org = Organization(name="x", name_key="x", filing_state=state)
    with pytest.raises(TransitionNotAllowed):
        org.move_stage(Stage.INCUBATING)
