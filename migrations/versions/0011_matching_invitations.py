"""matching invitations

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 07:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shift_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_shift_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_shift_invitations_shift_id_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_shift_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_invitations')),
    sa.UniqueConstraint('shift_id', 'user_id', name=op.f('uq_shift_invitations_shift_id_user_id'))
    )
    with op.batch_alter_table('shift_invitations', schema=None) as batch_op:
        batch_op.create_index('ix_shift_invitations_user_created', ['user_id', 'created_at'], unique=False)

    # "For you": a street's recruiting projects, then each one's shifts in a window.
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index('ix_shifts_project_state_starts', ['project_id', 'state', 'starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index('ix_shifts_project_state_starts')

    with op.batch_alter_table('shift_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_shift_invitations_user_created')

    op.drop_table('shift_invitations')
