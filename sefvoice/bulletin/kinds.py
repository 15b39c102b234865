"""What each kind of section adds to the officers' words (sections.py lists the kinds), and
the sections a bulletin has: its own, in order, or (published before officers shaped them,
or none written) the ones every bulletin had then."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ..release.shown import Rules, Shown
from ..release.tables import Table
from ..terms import Term, calendar
from .easy_words import wording
from .register import register_for
from .sections import TEMPLATE
from .words import FrozenBulletin, FrozenSection

if TYPE_CHECKING:
    from ..models import Bulletin
    from ..release.summary import FeedbackSummary
    from .content import Section


def progress_table(
    term: Term,
    rules: Rules,
    themes: dict[str, Shown] | None,
    bulletin: Bulletin | FrozenBulletin | None,
) -> tuple[Table, str]:
    """ "You said, we did": the register's commitments as they stood in `term` (as the
    bulletin froze them, once published), each with what families said and how many
    approved comments said it (protected; as published with the term's release, `themes`,
    once it is)."""
    frozen = bulletin.register if isinstance(bulletin, FrozenBulletin) else None
    rows = register_for(term, rules, themes, frozen)
    table = Table(
        id="you-said-we-did",
        title=f"What families told us, what we committed to do, and where it stood in {term.name}",
        columns=["You said", "Comments behind it", "We did", "Status", "Progress so far"],
        rows=[
            [
                row.you_said,
                "; ".join(f"{theme}: {shown.text}" for theme, shown in row.themes),
                row.commitment,
                f"{row.status}: {row.note}" if row.note else row.status,
                "; ".join(f"{name}: {status}" for name, status in row.history),
            ]
            for row in rows
        ],
    )
    if not rows:
        return table, f"There is nothing in the register of commitments for {term.name}."
    return table, ""


def structure(bulletin, outcomes: list[int]) -> list:
    """The bulletin's sections in order, each with its kind and words. A bulletin
    published before officers shaped its sections, or none written, has the sections every
    bulletin had then (sections.TEMPLATE and each outcome), with what was written in them."""
    stored = list(bulletin.sections) if bulletin else []
    if stored and all(getattr(s, "kind", "") for s in stored):
        return sorted(stored, key=lambda s: (s.position, getattr(s, "id", 0) or 0))
    written = {s.key: s for s in stored}
    before = [(key, kind) for key, kind, _ in TEMPLATE]
    before += [(f"outcome-{n}", "outcome") for n in outcomes]
    return [
        FrozenSection(
            key,
            written[key].body if key in written else "",
            written[key].stories if key in written else "",
            written[key].easy_read if key in written else "",
            written[key].headline_measures if key in written else "",
            kind=kind,
            position=position,
        )
        for position, (key, kind) in enumerate(before)
    ]


def fill_kinds(sections: list[Section], term: Term, summary: FeedbackSummary) -> None:
    """What each kind adds to the officers' words: how many took part (co-production), the
    ways to take part (how to get involved), every "In the next bulletin" list (next)."""
    following = calendar().term_for(term.ends_on + timedelta(days=1))
    gathered = [(s.title, s.commitments) for s in sections if s.commitments]
    for section in sections:
        if section.kind == "co-production":
            section.taking_part = Table(
                id=f"{section.key}-taking-part",
                title=f"How many families took part in {term.name}",
                columns=["", "People"],
                rows=[
                    ["Sent survey answers", summary.respondents],
                    *(
                        [f"Answered {row.name.lower()}", row.respondents]
                        for row in summary.group("by-channel").rows
                    ),
                ],
                numeric={1},
            )
        elif section.kind == "involved":
            section.ways = [
                point["line"].format(next=following.name)
                for point in wording()["take_part"]["points"]
            ]
        elif section.kind == "next":
            section.gathered = [
                (title, lines) for title, lines in gathered if title != section.title
            ]
