"""The questions pages and services ask of a record's state come from its
transition table, so a page never offers a step the model would refuse."""

from __future__ import annotations

import pytest

from hub.models.needs import NEED_TRANSITIONS, NeedState, ServiceNeed
from hub.models.organizations import (
    STAGE_TRANSITIONS,
    FilingState,
    Organization,
    Stage,
)
from hub.models.projects import PROJECT_TRANSITIONS, Project, ProjectState
from hub.models.states import TransitionNotAllowed, may_move, move
from hub.models.tenders import PROPOSAL_TRANSITIONS, Proposal, ProposalState


@pytest.mark.parametrize("state", list(ProjectState))
def test_a_project_offers_exactly_the_steps_its_lifecycle_allows(
    state: ProjectState,
) -> None:
    project = Project(state=state)
    for target in ProjectState:
        assert project.may_move_to(target) == (target in PROJECT_TRANSITIONS[state])
    assert project.may_cancel == (ProjectState.CANCELLED in PROJECT_TRANSITIONS[state])
    assert project.may_record_meeting == (state == ProjectState.COMPLETED)


def test_a_cancelled_or_finished_project_offers_no_cancel() -> None:
    for state in (
        ProjectState.COMPLETED,
        ProjectState.EVALUATED,
        ProjectState.CANCELLED,
    ):
        project = Project(state=state)
        assert not project.may_cancel
        with pytest.raises(TransitionNotAllowed):
            project.move(ProjectState.CANCELLED, reason="x")


@pytest.mark.parametrize("state", list(NeedState))
def test_a_need_offers_exactly_the_steps_its_transitions_allow(
    state: NeedState,
) -> None:
    need = ServiceNeed(state=state)
    allowed = NEED_TRANSITIONS[state]
    assert need.may_triage == (NeedState.TRIAGED in allowed)
    assert need.may_withdraw == (NeedState.WITHDRAWN in allowed)
    assert need.may_start == (NeedState.IN_PROGRESS in allowed)
    assert need.may_hand_back == (NeedState.OPEN in allowed)
    assert need.may_resolve == (NeedState.RESOLVED in allowed)


@pytest.mark.parametrize("stage", [None, *Stage])
@pytest.mark.parametrize("filing", list(FilingState))
def test_an_organization_offers_a_stage_change_only_when_move_stage_allows(
    filing: FilingState, stage: Stage | None
) -> None:
    org = Organization(filing_state=filing, stage=stage)
    possible = filing == FilingState.APPROVED and bool(STAGE_TRANSITIONS[stage])
    assert org.may_change_stage == possible
    for target in Stage:
        org = Organization(filing_state=filing, stage=stage)
        if target in org.stage_steps:
            assert org.move_stage(target) == stage
            assert org.stage == target
        else:
            with pytest.raises(TransitionNotAllowed):
                org.move_stage(target)


@pytest.mark.parametrize("filing", list(FilingState))
def test_a_filing_awaits_review_only_when_submitted(filing: FilingState) -> None:
    org = Organization(filing_state=filing)
    assert org.awaits_review == (filing == FilingState.SUBMITTED)


@pytest.mark.parametrize("state", list(ProposalState))
def test_may_move_answers_as_move_does(state: ProposalState) -> None:
    for target in ProposalState:
        proposal = Proposal(state=state)
        asked = may_move(proposal, PROPOSAL_TRANSITIONS, target)
        assert asked == (target in PROPOSAL_TRANSITIONS[state])
        if asked:
            assert move(proposal, PROPOSAL_TRANSITIONS, target) == state
            assert proposal.state == target
        else:
            with pytest.raises(TransitionNotAllowed):
                move(proposal, PROPOSAL_TRANSITIONS, target)
            assert proposal.state == state
