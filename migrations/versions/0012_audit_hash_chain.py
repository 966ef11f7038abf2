"""audit hash chain

Every audit entry gets prev_hash and entry_hash. Entries already present are
chained here, oldest id first, from the genesis hash ("0" * 64), with the same
canonical form hub.models.audit uses (copied below, so this migration keeps
meaning what it meant when it ran). The append-only triggers of 0003 are lifted
for the backfill and put back afterwards.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 07:20:00

"""
import hashlib
import json
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from hub.models.base import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "id", "at", "actor_id", "object_type", "object_id", "action",
    "from_state", "to_state", "reason", "street_id", "data",
)
BATCH = 1000

entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("at", UTCDateTime()),
    sa.column("actor_id", sa.Integer),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("from_state", sa.String),
    sa.column("to_state", sa.String),
    sa.column("reason", sa.Text),
    sa.column("street_id", sa.Integer),
    sa.column("data", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("entry_hash", sa.String),
)


def _chain_hash(row, prev_hash):
    document = {name: row[name] for name in HASHED_FIELDS}
    at = document["at"]
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    document["at"] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    document["prev_hash"] = prev_hash
    canonical = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def _drop_triggers(bind):
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
    else:
        op.execute("DROP TRIGGER audit_entries_no_update")
        op.execute("DROP TRIGGER audit_entries_no_delete")


def _create_triggers(bind):
    # As in 0003 (the PostgreSQL function itself stays in place).
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_entries_append_only "
            "BEFORE UPDATE OR DELETE ON audit_entries "
            "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_entries_no_{action.lower()} "
                f"BEFORE {action} ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"
            )


def _backfill(bind):
    """Chain the existing entries in id order, a batch at a time."""
    prev_hash = GENESIS_HASH
    last_id = None
    while True:
        query = sa.select(entries).order_by(entries.c.id).limit(BATCH)
        if last_id is not None:
            query = query.where(entries.c.id > last_id)
        rows = bind.execute(query).mappings().all()
        if not rows:
            return
        for row in rows:
            entry_hash = _chain_hash(row, prev_hash)
            bind.execute(
                entries.update()
                .where(entries.c.id == row["id"])
                .values(prev_hash=prev_hash, entry_hash=entry_hash)
            )
            prev_hash = entry_hash
        last_id = rows[-1]["id"]


def upgrade():
    bind = op.get_bind()
    _drop_triggers(bind)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
    _backfill(bind)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('entry_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index('ux_audit_entries_prev_hash', ['prev_hash'], unique=True)
    # Batch mode rebuilds the table on SQLite, which drops its triggers: (re)create.
    _create_triggers(bind)


def downgrade():
    bind = op.get_bind()
    _drop_triggers(bind)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ux_audit_entries_prev_hash')
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
    _create_triggers(bind)
