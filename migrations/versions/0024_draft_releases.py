"""drafts kept in the database: a term's draft, counted and protected once, read by every
app server until the data it was counted from changes

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('draft_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term_name', sa.String(length=40), nullable=False),
    sa.Column('min_count', sa.Integer(), nullable=False),
    sa.Column('min_base', sa.Integer(), nullable=False),
    sa.Column('settings', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('counted_at', sa.DateTime(), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_release')),
    sa.UniqueConstraint('term_name', 'min_count', 'min_base', 'settings', name=op.f('uq_draft_release_term_name_min_count_min_base_settings'))
    )
    with op.batch_alter_table('draft_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_release_fingerprint'), ['fingerprint'], unique=False)


def downgrade():
    with op.batch_alter_table('draft_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_release_fingerprint'))

    op.drop_table('draft_release')
