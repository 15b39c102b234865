"""a job's file is kept in parts of a mebibyte, so a download streams it

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 14:05:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

PART_SIZE = 1 << 20


def upgrade():
    parts = op.create_table(
        "job_file_part",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["job_file.job_id"],
            name=op.f("fk_job_file_part_job_id_job_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "number", name=op.f("pk_job_file_part")),
    )
    connection = op.get_bind()
    files = sa.table(
        "job_file", sa.column("job_id", sa.Integer), sa.column("content", sa.LargeBinary)
    )
    for job_id in connection.scalars(sa.select(files.c.job_id)).all():
        content = connection.scalar(sa.select(files.c.content).where(files.c.job_id == job_id))
        connection.execute(
            parts.insert(),
            [
                {"job_id": job_id, "number": number, "content": content[start : start + PART_SIZE]}
                for number, start in enumerate(range(0, max(len(content), 1), PART_SIZE))
            ],
        )
    with op.batch_alter_table("job_file", schema=None) as batch_op:
        batch_op.drop_column("content")


def downgrade():
    with op.batch_alter_table("job_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    files = sa.table(
        "job_file", sa.column("job_id", sa.Integer), sa.column("content", sa.LargeBinary)
    )
    parts = sa.table(
        "job_file_part",
        sa.column("job_id", sa.Integer),
        sa.column("number", sa.Integer),
        sa.column("content", sa.LargeBinary),
    )
    for job_id in connection.scalars(sa.select(files.c.job_id)).all():
        content = b"".join(
            connection.scalars(
                sa.select(parts.c.content).where(parts.c.job_id == job_id).order_by(parts.c.number)
            )
        )
        connection.execute(files.update().where(files.c.job_id == job_id).values(content=content))
    op.drop_table("job_file_part")
    with op.batch_alter_table("job_file", schema=None) as batch_op:
        batch_op.alter_column("content", nullable=False)
