"""The audit log in its readers' words: each record's states in its own feature's
words, each object by its name, and what an export was in the reader's language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from hub import audit
from hub.audit_log.labels import state_label
from hub.audit_log.subjects import OBJECT_LOADERS
from hub.models import AuditEntry
from hub.models.base import utcnow
from tests import factories
from tests import tender_factories as tf
from tests.querycount import statements


def _record_gone(audit_type: str, object_id: int, street_id: int, **states) -> None:  # noqa: ANN003
    """An entry about a record of this kind that is no longer in the database."""
    gone = type("Gone", (), {"AUDIT_TYPE": audit_type})()
    gone.id = object_id
    audit.record(None, gone, "state.change", street_id=street_id, **states)


def _log(client, login, street, locale: str = "en") -> str:  # noqa: ANN001
    login(factories.reviewer(street=street, locale=locale))
    return client.get("/review/audit").get_data(as_text=True)


@pytest.mark.parametrize(
    ("audit_type", "state", "own", "not_these"),
    [
        # A proposal showed the filing's 待审核, a new need the tender's 征集中 and an
        # accepted invitation the coordination's 协调中.
        ("proposal", "submitted", "已提交", ["待审核"]),
        ("service_need", "open", "待社工处理", ["征集中"]),
        ("invitation", "accepted", "已接受", ["协调中"]),
        ("hour_record", "confirmed", "已确认", ["已报名"]),
        ("signup", "confirmed", "已报名", ["已确认"]),
        ("tender", "open", "征集中", []),
        ("hour_dispute", "open", "等待对方回复", ["征集中"]),
    ],
)
def test_a_state_is_named_by_its_own_feature(
    client, login, audit_type, state, own, not_these
) -> None:
    street = factories.StreetFactory()
    _record_gone(audit_type, 990_001, street.id, to_state=state)
    html = _log(client, login, street, locale="zh_CN")
    assert own in html
    for word in not_these:
        assert word not in html


def test_state_label_depends_on_the_kind_of_record(app) -> None:
    with app.test_request_context(), force_locale("en"):
        assert state_label("project", "declined") == "Declined"
        assert state_label("project", "accepted") == "Coordinating"
        assert state_label("invitation", "accepted") == "Accepted"
        assert state_label("no_such_record", "accepted") == "accepted"
        assert state_label("project", None) == ""


def test_objects_are_named_by_their_titles(client, login) -> None:
    project = factories.project(title="楼道微更新")
    street = project.street
    need = factories.need(
        grid=factories.GridFactory(community=project.community),
        description="门口路灯坏了\n请尽快修理",
    )
    tender = tf.open_tender(community=project.community, title="助餐点运营")
    proposal = tf.propose(
        tender,
        project.organization,
        5_000_00,
        by=factories.owner_of(project.organization),
    )
    for obj in (project, need, tender, proposal):
        audit.record(None, obj, "state.change", street_id=street.id)

    html = _log(client, login, street)

    assert "楼道微更新" in html
    assert "门口路灯坏了" in html
    assert "请尽快修理" not in html  # the need's first line is its title
    assert "助餐点运营" in html
    assert f"{project.organization.name} · 助餐点运营" in html
    assert "project #" not in html and "service_need #" not in html


def test_a_deleted_object_is_named_by_its_kind_and_number(client, login) -> None:
    street = factories.StreetFactory()
    _record_gone("project", 424_242, street.id)
    assert "Project no. 424242 (deleted)" in _log(client, login, street)


def test_every_kind_of_audited_record_can_be_named(app) -> None:
    """Every model the log can be about has a loader, so no page says "x #7"."""
    from hub.audit import audit_type
    from hub.extensions import db

    kinds = set()
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if getattr(model, "AUDIT_TYPE", None):
            kinds.add(model.AUDIT_TYPE)
    kinds |= {"user", "role_grant", "consent", "number_recovery", "street"}
    assert kinds - set(OBJECT_LOADERS) == set()
    assert audit_type(factories.StreetFactory.build()) == "street"


def test_naming_a_page_of_many_kinds_costs_one_query_per_kind(client, login) -> None:
    project = factories.project()
    street = project.street
    login(factories.reviewer(street=street, locale="en"))

    def count() -> int:
        with statements() as sent:
            assert client.get("/review/audit").status_code == 200
        return len(sent)

    audit.record(None, project, "state.change", street_id=street.id)
    audit.record(None, factories.need(), "state.change", street_id=street.id)
    one_each = count()
    for _ in range(4):
        audit.record(None, factories.project(), "state.change", street_id=street.id)
        audit.record(None, factories.need(), "state.change", street_id=street.id)
    assert count() == one_each


def test_an_export_is_described_in_the_readers_language(client, login) -> None:
    street = factories.StreetFactory()
    exporter = factories.reviewer(street=street, locale="zh_CN")
    login(exporter)
    assert client.get("/reports/exports/evaluations.csv").status_code == 200
    client.post("/logout")
    (entry,) = AuditEntry.query.filter_by(action="export").all()
    assert entry.reason is None  # nothing stored in the exporter's language

    english = _log(client, login, street, locale="en")
    assert "Evaluations · CSV" in english
    assert "评议" not in english


def test_an_old_export_entry_with_a_chinese_reason_reads_in_english(
    client, login
) -> None:
    street = factories.StreetFactory()
    audit.record(
        None,
        street,
        "export",
        street_id=street.id,
        reason="评议 · CSV",
        data={"list": "evaluations", "format": "xlsx", "state": None},
        now=utcnow(),
    )
    html = _log(client, login, street)
    assert "Evaluations · Excel" in html
    assert "评议" not in html
