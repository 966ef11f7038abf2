"""bench indexes

Indexes the city-scale benchmark (make bench, docs/benchmarks.md) showed missing:
the street dashboard's hours by month and active volunteers. Declared in
hub/models/indexes.py.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 08:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index('ix_projects_street_id_id', ['street_id', 'id'], unique=False)
    with op.batch_alter_table('hour_records', schema=None) as batch_op:
        batch_op.create_index('ix_hour_records_project_state_served', ['project_id', 'state', 'served_on'], unique=False)
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index('ix_shifts_project_starts', ['project_id', 'starts_at'], unique=False)
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.create_index('ix_signups_shift_state_user', ['shift_id', 'state', 'user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_index('ix_signups_shift_state_user')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index('ix_shifts_project_starts')
    with op.batch_alter_table('hour_records', schema=None) as batch_op:
        batch_op.drop_index('ix_hour_records_project_state_served')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_street_id_id')
