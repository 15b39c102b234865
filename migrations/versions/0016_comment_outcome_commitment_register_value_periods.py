"""a comment's SEF outcome; the commitments register; indicator periods' end and EES markers

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-06 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.Integer(), nullable=True))

    op.create_table('you_said',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_you_said'))
    )
    op.create_table('we_did',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('you_said_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'in-progress', 'done', 'dropped')", name=op.f('ck_we_did_status')),
    sa.ForeignKeyConstraint(['you_said_id'], ['you_said.id'], name=op.f('fk_we_did_you_said_id_you_said'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_we_did'))
    )
    with op.batch_alter_table('we_did', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_we_did_you_said_id'), ['you_said_id'], unique=False)

    op.create_table('you_said_theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('you_said_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['you_said_id'], ['you_said.id'], name=op.f('fk_you_said_theme_you_said_id_you_said'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_you_said_theme')),
    sa.UniqueConstraint('you_said_id', 'theme', name=op.f('uq_you_said_theme_you_said_id_theme'))
    )
    op.create_table('we_did_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('we_did_id', sa.Integer(), nullable=False),
    sa.Column('term_name', sa.String(length=40), nullable=False),
    sa.Column('term_starts_on', sa.Date(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'in-progress', 'done', 'dropped')", name=op.f('ck_we_did_change_status')),
    sa.ForeignKeyConstraint(['we_did_id'], ['we_did.id'], name=op.f('fk_we_did_change_we_did_id_we_did'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_we_did_change'))
    )
    with op.batch_alter_table('we_did_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_we_did_change_we_did_id'), ['we_did_id'], unique=False)

    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_end', sa.Date(), nullable=True))
        batch_op.alter_column('value_marker',
               existing_type=sa.VARCHAR(length=1),
               type_=sa.String(length=4),
               existing_nullable=True)
        batch_op.alter_column('england_marker',
               existing_type=sa.VARCHAR(length=1),
               type_=sa.String(length=4),
               existing_nullable=True)

    with op.batch_alter_table('indicator_value_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('old_period_end', sa.Date(), nullable=True))
        batch_op.alter_column('old_value_marker',
               existing_type=sa.VARCHAR(length=1),
               type_=sa.String(length=4),
               existing_nullable=True)
        batch_op.alter_column('old_england_marker',
               existing_type=sa.VARCHAR(length=1),
               type_=sa.String(length=4),
               existing_nullable=True)



def downgrade():
    with op.batch_alter_table('indicator_value_history', schema=None) as batch_op:
        batch_op.alter_column('old_england_marker',
               existing_type=sa.String(length=4),
               type_=sa.VARCHAR(length=1),
               existing_nullable=True)
        batch_op.alter_column('old_value_marker',
               existing_type=sa.String(length=4),
               type_=sa.VARCHAR(length=1),
               existing_nullable=True)
        batch_op.drop_column('old_period_end')

    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.alter_column('england_marker',
               existing_type=sa.String(length=4),
               type_=sa.VARCHAR(length=1),
               existing_nullable=True)
        batch_op.alter_column('value_marker',
               existing_type=sa.String(length=4),
               type_=sa.VARCHAR(length=1),
               existing_nullable=True)
        batch_op.drop_column('period_end')

    with op.batch_alter_table('we_did_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_we_did_change_we_did_id'))

    op.drop_table('we_did_change')
    op.drop_table('you_said_theme')
    with op.batch_alter_table('we_did', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_we_did_you_said_id'))

    op.drop_table('we_did')
    op.drop_table('you_said')

    with op.batch_alter_table('comment_review', schema=None) as batch_op:
        batch_op.drop_column('outcome')
