"""response channel (online, paper, phone, with help), in the tally too; printed paper copies

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TALLY_KEY = ['survey_slug', 'question_id', 'kind', 'key', 'filled_by', 'month']


def upgrade():
    # Every response so far came in through the respondent's own pages.
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='online', nullable=False))

    # The tally's key gains the channel; existing rows are all online.
    with op.batch_alter_table('answer_tally', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='online', nullable=False))
        batch_op.drop_constraint('pk_answer_tally', type_='primary')
        batch_op.create_primary_key('pk_answer_tally', [*TALLY_KEY[:5], 'channel', 'month'])

    op.create_table('paper_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('large_print', sa.Boolean(), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_paper_batch_survey_id_survey')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_batch'))
    )
    with op.batch_alter_table('paper_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_batch_survey_id'), ['survey_id'], unique=False)

    op.create_table('paper_copy',
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['paper_batch.id'], name=op.f('fk_paper_copy_batch_id_paper_batch')),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_paper_copy_response_id_response'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('reference', name=op.f('pk_paper_copy')),
    sa.UniqueConstraint('response_id', name=op.f('uq_paper_copy_response_id'))
    )
    with op.batch_alter_table('paper_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_copy_batch_id'), ['batch_id'], unique=False)


def downgrade():
    with op.batch_alter_table('paper_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_copy_batch_id'))
    op.drop_table('paper_copy')
    with op.batch_alter_table('paper_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_batch_survey_id'))
    op.drop_table('paper_batch')

    # Fold the channels back together before the key loses them.
    op.execute(
        "CREATE TABLE answer_tally_folded AS SELECT survey_slug, question_id, kind, key, filled_by,"
        " month, SUM(count) AS count FROM answer_tally"
        " GROUP BY survey_slug, question_id, kind, key, filled_by, month"
    )
    op.execute("DELETE FROM answer_tally")
    with op.batch_alter_table('answer_tally', schema=None) as batch_op:
        batch_op.drop_constraint('pk_answer_tally', type_='primary')
        batch_op.drop_column('channel')
        batch_op.create_primary_key('pk_answer_tally', TALLY_KEY)
    op.execute(
        "INSERT INTO answer_tally (survey_slug, question_id, kind, key, filled_by, month, count)"
        " SELECT survey_slug, question_id, kind, key, filled_by, month, count"
        " FROM answer_tally_folded"
    )
    op.execute("DROP TABLE answer_tally_folded")

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('channel')
