"""organization name keys ignore full-width and half-width forms (NFKC)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:00:00

The key that keeps names unique in the district is recomputed with NFKC, so
（二期） and (二期) are one name. Should two live filings already collide under
the new key, the later keeps its old key (they were accepted before this rule;
a reviewer can see both).
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

organizations = sa.table(
    'organizations',
    sa.column('id', sa.Integer),
    sa.column('name', sa.String),
    sa.column('name_key', sa.String),
    sa.column('filing_state', sa.String),
)


def _key(name, nfkc):
    text = unicodedata.normalize("NFKC", name) if nfkc else name
    return "".join(text.split()).casefold()


def _recompute(nfkc):
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            organizations.c.id, organizations.c.name, organizations.c.filing_state
        ).order_by(organizations.c.id)
    ).all()
    taken = set()
    for row in rows:
        key = _key(row.name, nfkc)
        live = row.filing_state != 'rejected'
        if live and key in taken:
            continue  # an older live filing holds it: keep this one's old key
        if live:
            taken.add(key)
        connection.execute(
            organizations.update()
            .where(organizations.c.id == row.id)
            .values(name_key=key)
        )


def upgrade():
    _recompute(nfkc=True)


def downgrade():
    _recompute(nfkc=False)
