"""staff sessions, sign-in throttle, disabled accounts; response holder token, source hash and
set-aside batches

Revision ID: 0012
Revises: 0005
Create Date: 2026-11-30 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('ended_because', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_session_token_hash'))
    )
    op.create_index(op.f('ix_staff_session_user_id'), 'staff_session', ['user_id'], unique=False)
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_sign_in_throttle_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    op.create_index(op.f('ix_sign_in_throttle_user_id'), 'sign_in_throttle', ['user_id'], unique=False)
    op.create_table('set_aside_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_hash', sa.String(length=32), nullable=False),
    sa.Column('first_sent_at', sa.DateTime(), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_aside_at', sa.DateTime(), nullable=False),
    sa.Column('set_aside_by', sa.String(length=254), nullable=False),
    sa.Column('restored_at', sa.DateTime(), nullable=True),
    sa.Column('restored_by', sa.String(length=254), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_set_aside_batch'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('locked_until')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('source_hash', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('set_aside_batch_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_response_source_submitted', ['source_hash', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_set_aside_batch_id'), ['set_aside_batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_response_set_aside_batch_id_set_aside_batch'), 'set_aside_batch', ['set_aside_batch_id'], ['id'])


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_response_set_aside_batch_id_set_aside_batch'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_response_set_aside_batch_id'))
        batch_op.drop_index('ix_response_source_submitted')
        batch_op.drop_column('set_aside_batch_id')
        batch_op.drop_column('source_hash')
        batch_op.drop_column('holder_token_hash')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('disabled_at')
    op.drop_table('set_aside_batch')
    op.drop_index(op.f('ix_sign_in_throttle_user_id'), table_name='sign_in_throttle')
    op.drop_table('sign_in_throttle')
    op.drop_index(op.f('ix_staff_session_user_id'), table_name='staff_session')
    op.drop_table('staff_session')
