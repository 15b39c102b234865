"""officers' choices per bulletin: the figures appendix in or out, each outcome's headline
measures; the partnership's name comes from its look, so a bulletin no longer has an author

Revision ID: 0020
Revises: 0015
Create Date: 2026-12-06 11:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('figures_in_full', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.drop_column('author')

    with op.batch_alter_table('bulletin_section', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('headline_measures', sa.Text(), server_default='', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('bulletin_section', schema=None) as batch_op:
        batch_op.drop_column('headline_measures')

    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('author', sa.String(length=200), server_default='', nullable=False)
        )
        batch_op.drop_column('figures_in_full')
