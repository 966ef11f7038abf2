"""a need's grid is optional; a consent may be given with a social worker's help

A resident who does not know their grid raises the need in their community (the
community's social workers triage it as before). A person registered at a
community centre by a social worker (协助注册) gives their own consent on the
worker's phone: the consent says who assisted.

Revision ID: 0018
Revises: 0017
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_needs', schema=None) as batch_op:
        batch_op.alter_column('grid_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assisted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_consents_assisted_by_id_users'),
            'users',
            ['assisted_by_id'],
            ['id'],
        )


def downgrade():
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_consents_assisted_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('assisted_by_id')
    # Needs raised without a grid cannot go back to a required grid: refuse
    # rather than guess one.
    bind = op.get_bind()
    missing = bind.execute(
        sa.text('SELECT count(*) FROM service_needs WHERE grid_id IS NULL')
    ).scalar()
    if missing:
        raise RuntimeError(
            f'{missing} needs have no grid; give them one before downgrading'
        )
    with op.batch_alter_table('service_needs', schema=None) as batch_op:
        batch_op.alter_column('grid_id', existing_type=sa.Integer(), nullable=False)
