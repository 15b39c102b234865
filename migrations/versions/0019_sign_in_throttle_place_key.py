"""each e-mail-and-address sign-in counter names its address's counter, so that an admin's
unlock clears the address's lock too

Revision ID: 0019
Revises: 0011
Create Date: 2026-12-06 11:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_column('place_key')
