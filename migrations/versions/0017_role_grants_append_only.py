"""role grants: the history of who held which role cannot be rewritten

A grant is written once; it may later be revoked (revoked_at and revoked_by_id set
once, from empty) and a social worker's qualification may change. Anything else
(deleting a grant, moving it to another person, role or place, un-revoking it)
is refused by the database itself, on PostgreSQL and SQLite alike.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_FIXED = ("user_id", "role", "street_id", "community_id", "organization_id",
          "granted_by_id", "granted_at")


def _changed(old, new):
    return " OR ".join(f"{old}.{c} IS DISTINCT FROM {new}.{c}" for c in _FIXED)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION role_grants_append_only() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    RAISE EXCEPTION 'role_grants is append-only (DELETE refused)';
                END IF;
                IF {_changed('OLD', 'NEW')}
                   OR (OLD.revoked_at IS NOT NULL AND (
                       NEW.revoked_at IS DISTINCT FROM OLD.revoked_at
                       OR NEW.revoked_by_id IS DISTINCT FROM OLD.revoked_by_id))
                THEN
                    RAISE EXCEPTION 'role_grants is append-only (UPDATE refused)';
                END IF;
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER role_grants_append_only "
            "BEFORE UPDATE OR DELETE ON role_grants "
            "FOR EACH ROW EXECUTE FUNCTION role_grants_append_only()"
        )
    else:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _FIXED)
        op.execute(
            "CREATE TRIGGER role_grants_no_delete BEFORE DELETE ON role_grants "
            "BEGIN SELECT RAISE(ABORT, 'role_grants is append-only'); END"
        )
        op.execute(
            "CREATE TRIGGER role_grants_no_rewrite BEFORE UPDATE ON role_grants "
            f"WHEN {changed} OR (OLD.revoked_at IS NOT NULL AND "
            "(NEW.revoked_at IS NOT OLD.revoked_at "
            "OR NEW.revoked_by_id IS NOT OLD.revoked_by_id)) "
            "BEGIN SELECT RAISE(ABORT, 'role_grants is append-only'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER role_grants_append_only ON role_grants")
        op.execute("DROP FUNCTION role_grants_append_only()")
    else:
        op.execute("DROP TRIGGER role_grants_no_delete")
        op.execute("DROP TRIGGER role_grants_no_rewrite")
