"""check-in, hours ledger and certificates

Attendance cycles, hour records (confirmed ones final: triggers refuse UPDATE and
DELETE of a confirmed row, on PostgreSQL and SQLite alike, as the ORM does),
disputes and issued certificates.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 07:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _confirmed_records_are_final():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION hour_records_confirmed_final() RETURNS trigger AS $$
            BEGIN
                IF OLD.state = 'confirmed' THEN
                    RAISE EXCEPTION 'confirmed hour record % is final (% refused)',
                        OLD.id, TG_OP;
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER hour_records_confirmed_final "
            "BEFORE UPDATE OR DELETE ON hour_records "
            "FOR EACH ROW EXECUTE FUNCTION hour_records_confirmed_final()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER hour_records_final_{action.lower()} "
                f"BEFORE {action} ON hour_records WHEN OLD.state = 'confirmed' "
                "BEGIN SELECT RAISE(ABORT, 'confirmed hour records are final'); END"
            )


def _drop_final_guard():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER hour_records_confirmed_final ON hour_records")
        op.execute("DROP FUNCTION hour_records_confirmed_final()")
    else:
        op.execute("DROP TRIGGER hour_records_final_update")
        op.execute("DROP TRIGGER hour_records_final_delete")


def upgrade():
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('total_minutes', sa.Integer(), nullable=False),
    sa.Column('record_ids', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
    sa.UniqueConstraint('number', name=op.f('uq_certificates_number'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_user_id'), ['user_id'], unique=False)

    op.create_table('attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('in_method', sa.String(length=12), nullable=False),
    sa.Column('out_method', sa.String(length=12), nullable=True),
    sa.Column('in_slot', sa.Integer(), nullable=True),
    sa.Column('out_slot', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_attendances_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_attendances_shift_id_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attendances_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances'))
    )
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.create_index('ix_attendances_shift_user', ['shift_id', 'user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendances_user_id'), ['user_id'], unique=False)

    op.create_table('hour_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('adjusts_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('counts_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'adjustment' OR minutes >= 0", name=op.f('ck_hour_records_only_adjustments_negative')),
    sa.ForeignKeyConstraint(['adjusts_id'], ['hour_records.id'], name=op.f('fk_hour_records_adjusts_id_hour_records')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_hour_records_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_hour_records_created_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_hour_records_organization_id_organizations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_hour_records_project_id_projects')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_hour_records_shift_id_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_hour_records_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hour_records')),
    sa.UniqueConstraint('shift_id', 'user_id', name=op.f('uq_hour_records_shift_id_user_id'))
    )
    with op.batch_alter_table('hour_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hour_records_adjusts_id'), ['adjusts_id'], unique=False)
        batch_op.create_index('ix_hour_records_org_state', ['organization_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_hour_records_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_hour_records_user_state', ['user_id', 'state', 'served_on'], unique=False)

    op.create_table('hour_disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('adjustment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adjustment_id'], ['hour_records.id'], name=op.f('fk_hour_disputes_adjustment_id_hour_records')),
    sa.ForeignKeyConstraint(['record_id'], ['hour_records.id'], name=op.f('fk_hour_disputes_record_id_hour_records')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_hour_disputes_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_hour_disputes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hour_disputes'))
    )
    with op.batch_alter_table('hour_disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hour_disputes_record_id'), ['record_id'], unique=False)

    _confirmed_records_are_final()


def downgrade():
    _drop_final_guard()
    with op.batch_alter_table('hour_disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hour_disputes_record_id'))

    op.drop_table('hour_disputes')
    with op.batch_alter_table('hour_records', schema=None) as batch_op:
        batch_op.drop_index('ix_hour_records_user_state')
        batch_op.drop_index(batch_op.f('ix_hour_records_project_id'))
        batch_op.drop_index('ix_hour_records_org_state')
        batch_op.drop_index(batch_op.f('ix_hour_records_adjusts_id'))

    op.drop_table('hour_records')
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendances_user_id'))
        batch_op.drop_index('ix_attendances_shift_user')

    op.drop_table('attendances')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_user_id'))

    op.drop_table('certificates')
