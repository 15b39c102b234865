"""an index on when each response was sent: the first and last response sent (the terms the
feedback tab lists) are read from it at once, not by reading every response

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 14:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_submitted_at', ['submitted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_submitted_at')
