"""The sections officers shape, per bulletin: which there are, in what order, under what
title, and a story's picture. A new term's bulletin starts as a copy of the last one's
sections (their kinds, titles, order and headline measures; not their words), or the first
bulletin from TEMPLATE.

Each kind holds officers' words (Markdown) and adds its own part when the bulletin is
rendered (content.py):

- text: the words alone (welcome, strategy, governance and leadership, ...);
- outcome: one SEF outcome: words, headline measures, families' feedback and charts, what
  is working;
- story: good practice: words and a picture (alt text required) with a caption;
- table: words around at least one table (`| a | b |` lines);
- you-said: "You said, we did", from the commitments register;
- co-production: words and how many families took part this term, by how they answered;
- involved: how to get involved, and when the next surveys are;
- next: every section's "In the next bulletin" lines, gathered in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from ..auth import audit
from ..extensions import db
from ..models import SECTION_KINDS, Bulletin, BulletinPicture, BulletinSection, Commitment
from ..surveys.versions import charter
from .brand import BrandError, picture_type
from .markdown import clean, parse
from .words import previous_bulletin

MAX_PICTURE_BYTES = 1024 * 1024  # a section's picture: a photograph at print size fits
TITLE_LENGTH = 200
ALT_LENGTH = CAPTION_LENGTH = 300

# What officers choose from when they add a section, in words.
KIND_NAMES = {
    "text": "Text: your words, with headings, lists and links",
    "story": "A story of good practice, with a picture",
    "table": "A table, with words around it",
    "you-said": "You said, we did: the commitments register",
    "co-production": "Co-production and how many families took part",
    "involved": "How to get involved",
    "next": "In the next bulletin: every section's lines in one place",
}
# Each kind in a word or two, on the list of a bulletin's sections.
KIND_SHORT = {
    "text": "Text",
    "outcome": "SEF outcome",
    "story": "Story with a picture",
    "table": "Table",
    "you-said": "You said, we did",
    "co-production": "Co-production",
    "involved": "How to get involved",
    "next": "In the next bulletin",
}
# What officers write in each kind, beside what sefvoice adds.
BODY_HINTS = {
    "text": "Your words for this part of the bulletin.",
    "outcome": "The figures, charts and comments for this part are added for you.",
    "story": "The story: what was done, for whom, and what changed.",
    "table": (
        "Words around the table, and the table: a header row like | Quarter | Visits |, a"
        " rule line like |---|--:| (--: puts that column's numbers on the right), then a"
        " row for each line of figures."
    ),
    "you-said": (
        "Words before the table of what families told us and what we did, which is added"
        " for you from the commitments register."
    ),
    "co-production": (
        "How you work with families and young people. How many took part this term, and"
        " how they answered, is added for you."
    ),
    "involved": (
        "How families and young people can take part, and who to contact. The ways to take"
        " part in the surveys are added for you."
    ),
    "next": (
        "Words before the list of every section's “In the next bulletin” lines, which is"
        " added for you."
    ),
}
# A section's title until officers give it one.
KIND_TITLES = {
    "text": "Update",
    "story": "What is working",
    "table": "In figures",
    "you-said": "You said, we did",
    "co-production": "Co-production",
    "involved": "How to get involved",
    "next": "In the next bulletin",
}
# The first bulletin's sections (later ones copy the one before); then each SEF outcome.
TEMPLATE = [
    ("welcome", "text", "Welcome"),
    ("strategy", "text", "Our SEND strategy"),
    ("governance", "text", "Governance and leadership"),
    ("you-said", "you-said", ""),
]
EARLIER_TITLES = {key: title for key, _, title in TEMPLATE}  # sections from before titles


class SectionError(ValueError):
    pass


@dataclass(frozen=True)
class Loss:
    """What removing a section takes with it, for the officer to confirm."""

    characters: int
    commitments: list[str]
    carried_on: int  # of those, lines a later bulletin reports progress on
    picture: bool
    headline: int


def outcome_number(key: str) -> int | None:
    return int(key.removeprefix("outcome-")) if key.startswith("outcome-") else None


def default_title(key: str, kind: str, outcome_names: dict[int, str] | None = None) -> str:
    """A section's title when officers have not given one."""
    if kind == "outcome":
        number = outcome_number(key)
        names = outcome_names if outcome_names is not None else _outcome_names()
        return f"Outcome {number}: {names.get(number, 'an SEF outcome')}"
    return EARLIER_TITLES.get(key) or KIND_TITLES.get(kind, "Update")


def title_of(section, outcome_names: dict[int, str] | None = None) -> str:
    return section.title or default_title(section.key, section.kind, outcome_names)


def _outcome_names() -> dict[int, str]:
    return {o.number: o.name for o in charter().outcomes.values()}


def missing_outcomes(bulletin: Bulletin) -> dict[int, str]:
    """The SEF outcomes the bulletin has no section for (officers may add them back)."""
    have = {outcome_number(s.key) for s in bulletin.sections if s.kind == "outcome"}
    return {n: name for n, name in _outcome_names().items() if n not in have}


def _renumber(bulletin: Bulletin) -> None:
    for position, section in enumerate(sorted(bulletin.sections, key=_order)):
        section.position = position


def _order(section: BulletinSection) -> tuple[int, int]:
    return section.position, section.id or 0


def start_sections(bulletin: Bulletin) -> None:
    """A new bulletin's sections: the last bulletin's (kinds, titles, order, headline
    measures and a story's picture; not the words), or TEMPLATE and every SEF outcome for
    the first. Does not commit."""
    previous = previous_bulletin(bulletin.starts_on)
    if previous is not None and previous.sections:
        for section in sorted(previous.sections, key=_order):
            bulletin.sections.append(
                BulletinSection(
                    key=section.key,
                    kind=section.kind,
                    title=section.title,
                    position=section.position,
                    headline_measures=section.headline_measures,
                )
            )
    else:
        rows = [(key, kind, title) for key, kind, title in TEMPLATE]
        rows += [(f"outcome-{n}", "outcome", "") for n in sorted(_outcome_names())]
        for position, (key, kind, title) in enumerate(rows):
            bulletin.sections.append(
                BulletinSection(key=key, kind=kind, title=title, position=position)
            )
    db.session.flush()


def section_row(bulletin: Bulletin, key: str) -> BulletinSection | None:
    return next((s for s in bulletin.sections if s.key == key), None)


def _new_key(bulletin: Bulletin, kind: str) -> str:
    used = {s.key for s in bulletin.sections}
    return next(f"{kind}-{n}" for n in range(1, len(used) + 2) if f"{kind}-{n}" not in used)


def add_section(
    bulletin: Bulletin,
    kind: str,
    title: str = "",
    outcome: int | None = None,
    key: str | None = None,
    actor: str | None = None,
) -> BulletinSection:
    """A new, empty section at the end of the bulletin. An outcome section is for one of the
    SEF outcomes the bulletin has none for."""
    title = clean(title).strip()
    if kind == "outcome":
        if outcome not in missing_outcomes(bulletin):
            raise SectionError("Choose an SEF outcome this bulletin has no section for.")
        key = f"outcome-{outcome}"
    elif kind not in SECTION_KINDS:
        raise SectionError("Choose what kind of section to add.")
    if len(title) > TITLE_LENGTH:
        raise SectionError(f"Keep the title to {TITLE_LENGTH} characters or fewer.")
    key = key or _new_key(bulletin, kind)
    if section_row(bulletin, key) is not None:
        raise SectionError(f"The bulletin has a section {key!r} already.")
    last = max((s.position for s in bulletin.sections), default=-1)
    section = BulletinSection(key=key, kind=kind, title=title, position=last + 1)
    bulletin.sections.append(section)
    db.session.flush()
    audit.record(
        "edit bulletin", f"{bulletin.term_name}: added {title_of(section)} ({kind})", actor=actor
    )
    return section


def losses(bulletin: Bulletin, section: BulletinSection) -> Loss:
    """What would go with the section: its words, lines, picture and headline measures."""
    lines = [c for c in bulletin.commitments if c.section == section.key and not c.carried_from_id]
    carried_on = db.session.scalar(
        select(func.count(Commitment.id)).where(
            Commitment.carried_from_id.in_([c.id for c in lines]), Commitment.status.is_not(None)
        )
    )
    return Loss(
        characters=len(section.body.strip()) + len(section.stories.strip()),
        commitments=[c.text for c in lines],
        carried_on=carried_on or 0,
        picture=section.picture_id is not None,
        headline=len(section.headline_measures.splitlines()),
    )


def remove_section(bulletin: Bulletin, key: str, actor: str | None = None) -> str:
    """Take the section out of the bulletin with its words and "In the next bulletin" lines
    (so the next bulletin no longer reports on them). Returns its title."""
    section = section_row(bulletin, key)
    if section is None:
        raise SectionError("That section is not in this bulletin.")
    title, loss = title_of(section), losses(bulletin, section)
    db.session.execute(
        delete(Commitment).where(
            Commitment.bulletin_id == bulletin.id,
            Commitment.section == key,
            Commitment.carried_from_id.is_(None),
        )
    )
    # ON DELETE CASCADE took the later bulletin's carried copies: read them afresh.
    for row in db.session.identity_map.values():
        if isinstance(row, Commitment | Bulletin):
            db.session.expire(row)
    bulletin.sections.remove(section)
    db.session.flush()
    _renumber(bulletin)
    audit.record(
        "edit bulletin",
        f"{bulletin.term_name}: removed {title} ({loss.characters} characters,"
        f" {len(loss.commitments)} commitments)",
        actor=actor,
    )
    return title


def move_section(bulletin: Bulletin, key: str, step: int, actor: str | None = None) -> None:
    """Move a section one place up (step -1) or down (+1); at either end it stays."""
    ordered = sorted(bulletin.sections, key=_order)
    index = next((i for i, s in enumerate(ordered) if s.key == key), None)
    if index is None:
        raise SectionError("That section is not in this bulletin.")
    moved = ordered[index]
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, section in enumerate(ordered):
        section.position = position
    db.session.flush()
    where = "down" if step > 0 else "up"
    audit.record(
        "edit bulletin", f"{bulletin.term_name}: moved {title_of(moved)} {where}", actor=actor
    )


def store_picture(data: bytes) -> BulletinPicture:
    """A section's picture, checked like the logo (type by content, size, what drawing it
    costs): SectionError saying what is wrong. Does not commit."""
    try:
        kind = picture_type(data, "picture", MAX_PICTURE_BYTES)
    except BrandError as error:
        raise SectionError("; ".join(error.problems)) from None
    picture = BulletinPicture(data=data, kind=kind)
    db.session.add(picture)
    db.session.flush()
    return picture


def picture_of(picture_id: int | None) -> BulletinPicture | None:
    return db.session.get(BulletinPicture, picture_id) if picture_id else None


def shape_problems(
    kind: str, title: str, body: str, picture: bool, alt: str, caption: str
) -> list[tuple[str, str]]:
    """Why a section's title, words and picture cannot be saved as they are: (the form
    field, the problem in words) each; nothing is saved unless there are none."""
    problems = []
    if len(clean(title).strip()) > TITLE_LENGTH:
        problems.append(("title", f"Keep the title to {TITLE_LENGTH} characters or fewer."))
    if kind == "story":
        if picture and not clean(alt).strip():
            problems.append(
                (
                    "alt",
                    "Say in a few words what the picture shows (its alt text), for people"
                    " who cannot see it.",
                )
            )
        if len(clean(alt).strip()) > ALT_LENGTH:
            problems.append(("alt", f"Keep the alt text to {ALT_LENGTH} characters or fewer."))
        if len(clean(caption).strip()) > CAPTION_LENGTH:
            problems.append(
                ("caption", f"Keep the caption to {CAPTION_LENGTH} characters or fewer.")
            )
    if kind == "table" and body.strip() and not any(b.kind == "table" for b in parse(body)):
        problems.append(
            (
                "body",
                "A table section needs a table: a header row like | Quarter | Visits |, a rule"
                " line like |---|--:|, then a row for each line of figures.",
            )
        )
    return problems
