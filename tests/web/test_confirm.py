"""One-tap actions that cannot be taken back ask once (hub/web/confirm.py): the
first tap changes nothing and asks, the second does it; with htmx and without."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

import pytest

from hub.extensions import db
from hub.models import (
    Document,
    Organization,
    Project,
    Proposal,
    RoleGrant,
    ServiceNeed,
    Signup,
)
from hub.models.needs import NeedState
from hub.models.organizations import FilingState
from hub.models.projects import ProjectState, ProposalState
from hub.permissions import Role
from hub.projects import services as projects
from hub.shifts import services as shifts
from tests import factories
from tests.tender_factories import approved_org, open_tender, propose

HX = {"HX-Request": "true"}
YES = {"confirm": "yes"}


@dataclass
class Action:
    """A destructive action: who may take it, where, and whether it happened."""

    url: str
    page: str  # where the person taps it
    done: Callable[[], bool]
    words: str  # what the question names
    fields: dict[str, str]


def _cancel_on_card(login) -> Action:  # noqa: ANN001
    shift = factories.shift()
    me = login(factories.volunteer())
    signup = shifts.sign_up(shift, user=me)
    page = f"/projects/{shift.project_id}"
    return Action(
        url=f"/signups/{signup.id}/cancel",
        page=page,
        done=lambda: db.session.get(Signup, signup.id).state == "cancelled",
        words=shift.project.title,
        fields={"from": "card", "next": page},
    )


def _cancel_in_my_shifts(login) -> Action:  # noqa: ANN001
    shift = factories.shift()
    me = login(factories.volunteer())
    signup = shifts.sign_up(shift, user=me)
    return Action(
        url=f"/signups/{signup.id}/cancel",
        page="/my/shifts",
        done=lambda: db.session.get(Signup, signup.id).state == "cancelled",
        words=shift.project.title,
        fields={},
    )


def _approve_filing(login) -> Action:  # noqa: ANN001
    org = factories.submitted_application()
    login(factories.reviewer(street=org.street))
    return Action(
        url=f"/review/filings/{org.id}/approve",
        page=f"/review/filings/{org.id}",
        done=lambda: (
            db.session.get(Organization, org.id).filing_state == FilingState.APPROVED
        ),
        words=org.name,
        fields={},
    )


def _approve_project(login) -> Action:  # noqa: ANN001
    project, _worker = factories.linked_project()
    projects.submit_project(project, by=factories.owner_of(project.organization))
    login(factories.reviewer(street=project.street))
    return Action(
        url=f"/review/projects/{project.id}/approve",
        page=f"/review/projects/{project.id}",
        done=lambda: (
            db.session.get(Project, project.id).state == ProjectState.RECRUITING
        ),
        words=project.title,
        fields={},
    )


def _complete_project(login) -> Action:  # noqa: ANN001
    project = factories.recruiting_project()
    owner = factories.owner_of(project.organization)
    projects.start_project(project, by=owner)
    login(owner)
    return Action(
        url=f"/projects/{project.id}/complete",
        page=f"/projects/{project.id}/manage",
        done=lambda: (
            db.session.get(Project, project.id).state == ProjectState.COMPLETED
        ),
        words=project.title,
        fields={},
    )


def _withdraw_need(login) -> Action:  # noqa: ANN001
    me = login(factories.volunteer())
    need = factories.need(resident=me)
    return Action(
        url=f"/needs/{need.id}/withdraw",
        page=f"/needs/{need.id}",
        done=lambda: db.session.get(ServiceNeed, need.id).state == NeedState.WITHDRAWN,
        words=need.summary,
        fields={},
    )


def _withdraw_proposal(login) -> Action:  # noqa: ANN001
    tender = open_tender()
    org = approved_org()
    staff = login(factories.org_staff(organization=org))
    proposal = propose(tender, org, 5_000_000, by=staff)
    return Action(
        url=f"/tenders/{tender.id}/proposal/withdraw?org={org.id}",
        page=f"/tenders/{tender.id}",
        done=lambda: (
            db.session.get(Proposal, proposal.id).state == ProposalState.WITHDRAWN
        ),
        words=tender.title,
        fields={},
    )


def _remove_document(login) -> Action:  # noqa: ANN001
    owner = factories.volunteer()
    org = factories.complete_application(factories.application(owner=owner))
    document = org.documents[0]
    login(owner)
    return Action(
        url=f"/filings/{org.id}/documents/{document.id}/remove",
        page=f"/filings/{org.id}",
        done=lambda: db.session.get(Document, document.id).removed_at is not None,
        words=document.original_name,
        fields={},
    )


def _remove_staff(login) -> Action:  # noqa: ANN001
    owner = factories.volunteer()
    org = factories.application(owner=owner)
    member = factories.org_staff(organization=org, role=Role.ORG_MANAGER)
    grant = member.grants_for(Role.ORG_MANAGER)[0]
    login(owner)
    return Action(
        url=f"/organizations/{org.id}/staff/{grant.id}/remove",
        page=f"/organizations/{org.id}/staff",
        done=lambda: db.session.get(RoleGrant, grant.id).revoked_at is not None,
        words=member.name,
        fields={},
    )


def _revoke_role(login) -> Action:  # noqa: ANN001
    login(factories.admin())
    person = factories.reviewer()
    grant = person.grants_for(Role.STREET_REVIEWER)[0]
    return Action(
        url=f"/admin/grants/{grant.id}/revoke",
        page=f"/admin/users/{person.id}",
        done=lambda: db.session.get(RoleGrant, grant.id).revoked_at is not None,
        words=person.name,
        fields={},
    )


ACTIONS = pytest.mark.parametrize(
    "make",
    [
        _cancel_on_card,
        _cancel_in_my_shifts,
        _approve_filing,
        _approve_project,
        _complete_project,
        _withdraw_need,
        _withdraw_proposal,
        _remove_document,
        _remove_staff,
        _revoke_role,
    ],
    ids=[
        "cancel-card",
        "cancel-mine",
        "approve-filing",
        "approve-project",
        "complete",
        "withdraw-need",
        "withdraw-proposal",
        "remove-document",
        "remove-staff",
        "revoke-role",
    ],
)


def _hidden(html: str) -> dict[str, str]:
    """The fields the question's form sends (the page's other forms left out)."""
    html = html[html.index('<div class="confirm">') :]
    return {
        unescape(name): unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html
        )
        if name != "csrf_token"
    }


@ACTIONS
def test_the_page_offers_the_action_as_a_form(client, login, make) -> None:
    action = make(login)
    page = client.get(action.page).get_data(as_text=True)
    assert f'action="{action.url}"' in page
    assert f'hx-post="{action.url}"' in page  # so the question comes in place


@ACTIONS
def test_first_tap_without_javascript_asks_on_a_page(client, login, make) -> None:
    action = make(login)
    response = client.post(
        action.url, data=action.fields, headers={"Referer": "http://localhost/"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>" in html and action.words in unescape(html)
    assert f'<form method="post" action="{action.url}">' in html
    assert _hidden(html) == {**action.fields, **YES}
    assert "data-confirm-keep" in html
    assert not action.done()
    # The second tap sends what the question's form holds.
    response = client.post(action.url, data=_hidden(html))
    assert response.status_code == 303
    assert action.done()


@ACTIONS
def test_first_tap_with_htmx_puts_the_question_in_place(client, login, make) -> None:
    action = make(login)
    response = client.post(action.url, data=action.fields, headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "this"
    assert response.headers["HX-Reswap"] == "innerHTML"
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<form" not in html  # inside the tapped form
    assert action.words in unescape(html) and "data-confirm" in html
    assert _hidden(html) == {**action.fields, **YES}
    assert not action.done()
    response = client.post(action.url, data=_hidden(html), headers=HX)
    assert response.status_code in (200, 204)
    assert action.done()


def test_keep_goes_back_to_my_shifts(client, login) -> None:
    action = _cancel_in_my_shifts(login)
    html = client.post(action.url).get_data(as_text=True)
    assert re.search(r'href="/my/shifts" data-confirm-keep', html)


def test_keep_goes_back_to_the_page_of_the_card(client, login) -> None:
    action = _cancel_on_card(login)
    html = client.post(action.url, data=action.fields).get_data(as_text=True)
    assert re.search(rf'href="{action.page}" data-confirm-keep', html)


def test_htmx_cancel_on_the_card_returns_the_card(client, login) -> None:
    action = _cancel_on_card(login)
    response = client.post(action.url, data={**action.fields, **YES}, headers=HX)
    assert response.get_data(as_text=True).lstrip().startswith('<li class="card shift"')
    assert "HX-Retarget" not in response.headers


def test_steps_that_can_be_taken_back_do_not_ask(client, login) -> None:
    project, _worker = factories.linked_project()
    login(factories.owner_of(project.organization))
    assert client.post(f"/projects/{project.id}/submit").status_code == 303
    assert db.session.get(Project, project.id).state == ProjectState.PENDING_APPROVAL


def test_no_question_for_someone_who_may_not(client, login) -> None:
    shift = factories.shift()
    signup = shifts.sign_up(shift, user=factories.volunteer())
    login(factories.volunteer())
    assert client.post(f"/signups/{signup.id}/cancel").status_code == 404
    org = factories.submitted_application()
    assert client.post(f"/review/filings/{org.id}/approve").status_code == 403
