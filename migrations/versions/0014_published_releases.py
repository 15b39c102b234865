"""published releases (a versioned record per term) and published bulletins' words

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06 10:50:00

Terms shown before this migration stay drafts (computed live) until an officer publishes
them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term_name', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=254), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_release')),
    sa.UniqueConstraint('term_name', 'version', name=op.f('uq_published_release_term_name_version'))
    )
    with op.batch_alter_table('published_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_release_term_name'), ['term_name'], unique=False)

    op.create_table('published_bulletin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=254), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletin.id'], name=op.f('fk_published_bulletin_bulletin_id_bulletin'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_bulletin')),
    sa.UniqueConstraint('bulletin_id', name=op.f('uq_published_bulletin_bulletin_id'))
    )


def downgrade():
    op.drop_table('published_bulletin')
    with op.batch_alter_table('published_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_release_term_name'))

    op.drop_table('published_release')
