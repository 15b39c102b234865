"""pending uploads: files waiting for their owner's confirm, in the database (not on one
app server's disk), with their expiry

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_upload',
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_pending_upload_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_pending_upload'))
    )
    op.create_index(op.f('ix_pending_upload_expires_at'), 'pending_upload', ['expires_at'], unique=False)
    op.create_table('pending_upload_file',
    sa.Column('upload_token', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['upload_token'], ['pending_upload.token'], name=op.f('fk_pending_upload_file_upload_token_pending_upload'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('upload_token', 'name', name=op.f('pk_pending_upload_file'))
    )


def downgrade():
    op.drop_table('pending_upload_file')
    op.drop_index(op.f('ix_pending_upload_expires_at'), table_name='pending_upload')
    op.drop_table('pending_upload')
