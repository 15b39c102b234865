"""sections officers shape: each bulletin's sections have a kind, a title and a place in
its order, and a story's picture (stored once, never changed) with alt text and caption;
headline measures are kept by the measure's code, not its name

Every bulletin gets the sections it had before, in the order it printed them: welcome,
strategy, governance and leadership, "You said, we did", then the SEF's five outcomes.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 14:10:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

KINDS = ('text', 'outcome', 'story', 'table', 'you-said', 'co-production', 'involved', 'next')
# The sections every bulletin had before officers shaped them, in their printed order.
BEFORE = [
    ('welcome', 'text'),
    ('strategy', 'text'),
    ('governance', 'text'),
    ('you-said', 'you-said'),
    *((f'outcome-{n}', 'outcome') for n in range(1, 6)),
]


def upgrade():
    op.create_table('bulletin_picture',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_picture'))
    )
    with op.batch_alter_table('bulletin_section', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='text', nullable=False))
        batch_op.add_column(sa.Column('position', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('picture_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('picture_alt', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('caption', sa.String(length=300), server_default='', nullable=False))
        batch_op.create_foreign_key(
            batch_op.f('fk_bulletin_section_picture_id_bulletin_picture'),
            'bulletin_picture', ['picture_id'], ['id'], ondelete='SET NULL',
        )
        batch_op.create_check_constraint(
            op.f('ck_bulletin_section_kind'), 'kind IN (' + ', '.join(f"'{k}'" for k in KINDS) + ')'
        )

    connection = op.get_bind()
    section = sa.table(
        'bulletin_section',
        sa.column('id', sa.Integer), sa.column('bulletin_id', sa.Integer),
        sa.column('key', sa.String), sa.column('kind', sa.String),
        sa.column('position', sa.Integer), sa.column('body', sa.Text),
        sa.column('stories', sa.Text), sa.column('easy_read', sa.Text),
        sa.column('headline_measures', sa.Text), sa.column('updated_at', sa.DateTime),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    place = {key: (position, kind) for position, (key, kind) in enumerate(BEFORE)}
    stored = connection.execute(sa.select(section.c.id, section.c.bulletin_id, section.c.key)).all()
    have = {(row.bulletin_id, row.key) for row in stored}
    for row in stored:
        position, kind = place.get(row.key, (len(BEFORE), 'text'))
        connection.execute(
            section.update().where(section.c.id == row.id).values(kind=kind, position=position)
        )
    for (bulletin_id,) in connection.execute(sa.text('SELECT id FROM bulletin')).all():
        missing = [
            {'bulletin_id': bulletin_id, 'key': key, 'kind': kind, 'position': position,
             'body': '', 'stories': '', 'easy_read': '', 'headline_measures': '',
             'updated_at': now}
            for position, (key, kind) in enumerate(BEFORE)
            if (bulletin_id, key) not in have
        ]
        if missing:
            connection.execute(section.insert(), missing)

    # Headline measures by code: each name picked becomes its measure's code.
    indicator = sa.table(
        'indicator', sa.column('code', sa.String), sa.column('name', sa.String),
        sa.column('outcome', sa.Integer),
    )
    codes = {
        (row.outcome, row.name): row.code
        for row in connection.execute(sa.select(indicator.c.code, indicator.c.name, indicator.c.outcome))
    }
    chosen = connection.execute(
        sa.select(section.c.id, section.c.key, section.c.headline_measures)
        .where(section.c.headline_measures != '')
    ).all()
    for row in chosen:
        outcome = int(row.key.removeprefix('outcome-')) if row.key.startswith('outcome-') else None
        lines = [codes.get((outcome, name), name) for name in row.headline_measures.splitlines()]
        connection.execute(
            section.update().where(section.c.id == row.id).values(headline_measures='\n'.join(lines))
        )


def downgrade():
    connection = op.get_bind()
    section = sa.table(
        'bulletin_section', sa.column('id', sa.Integer), sa.column('key', sa.String),
        sa.column('kind', sa.String), sa.column('headline_measures', sa.Text),
    )
    indicator = sa.table('indicator', sa.column('code', sa.String), sa.column('name', sa.String))
    names = dict(connection.execute(sa.select(indicator.c.code, indicator.c.name)).all())
    for row in connection.execute(
        sa.select(section.c.id, section.c.headline_measures).where(section.c.headline_measures != '')
    ).all():
        lines = [names.get(code, code) for code in row.headline_measures.splitlines()]
        connection.execute(
            section.update().where(section.c.id == row.id).values(headline_measures='\n'.join(lines))
        )
    # Sections of the kinds that did not exist before go (their words with them).
    connection.execute(
        section.delete().where(section.c.kind.notin_(['text', 'outcome']))
    )
    with op.batch_alter_table('bulletin_section', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_bulletin_section_kind'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_bulletin_section_picture_id_bulletin_picture'), type_='foreignkey'
        )
        batch_op.drop_column('caption')
        batch_op.drop_column('picture_alt')
        batch_op.drop_column('picture_id')
        batch_op.drop_column('title')
        batch_op.drop_column('position')
        batch_op.drop_column('kind')

    op.drop_table('bulletin_picture')
