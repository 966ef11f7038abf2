"""hours integrity: check-ins sent later wait for the staff's check

Attendance cycles get ``verification`` (live, pending, vouched, refused) and who
reviewed them when. Cycles opened from an offline phone before this migration are
set to pending: their time counts once someone on the shift's staff confirms it
(records already confirmed are final and do not change).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification', sa.String(length=12), nullable=False, server_default='live'))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attendances_reviewed_by_id_users'), 'users', ['reviewed_by_id'], ['id'])

    op.execute(
        "UPDATE attendances SET verification = 'pending' WHERE in_method = 'offline'"
    )


def downgrade():
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attendances_reviewed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('verification')
