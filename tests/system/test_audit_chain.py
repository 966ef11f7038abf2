"""The audit hash chain: written linear, verified, and every kind of tampering found.

Tampering bypasses the append-only triggers the way someone with database access
would: the triggers (and the unique prev_hash index, where needed) are lifted in a
fresh database of the suite's kind, then raw SQL edits, deletes or inserts rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from hub import audit, create_app
from hub.extensions import db
from hub.models import AuditEntry, Street
from hub.models.audit import GENESIS_HASH, canonical_form, chain_hash
from hub.ops.audit_chain import verify_chain
from tests import factories
from tests.conftest import TEST_SECRET, fresh_database
from tests.system.concurrency import postgres_app, race

ENTRIES = 6
T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
PROBLEM = re.compile(r"^(EDITED|INSERTED|DELETED) at entry (\d+): (.*)$", re.M)


@pytest.fixture
def chain_app(tmp_path) -> Iterator[Flask]:  # noqa: ANN001
    """A migrated database of the suite's kind holding six chained entries."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": fresh_database("sec_audit_chain", str(tmp_path)),
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        street = factories.StreetFactory()
        for n in range(ENTRIES):
            audit.record(
                None,
                street,
                f"test.step{n}",
                reason=f"第{n}步",
                data={"n": n, "tags": ["甲", "乙"]},
                street_id=street.id,
                now=T0 + timedelta(minutes=n),
            )
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _verify(app: Flask, *args: str) -> tuple[int, set[tuple[str, int]], str]:
    result = app.test_cli_runner().invoke(
        args=["audit", "verify", "--batch-size", "2", *args]
    )
    found = {(kind, int(entry)) for kind, entry, _ in PROBLEM.findall(result.output)}
    return result.exit_code, found, result.output


def _tamper(
    app: Flask, *statements: str | sa.Executable, drop_unique: bool = False
) -> None:
    """Run raw SQL on the audit log with its protections lifted."""
    with app.app_context(), db.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.exec_driver_sql(
                "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"
            )
        else:
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entries_no_update")
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entries_no_delete")
        if drop_unique:
            connection.exec_driver_sql("DROP INDEX ux_audit_entries_prev_hash")
        for statement in statements:
            if isinstance(statement, str):
                connection.exec_driver_sql(statement)
            else:
                connection.execute(statement)
        if postgres:
            connection.exec_driver_sql(
                "ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only"
            )


def _row(app: Flask, entry_id: int) -> dict:
    with app.app_context():
        table = AuditEntry.__table__
        row = db.session.execute(sa.select(table).where(table.c.id == entry_id))
        return dict(row.mappings().one())


def _forge(row: dict, **changes) -> dict:  # noqa: ANN003
    """``row`` changed and re-hashed, as someone who knows the algorithm would."""
    forged = {**row, **changes}
    forged["entry_hash"] = chain_hash(forged, forged["prev_hash"])
    return forged


def _insert(row: dict) -> sa.Executable:
    return sa.insert(AuditEntry.__table__).values(**row)


def test_untouched_chain_is_intact(chain_app: Flask) -> None:
    code, found, output = _verify(chain_app)
    assert (code, found) == (0, set()), output
    assert f"{ENTRIES} entries checked" in output
    head = _row(chain_app, ENTRIES)
    assert f"head: {ENTRIES}:{head['entry_hash']}" in output
    assert "intact" in output


def test_entries_are_linked_from_the_genesis_in_id_order(chain_app: Flask) -> None:
    rows = [_row(chain_app, n) for n in range(1, ENTRIES + 1)]
    assert rows[0]["prev_hash"] == GENESIS_HASH
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["prev_hash"] == before["entry_hash"]
    for row in rows:
        assert row["entry_hash"] == chain_hash(row, row["prev_hash"])


def test_canonical_form_is_the_documented_one() -> None:
    fields = {
        "id": 7,
        "at": datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        "actor_id": None,
        "object_type": "organization",
        "object_id": 3,
        "action": "filing.reject",
        "from_state": "submitted",
        "to_state": "rejected",
        "reason": "章程缺页",
        "street_id": 2,
        "data": {"page": 3, "b": [1, "二"]},
    }
    assert (
        canonical_form(fields, GENESIS_HASH)
        == (
            '{"action":"filing.reject","actor_id":null,"at":"2026-03-02T09:30:00.000000Z",'
            '"data":{"b":[1,"二"],"page":3},"from_state":"submitted","id":7,'
            '"object_id":3,"object_type":"organization",'
            f'"prev_hash":"{GENESIS_HASH}","reason":"章程缺页","street_id":2,'
            '"to_state":"rejected"}'
        ).encode()
    )


def test_data_is_hashed_as_the_database_returns_it(chain_app: Flask) -> None:
    with chain_app.app_context(), chain_app.test_request_context():
        street = db.session.scalar(sa.select(Street))
        audit.record(None, street, "test.keys", data={1: (1, 2), "x": 1.5})
        db.session.commit()
    code, found, output = _verify(chain_app)
    assert (code, found) == (0, set()), output


def test_an_edited_entry_is_reported_where_it_is(chain_app: Flask) -> None:
    _tamper(chain_app, "UPDATE audit_entries SET reason = '改过' WHERE id = 3")
    code, found, output = _verify(chain_app)
    assert code == 1
    assert found == {("EDITED", 3)}, output
    assert "entry 3: contents do not match its hash" in output


def test_an_edited_link_is_reported_as_that_entrys_edit(chain_app: Flask) -> None:
    _tamper(
        chain_app,
        sa.text("UPDATE audit_entries SET prev_hash = :h WHERE id = 4").bindparams(
            h="f" * 64
        ),
        drop_unique=True,
    )
    code, found, output = _verify(chain_app)
    assert (code, found) == (1, {("EDITED", 4)}), output


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(chain_app: Flask) -> None:
    forged = _forge(_row(chain_app, 3), reason="改过")
    _tamper(
        chain_app,
        sa.text(
            "UPDATE audit_entries SET reason = '改过', entry_hash = :h WHERE id = 3"
        ).bindparams(h=forged["entry_hash"]),
    )
    code, found, output = _verify(chain_app)
    assert (code, found) == (1, {("INSERTED", 4)}), output
    assert "entry 4 does not link to entry 3" in output
    assert "entry 3 rewritten with a recomputed hash" in output


def test_a_deleted_entry_is_reported_with_its_neighbours(chain_app: Flask) -> None:
    _tamper(chain_app, "DELETE FROM audit_entries WHERE id = 3")
    code, found, output = _verify(chain_app)
    assert (code, found) == (1, {("DELETED", 3)}), output
    assert "entry 3 missing: entry 4 does not link to entry 2" in output


def test_several_deleted_entries_are_reported_as_one_gap(chain_app: Flask) -> None:
    _tamper(chain_app, "DELETE FROM audit_entries WHERE id IN (3, 4)")
    code, found, output = _verify(chain_app)
    assert (code, found) == (1, {("DELETED", 3)}), output
    assert "entries 3-4 missing: entry 5 does not link to entry 2" in output


def test_a_deleted_first_entry_is_reported(chain_app: Flask) -> None:
    _tamper(chain_app, "DELETE FROM audit_entries WHERE id = 1")
    code, found, output = _verify(chain_app)
    assert (code, found) == (1, {("DELETED", 2)}), output
    assert "entries before entry 2 are missing" in output


def test_a_cut_off_end_is_found_through_an_anchor(chain_app: Flask) -> None:
    last = _row(chain_app, ENTRIES)
    anchor = f"{ENTRIES}:{last['entry_hash']}"
    assert _verify(chain_app, "--anchor", anchor)[0] == 0
    _tamper(
        chain_app,
        sa.text("DELETE FROM audit_entries WHERE id = :id").bindparams(id=ENTRIES),
    )

    # Without an anchor the shorter chain is consistent in itself.
    assert _verify(chain_app)[0] == 0
    code, found, output = _verify(chain_app, "--anchor", anchor)
    assert (code, found) == (1, {("DELETED", ENTRIES)}), output
    assert f"anchored entry {ENTRIES} is missing" in output


def test_a_bad_anchor_is_refused(chain_app: Flask) -> None:
    result = chain_app.test_cli_runner().invoke(
        args=["audit", "verify", "--anchor", "6:abc"]
    )
    assert result.exit_code == 2
    assert "ID:HASH" in result.output


def test_an_entry_inserted_with_a_forged_link_is_reported(chain_app: Flask) -> None:
    # Appended after the last entry, pointing at an older one.
    forged = _forge(
        _row(chain_app, ENTRIES),
        id=ENTRIES + 1,
        prev_hash=_row(chain_app, 2)["entry_hash"],
    )
    _tamper(chain_app, _insert(forged), drop_unique=True)
    code, found, output = _verify(chain_app)
    assert (code, found) == (1, {("INSERTED", ENTRIES + 1)}), output
    assert f"entry {ENTRIES + 1} does not link to entry {ENTRIES}" in output


def test_an_entry_slipped_into_the_middle_is_reported(chain_app: Flask) -> None:
    """Ids 4.. moved up to make room: the newcomer and the renumbered are found."""
    moves = [
        sa.text("UPDATE audit_entries SET id = :new WHERE id = :old").bindparams(
            new=n + 1, old=n
        )
        for n in range(ENTRIES, 3, -1)
    ]
    forged = _forge(_row(chain_app, 4), action="test.forged", reason=None, data=None)
    _tamper(chain_app, *moves, _insert(forged), drop_unique=True)
    code, found, output = _verify(chain_app)
    assert code == 1
    assert found == {
        ("INSERTED", 4),
        *(("EDITED", n) for n in range(5, ENTRIES + 2)),
    }, output
    assert "entry 4 is not in the chain: entry 5 links past it to entry 3" in output


def test_an_inserted_entry_the_next_one_goes_around_is_reported(
    chain_app: Flask,
) -> None:
    """A newcomer with a made-up link, and an entry after it linking to the head."""
    head = _row(chain_app, ENTRIES)
    forged = _forge(head, id=ENTRIES + 1, prev_hash="e" * 64, action="test.forged")
    follower = _forge(head, id=ENTRIES + 2, prev_hash=head["entry_hash"])
    _tamper(chain_app, _insert(forged), _insert(follower), drop_unique=True)
    code, found, output = _verify(chain_app)
    assert (code, found) == (1, {("INSERTED", ENTRIES + 1)}), output
    assert f"entry {ENTRIES + 2} links past it to entry {ENTRIES}" in output


def test_every_problem_is_reported_in_one_walk(chain_app: Flask) -> None:
    _tamper(
        chain_app,
        "UPDATE audit_entries SET action = 'test.rewritten' WHERE id = 2",
        "DELETE FROM audit_entries WHERE id = 5",
    )
    code, found, output = _verify(chain_app)
    assert (code, found) == (1, {("EDITED", 2), ("DELETED", 5)}), output
    assert "2 problem(s) found" in output


def test_verify_streams_in_batches(chain_app: Flask) -> None:
    with chain_app.app_context():
        report = verify_chain(batch_size=1)
        assert report.ok
        assert report.checked == ENTRIES
        assert report.head_id == ENTRIES


def test_existing_entries_are_chained_by_the_migration(tmp_path) -> None:  # noqa: ANN001
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": fresh_database(
                "sec_audit_backfill", str(tmp_path)
            ),
        }
    )
    with app.app_context():
        upgrade(revision="0011")
        with db.engine.begin() as connection:
            connection.execute(
                sa.insert(Street.__table__).values(
                    id=1, name="锁金村街道", code="SJC", created_at=T0
                )
            )
            table = sa.table(
                "audit_entries",
                *(sa.column(c.name, c.type) for c in AuditEntry.__table__.columns),
            )
            connection.execute(
                table.insert(),
                [
                    {
                        "id": entry_id,  # a gap, as a rolled-back insert leaves
                        "at": T0 + timedelta(seconds=entry_id),
                        "object_type": "street",
                        "object_id": 1,
                        "action": "street.rename",
                        "reason": "改名" if entry_id % 2 else None,
                        "street_id": 1,
                        "data": {"old": "旧", "n": entry_id} if entry_id > 2 else None,
                    }
                    for entry_id in (1, 2, 3, 5, 6)
                ],
            )
        upgrade()
        report = verify_chain(batch_size=2)
        assert (report.ok, report.checked, report.head_id) == (True, 5, 6)
        with app.test_request_context():
            audit.record(None, db.session.get(Street, 1), "street.rename")
            db.session.commit()
        assert verify_chain().ok
        assert db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) == 7
        # The append-only triggers are back in force.
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM audit_entries WHERE id = 3")
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres_only
def test_concurrent_appends_keep_the_chain_linear(tmp_path) -> None:  # noqa: ANN001
    """Real parallel transactions on PostgreSQL, each appending while others do."""
    app_iter = postgres_app("sec_audit_race", str(tmp_path))
    app = next(app_iter)
    try:
        with app.app_context(), app.test_request_context():
            street_ids = [factories.StreetFactory().id for _ in range(8)]
            db.session.commit()

        def append(n: int):  # noqa: ANN202
            def job() -> int:
                street = db.session.get(Street, street_ids[n])
                street.name = f"街道{n}"  # a change of its own, as services make
                for step in range(3):
                    audit.record(None, street, f"race.{n}.{step}")
                return n

            return job

        for _ in range(3):
            results = race(app, [append(n) for n in range(8)])
            assert results == list(range(8)), results

        with app.app_context():
            report = verify_chain(batch_size=10)
            assert report.ok, report.problems
            assert report.checked == 3 * 8 * 3
            ids = db.session.scalars(
                sa.select(AuditEntry.id).order_by(AuditEntry.id)
            ).all()
            assert ids == list(range(1, 3 * 8 * 3 + 1))
            # Each transaction's three entries are consecutive: never interleaved.
            actions = db.session.scalars(
                sa.select(AuditEntry.action).order_by(AuditEntry.id)
            ).all()
            for start in range(0, len(actions), 3):
                owners = {a.split(".")[1] for a in actions[start : start + 3]}
                assert len(owners) == 1, actions
    finally:
        next(app_iter, None)


@pytest.mark.parametrize("write_lock_first", [True, False])
def test_concurrent_appends_on_sqlite_never_fork(
    tmp_path,  # noqa: ANN001
    write_lock_first: bool,
) -> None:
    """SQLite serializes writers: appends queue (begin_writing) or are refused."""
    from hub.db import begin_writing

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/race.sqlite3",
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        street_ids = [factories.StreetFactory().id for _ in range(6)]
        db.session.commit()

    def append(n: int):  # noqa: ANN202
        def job() -> int:
            if write_lock_first:
                begin_writing()
            street = db.session.get(Street, street_ids[n])
            for step in range(3):
                audit.record(None, street, f"race.{n}.{step}")
            return n

        return job

    results = race(app, [append(n) for n in range(6)])
    done = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if not isinstance(r, int)]
    if write_lock_first:
        assert done == list(range(6)), results
    assert all(isinstance(e, sa.exc.OperationalError) for e in refused), refused
    with app.app_context():
        report = verify_chain()
        assert report.ok, report.problems
        assert report.checked == 3 * len(done)
        db.session.remove()
        db.engine.dispose()
