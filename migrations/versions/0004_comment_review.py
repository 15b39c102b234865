"""comment review: officers' moderation of free-text answers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comment_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('redacted_text', sa.Text(), nullable=False),
    sa.Column('theme', sa.String(length=80), nullable=False),
    sa.Column('principle', sa.String(length=80), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('approved', 'rejected')", name=op.f('ck_comment_review_status')),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_comment_review_answer_id_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_comment_review_reviewer_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_review')),
    sa.UniqueConstraint('answer_id', name=op.f('uq_comment_review_answer_id'))
    )


def downgrade():
    op.drop_table('comment_review')
