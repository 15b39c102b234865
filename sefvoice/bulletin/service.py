"""Writing bulletins, as plain functions: create one for a term, save a section and its
commitments, carry the previous bulletin's commitments forward, record their progress.

Each change commits with its audit event (audit.record commits).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import yaml
from rapidfuzz import fuzz, process, utils
from sqlalchemy import delete, select

from ..auth import audit
from ..extensions import db
from ..models import (
    COMMITMENT_STATUSES,
    Bulletin,
    Commitment,
    Indicator,
    PublishedBulletin,
)
from ..publishing import service as publishing
from ..terms import Term, calendar
from . import register
from .brand import save_look
from .content import DEFAULT_TITLE, KEY_MEASURES
from .easy_read import EasyReadError, line_problems, lines, save_commitment_line
from .markdown import clean
from .sections import (
    add_section,
    outcome_number,
    section_row,
    shape_problems,
    start_sections,
    store_picture,
    title_of,
)
from .words import freeze, previous_bulletin, published_bulletin

COMMITMENT_LENGTH = 300


class BulletinError(ValueError):
    pass


@dataclass(frozen=True)
class Shape:
    """A section's title and, for a story, its picture (a stored BulletinPicture's id, or
    None: the one it has), alt text and caption."""

    title: str = ""
    picture_id: int | None = None
    alt: str = ""
    caption: str = ""
    remove_picture: bool = False


class NotEasyRead(BulletinError):
    """A carried commitment whose words are not easy read, with no easy-read line for it."""

    def __init__(self, commitment_id: int, message: str):
        super().__init__(message)
        self.commitment_id = commitment_id


def bulletins() -> list[Bulletin]:
    """Every bulletin, newest term first."""
    return list(db.session.scalars(select(Bulletin).order_by(Bulletin.starts_on.desc())))


def bulletin_for(term: Term) -> Bulletin | None:
    return db.session.scalar(select(Bulletin).filter_by(term_name=term.name))


def _next_bulletin(bulletin: Bulletin) -> Bulletin | None:
    return db.session.scalar(
        select(Bulletin)
        .where(Bulletin.starts_on > bulletin.starts_on)
        .order_by(Bulletin.starts_on)
        .limit(1)
    )


def carry_forward(bulletin: Bulletin) -> None:
    """Make the bulletin's carried-forward list match the previous bulletin's commitments:
    add new ones, drop withdrawn ones, keep the progress already recorded. Does not commit."""
    previous = previous_bulletin(bulletin.starts_on)
    promised = [c for c in previous.commitments if not c.carried_from_id] if previous else []
    carried = {c.carried_from_id: c for c in bulletin.commitments if c.carried_from_id}
    for stale in set(carried) - {c.id for c in promised}:
        bulletin.commitments.remove(carried.pop(stale))
    for source in promised:
        row = carried.get(source.id)
        if row is None:
            row = Commitment(carried_from_id=source.id)
            bulletin.commitments.append(row)
        row.section, row.position, row.text = source.section, source.position, source.text
    db.session.flush()


def create_bulletin(term: Term, title: str = DEFAULT_TITLE, actor: str | None = None) -> Bulletin:
    """A new, empty bulletin for the term, with the previous one's commitments carried in
    (and the next one's carried list redone, if a later bulletin exists already)."""
    if bulletin_for(term):
        raise BulletinError(f"there is already a bulletin for {term.name}")
    bulletin = Bulletin(term_name=term.name, starts_on=term.starts_on, title=title)
    db.session.add(bulletin)
    db.session.flush()
    start_sections(bulletin)
    carry_forward(bulletin)
    later = _next_bulletin(bulletin)
    if later:
        carry_forward(later)
    audit.record("create bulletin", term.name, actor=actor)
    return bulletin


def save_details(
    bulletin: Bulletin, title: str, figures_in_full: bool = True, actor: str | None = None
) -> None:
    """The title, and whether "The figures in full" follows the main body."""
    bulletin.title, bulletin.figures_in_full = clean(title).strip(), figures_in_full
    appendix = "with" if figures_in_full else "without"
    audit.record(
        "edit bulletin", f"{bulletin.term_name}: title, {appendix} the figures in full", actor=actor
    )


def measure_choices(outcome: int) -> list[tuple[str, str]]:
    """The measures linked to an outcome, the choices for its headline: (code, name). The
    code is what a section keeps, so a measure given a new name stays picked."""
    found = db.session.execute(
        select(Indicator.code, Indicator.name)
        .where(Indicator.outcome == outcome)
        .order_by(Indicator.name)
    )
    return [(code, name) for code, name in found]


def commitment_lines(text: str) -> list[str]:
    """One commitment per line: blank lines, list markers and repeats dropped."""
    lines = (line.strip().removeprefix("- ").strip() for line in clean(text).splitlines())
    return list(dict.fromkeys(line for line in lines if line))


def checked_headline(bulletin: Bulletin, key: str, headline: list[str]) -> list[str]:
    """A section's headline measures (their codes) without repeats, or BulletinError: a
    section that is not the bulletin's, headline measures for a section that is not an
    outcome, a code that is not one of the outcome's measures, or more than KEY_MEASURES."""
    section = section_row(bulletin, key)
    if section is None:
        raise BulletinError(f"{key!r} is not a bulletin section of {bulletin.term_name}")
    headline = list(dict.fromkeys(headline))
    if headline and section.kind != "outcome":
        raise BulletinError(f"{title_of(section)} is not an outcome: it has no headline measures")
    choices = dict(measure_choices(outcome_number(key))) if headline else {}
    unknown = set(headline) - set(choices)
    if unknown:
        raise BulletinError(f"“{min(unknown)}” is not a measure of this outcome")
    if len(headline) > KEY_MEASURES:
        raise BulletinError(f"Pick at most {KEY_MEASURES} headline measures")
    return headline


REWORDED = 88  # rapidfuzz ratio (0-100) at which a new line is an old one reworded


def _keep_reworded(existing: dict[str, Commitment], lines: list[str]) -> None:
    """A line reworded ("Review A" to "Review A.") keeps its row, so the progress a later
    bulletin recorded against it stays: each new line takes the most alike of the lines
    that went, if alike enough. Updates `existing` (text -> row) in place."""
    went = [text for text in existing if text not in lines]
    for line in (line for line in lines if line not in existing):
        match = process.extractOne(
            line, went, scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=REWORDED
        )
        if match:
            row = existing.pop(match[0])
            went.remove(match[0])
            row.text = line
            existing[line] = row


def save_section(
    bulletin: Bulletin,
    key: str,
    body: str,
    stories: str,
    commitments: list[str],
    actor: str | None = None,
    easy_read: str = "",
    headline: list[str] | None = None,
    shape: Shape | None = None,
) -> None:
    """Store a section's text, its "in the next bulletin" lines and, for an outcome, its
    headline measures (codes of its measures, in the order given, at most KEY_MEASURES)
    and its easy-read "what we are doing" lines (checked by easy_read.check_lines first);
    with `shape`, its title and a story's picture, alt text and caption. A line kept as it
    was keeps its row, so the progress a later bulletin recorded against it stays. Control
    characters are dropped first (PostgreSQL cannot store a NUL)."""
    body, stories = clean(body), clean(stories)
    commitments = list(dict.fromkeys(filter(None, (clean(c).strip() for c in commitments))))
    headline = checked_headline(bulletin, key, headline or [])
    too_long = [line for line in commitments if len(line) > COMMITMENT_LENGTH]
    if too_long:
        raise BulletinError(f"a commitment is longer than {COMMITMENT_LENGTH} characters")
    section = section_row(bulletin, key)
    shape = shape or Shape(section.title, None, section.picture_alt, section.caption)
    picture = None if shape.remove_picture else shape.picture_id or section.picture_id
    problems = shape_problems(
        section.kind, shape.title, body, bool(picture), shape.alt, shape.caption
    )
    if problems:
        raise BulletinError(problems[0][1])
    section.title = clean(shape.title).strip()
    if section.kind == "story":
        section.picture_id = picture
        section.picture_alt = clean(shape.alt).strip() if picture else ""
        section.caption = clean(shape.caption).strip()
    section.body = body
    section.stories = stories if section.kind == "outcome" else ""
    section.easy_read = "\n".join(lines(easy_read))
    section.headline_measures = "\n".join(headline)
    existing = {
        c.text: c for c in bulletin.commitments if c.section == key and not c.carried_from_id
    }
    _keep_reworded(existing, commitments)
    gone = [c.id for text, c in existing.items() if text not in commitments]
    if gone:
        # In SQL, so that ON DELETE CASCADE takes the carried copies with them.
        db.session.execute(delete(Commitment).where(Commitment.id.in_(gone)))
        db.session.expire(bulletin, ["commitments"])
    for position, text in enumerate(commitments):
        row = existing.get(text)
        if row is None:
            row = Commitment(section=key, text=text)
            bulletin.commitments.append(row)
        row.position = position
    db.session.flush()
    later = _next_bulletin(bulletin)
    if later:
        db.session.expire(later, ["commitments"])
        carry_forward(later)
    audit.record(
        "edit bulletin",
        f"{bulletin.term_name}: {key} ({len(body) + len(stories)} characters,"
        f" {len(commitments)} commitments)",
        actor=actor,
    )


def save_progress(
    bulletin: Bulletin,
    progress: dict[int, tuple[str | None, str]],
    actor: str | None = None,
    easy_read: dict[int, str] | None = None,
) -> None:
    """Record what became of carried-forward commitments: {commitment id: (status, note)}.
    A status needs a line of explanation. `easy_read`: how the easy-read edition words
    each commitment ("": as written), checked by the easy-read rules."""
    carried = {c.id: c for c in bulletin.commitments if c.carried_from_id}
    for commitment_id, (status, note) in progress.items():
        if commitment_id not in carried:
            raise BulletinError(f"commitment {commitment_id} is not carried into this bulletin")
        if status is not None and status not in COMMITMENT_STATUSES:
            raise BulletinError(f"{status!r} is not one of {', '.join(COMMITMENT_STATUSES)}")
        if status and not note.strip():
            raise BulletinError(f"say in a line why “{carried[commitment_id].text}” is {status}")
    for commitment_id in progress:
        commitment = carried[commitment_id]
        if (easy_read or {}).get(commitment_id, commitment.easy_read).strip():
            continue
        problems = line_problems(commitment.text)
        if problems:
            raise NotEasyRead(
                commitment_id,
                f"“{commitment.text}” is not easy read ({problems[0]}): say how the"
                " easy-read edition words it",
            )
    for commitment_id, text in (easy_read or {}).items():
        try:
            save_commitment_line(carried[commitment_id], text)
        except EasyReadError as error:
            raise BulletinError(str(error)) from error
    for commitment_id, (status, note) in progress.items():
        carried[commitment_id].status = status
        carried[commitment_id].note = clean(note).strip()
    audit.record(
        "edit bulletin",
        f"{bulletin.term_name}: progress on {len(progress)} commitments",
        actor=actor,
    )


def publish_bulletin(bulletin: Bulletin, term: Term, actor: str | None = None) -> None:
    """Freeze the bulletin's words as they are now: its figures come from the term's
    published release, so that is published first. No later edit changes what the
    published bulletin says."""
    if not publishing.versions_of(term):
        raise BulletinError(f"publish the {term.name} figures first: the bulletin shows them")
    if published_bulletin(bulletin) is not None:
        raise BulletinError(f"the {term.name} bulletin is published already")
    db.session.add(
        PublishedBulletin(
            bulletin_id=bulletin.id,
            published_by=actor or audit.current_actor(),
            words=freeze(bulletin, term),
        )
    )
    db.session.flush()
    audit.record("publish bulletin", term.name, actor=actor)


def load_demo_bulletin() -> str:
    """The demo's Summer 2023 bulletin and the partnership's look
    (sefvoice/data/demo-bulletin.yaml), unless there is a bulletin for that term already."""
    data = yaml.safe_load(
        files("sefvoice").joinpath("data/demo-bulletin.yaml").read_text(encoding="utf-8")
    )
    term = calendar().named(data["term"])
    if bulletin_for(term):
        return f"bulletin: {term.name} already there"
    actor = "sefvoice demo"
    look = data["brand"]
    save_look(
        look["name"],
        look["main_colour"],
        look["second_colour"],
        files("sefvoice").joinpath(f"data/{look['logo']}").read_bytes(),
        look["logo_alt"],
        actor=actor,
    )
    bulletin = create_bulletin(term, data["title"], actor=actor)
    for position, (key, section) in enumerate(data["sections"].items()):
        kind = section.get("kind", "outcome" if outcome_number(key) else "text")
        row = section_row(bulletin, key) or add_section(
            bulletin, kind, key=key, outcome=outcome_number(key), actor=actor
        )
        row.position = position
        picture = section.get("picture")
        save_section(
            bulletin,
            key,
            section.get("body", ""),
            section.get("stories", ""),
            section.get("commitments", []),
            actor=actor,
            easy_read=section.get("easy_read", ""),
            headline=section.get("headline", []),
            shape=Shape(
                section.get("title", ""),
                store_picture(files("sefvoice").joinpath(f"data/{picture}").read_bytes()).id
                if picture
                else None,
                section.get("alt", ""),
                section.get("caption", ""),
            ),
        )
    _load_register(data["register"], actor)
    return f"bulletin: {term.name}, {len(data['sections'])} sections written"


def _load_register(entries: list[dict], actor: str) -> None:
    """The demo's register: each commitment made, then changed, term by term."""
    terms = calendar()
    for entry in entries:
        you_said = register.save_you_said(None, entry["you_said"], entry["themes"], actor=actor)
        for commitment in entry["commitments"]:
            first, *later = commitment["changes"]
            item = register.add_commitment(
                you_said, first["text"], terms.named(first["term"]), actor=actor
            )
            for change in later:
                register.change_commitment(
                    item,
                    terms.named(change["term"]),
                    change["text"],
                    change["status"],
                    change.get("note", ""),
                    actor=actor,
                )
