"""The audit log: recorded once, read in order, never changed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, select, update

from hub import audit
from hub.errors import AuditLogIsAppendOnly
from hub.extensions import db
from hub.models import AuditEntry, Community, RoleGrant, Street, User
from hub.models.organizations import FilingState
from tests import factories
from tests.querycount import statements


def test_record_writes_who_what_when_and_why() -> None:
    street = factories.StreetFactory()
    org = factories.OrganizationFactory(street=street)
    reviewer = factories.reviewer(street=street)
    at = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)

    entry = audit.record(
        reviewer,
        org,
        "filing.reject",
        from_state=FilingState.SUBMITTED,
        to_state=FilingState.REJECTED,
        reason="章程缺页",
        street_id=street.id,
        data={"page": 3},
        now=at,
    )

    assert entry.id is not None
    db.session.expire_all()
    stored = db.session.get(AuditEntry, entry.id)
    assert (stored.object_type, stored.object_id) == ("organization", org.id)
    assert stored.actor_id == reviewer.id
    assert stored.action == "filing.reject"
    assert (stored.from_state, stored.to_state) == ("submitted", "rejected")
    assert stored.reason == "章程缺页"
    assert stored.street_id == street.id
    assert stored.data == {"page": 3}
    assert stored.at == at


def test_record_without_actor_is_the_system() -> None:
    org = factories.OrganizationFactory()
    entry = audit.record(None, org, "incubation.stage", to_state="graduated")
    assert entry.actor_id is None
    assert entry.actor is None


def test_audit_type_is_declared_or_singular_table_name() -> None:
    assert audit.audit_type(factories.OrganizationFactory.build()) == "organization"
    assert audit.audit_type(Street()) == "street"
    assert audit.audit_type(Community()) == "community"
    assert audit.audit_type(User()) == "user"
    assert audit.audit_type(RoleGrant()) == "role_grant"


def test_history_is_oldest_first_for_that_object_only() -> None:
    org, other = factories.OrganizationFactory(), factories.OrganizationFactory()
    owner = factories.org_staff(organization=org)
    first = audit.record(owner, org, "filing.create", to_state=FilingState.DRAFT)
    audit.record(owner, other, "filing.create", to_state=FilingState.DRAFT)
    second = audit.record(owner, org, "filing.submit", to_state=FilingState.SUBMITTED)

    assert [e.id for e in audit.history(org)] == [first.id, second.id]


def _statements_to_read_history(org) -> int:  # noqa: ANN001
    db.session.expire_all()
    with statements() as sent:
        [e.actor.name for e in audit.history(org)]
    return len(sent)


def test_history_loads_actors_without_a_query_per_entry() -> None:
    org = factories.OrganizationFactory()
    audit.record(factories.volunteer(), org, "filing.document_add")
    one = _statements_to_read_history(org)
    for _ in range(4):
        audit.record(factories.volunteer(), org, "filing.document_add")

    assert _statements_to_read_history(org) == one


def test_street_log_is_newest_first_and_pages_back_by_id() -> None:
    street, elsewhere = factories.StreetFactory(), factories.StreetFactory()
    org = factories.OrganizationFactory(street=street)
    ids = [
        audit.record(None, org, f"step.{n}", street_id=street.id).id for n in range(5)
    ]
    audit.record(None, org, "step.elsewhere", street_id=elsewhere.id)

    page = audit.street_log(street.id, limit=3)
    assert [e.id for e in page] == ids[::-1][:3]
    older = audit.street_log(street.id, limit=3, before_id=page[-1].id)
    assert [e.id for e in older] == ids[::-1][3:]
    assert audit.street_log([], limit=3) == []
    both = audit.street_log([street.id, elsewhere.id], limit=10)
    assert len(both) == 6


def test_changing_an_entry_is_refused() -> None:
    entry = audit.record(None, factories.OrganizationFactory(), "filing.create")
    entry.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()


def test_deleting_an_entry_is_refused() -> None:
    entry = audit.record(None, factories.OrganizationFactory(), "filing.create")
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()


def test_bulk_update_and_delete_of_entries_are_refused() -> None:
    audit.record(None, factories.OrganizationFactory(), "filing.create")
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(update(AuditEntry).values(reason="rewritten"))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(delete(AuditEntry))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(delete(AuditEntry.__table__))
    assert db.session.scalar(select(AuditEntry.reason)) is None


def test_other_models_still_update_and_delete() -> None:
    street = factories.StreetFactory()
    audit.record(None, street, "street.rename")
    street.name = "新名字街道"
    db.session.flush()
    db.session.delete(street)
    db.session.flush()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entries SET reason = 'edited'", "DELETE FROM audit_entries"],
)
def test_the_database_refuses_raw_edits_too(statement: str) -> None:
    audit.record(None, factories.StreetFactory(), "test.raw")
    db.session.flush()
    with pytest.raises(sa.exc.DBAPIError), db.session.begin_nested():
        db.session.execute(sa.text(statement))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1
