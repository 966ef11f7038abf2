"""The reviewer's audit log page: my streets only, newest first, paged back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub import audit
from hub.audit_log import routes
from hub.models.organizations import FilingState
from hub.permissions import Role
from tests import factories
from tests.querycount import statements


def test_reviewer_sees_only_entries_of_own_street(client, login) -> None:
    mine, theirs = factories.StreetFactory(), factories.StreetFactory()
    my_org = factories.OrganizationFactory(street=mine, name="锁三邻里中心")
    their_org = factories.OrganizationFactory(street=theirs, name="别处服务社")
    reviewer = factories.reviewer(street=mine, locale="en")
    audit.record(
        reviewer,
        my_org,
        "filing.reject",
        from_state=FilingState.SUBMITTED,
        to_state=FilingState.REJECTED,
        reason="章程缺页",
        street_id=mine.id,
        now=datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
    )
    audit.record(
        None, their_org, "filing.approve", reason="其他街道的理由", street_id=theirs.id
    )
    login(reviewer)

    response = client.get("/review/audit")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Filing rejected" in html
    assert "锁三邻里中心" in html
    assert "章程缺页" in html
    assert reviewer.name in html
    assert "09:30" in html or "9:30" in html  # 01:30 UTC shown in Asia/Shanghai
    assert "别处服务社" not in html
    assert "其他街道的理由" not in html


def test_unknown_actions_show_as_written_and_the_system_as_actor(client, login) -> None:
    street = factories.StreetFactory()
    reviewer = factories.reviewer(street=street, locale="en")
    audit.record(None, factories.StreetFactory(), "street.merge", street_id=street.id)
    login(reviewer)
    html = client.get("/review/audit").get_data(as_text=True)
    assert "street.merge" in html
    assert "System" in html


def test_empty_log_says_so(client, login) -> None:
    login(factories.reviewer(locale="en"))
    html = client.get("/review/audit").get_data(as_text=True)
    assert 'class="empty"' in html


@pytest.mark.parametrize("make_user", [factories.volunteer, factories.admin])
def test_people_who_do_not_review_get_403(client, login, make_user) -> None:
    login(make_user())
    assert client.get("/review/audit").status_code == 403


def test_older_link_pages_back_full_page_or_fragment(
    client, login, monkeypatch
) -> None:
    monkeypatch.setattr(routes, "PAGE_SIZE", 2)
    street = factories.StreetFactory()
    org = factories.OrganizationFactory(street=street)
    for action in ["filing.create", "filing.submit", "filing.approve"]:
        audit.record(None, org, action, street_id=street.id)
    login(factories.reviewer(street=street, locale="en"))

    first = client.get("/review/audit").get_data(as_text=True)
    assert "Filing approved" in first and "Filing submitted" in first
    assert "Filing started" not in first
    assert "Older entries" in first
    older = first.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")

    fragment = client.get(older, headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body
    assert "Filing started" in body
    assert "Older entries" not in body
    assert "HX-Request" in fragment.headers["Vary"]

    page = client.get(older).get_data(as_text=True)
    assert "<html" in page and "Filing started" in page
    assert "Back to the newest entries" in page


def _statements_for_log_page(client) -> int:  # noqa: ANN001
    with statements() as sent:
        assert client.get("/review/audit").status_code == 200
    return len(sent)


def test_log_page_queries_do_not_grow_with_entries(client, login) -> None:
    street = factories.StreetFactory()
    org = factories.OrganizationFactory(street=street)
    login(factories.reviewer(street=street))
    audit.record(factories.volunteer(), org, "filing.create", street_id=street.id)
    one = _statements_for_log_page(client)
    for _ in range(5):
        audit.record(factories.volunteer(), org, "filing.submit", street_id=street.id)
    assert _statements_for_log_page(client) == one


def test_states_shown_in_words_where_known(client, login) -> None:
    street = factories.StreetFactory()
    org = factories.OrganizationFactory(street=street)
    audit.record(
        None,
        org,
        "staff.role",
        from_state=Role.ORG_MANAGER,
        to_state=Role.ORG_OWNER,
        street_id=street.id,
    )
    login(factories.reviewer(street=street, locale="en"))
    html = client.get("/review/audit").get_data(as_text=True)
    assert "Organization manager" in html
    assert "Organization owner" in html
