"""The commitments register, as plain functions: what families said (tied to the themes of
their approved comments) and what the partnership committed to do about it.

A commitment keeps one row however it is reworded; every change adds a line to its change
log, stamped with the term it was made in, so each term's bulletin reads the commitment as
it stood then. It is on every bulletin from the term it was made until the term it is done
or dropped (that term included, to say so).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..auth import audit
from ..extensions import db
from ..feedback.comments import approved_by_theme
from ..models import (
    CLOSED,
    WE_DID_STATUSES,
    WeDid,
    WeDidChange,
    YouSaid,
    YouSaidTheme,
)
from ..release.shown import Rules, Shown, count
from ..terms import Term
from .markdown import clean

LENGTH = 300


class RegisterError(ValueError):
    pass


def _text(text: str, what: str) -> str:
    text = " ".join(clean(text).split())
    if not text:
        raise RegisterError(f"Enter {what}.")
    if len(text) > LENGTH:
        raise RegisterError(f"Use at most {LENGTH} characters for {what}.")
    return text


def _themes(themes: list[str]) -> list[str]:
    cleaned = (" ".join(clean(t).split()) for t in themes)
    found = list(dict.fromkeys(t[:1].upper() + t[1:] for t in cleaned if t))
    if any(len(t) > 80 for t in found):
        raise RegisterError("Use at most 80 characters for a theme.")
    return found


def entries() -> list[YouSaid]:
    """Every "you said", oldest first."""
    return list(db.session.scalars(select(YouSaid).order_by(YouSaid.id)))


def save_you_said(
    you_said: YouSaid | None, text: str, themes: list[str], actor: str | None = None
) -> YouSaid:
    """Add a "you said" (you_said None) or change its words and the themes it answers."""
    text, themes = _text(text, "what families said"), _themes(themes)
    if you_said is None:
        you_said = YouSaid(text=text)
        db.session.add(you_said)
    you_said.text = text
    you_said.themes = [t for t in you_said.themes if t.theme in themes] + [
        YouSaidTheme(theme=theme)
        for theme in themes
        if theme not in {t.theme for t in you_said.themes}
    ]
    db.session.flush()
    audit.record(
        "edit register", f"you said {you_said.id}: themes {', '.join(themes)}", actor=actor
    )
    return you_said


def add_commitment(you_said: YouSaid, text: str, term: Term, actor: str | None = None) -> WeDid:
    """A new commitment answering `you_said`, planned from `term`."""
    item = WeDid(text=_text(text, "what we will do"), status="planned", note="")
    you_said.commitments.append(item)
    _log(item, term, actor)
    db.session.flush()
    audit.record("edit register", f"commitment {item.id}: planned in {term.name}", actor=actor)
    return item


def change_commitment(
    item: WeDid,
    term: Term,
    text: str,
    status: str,
    note: str,
    actor: str | None = None,
) -> bool:
    """Reword a commitment or record its progress in `term`. Rewording keeps its status
    and note; dropping needs a reason. Returns False when nothing changed (nothing logged)."""
    text = _text(text, "what we will do")
    note = " ".join(clean(note).split())
    if status not in WE_DID_STATUSES:
        raise RegisterError(f"Choose a status: {', '.join(WE_DID_STATUSES.values()).lower()}.")
    if status == "dropped" and not note:
        raise RegisterError(f"Say why “{text}” was dropped.")
    if len(note) > LENGTH:
        raise RegisterError(f"Use at most {LENGTH} characters for the note.")
    if term.starts_on < item.changes[0].term_starts_on:
        raise RegisterError(
            f"The commitment was made in {item.changes[0].term_name}, after {term.name}."
        )
    if (item.text, item.status, item.note) == (text, status, note):
        return False
    item.text, item.status, item.note = text, status, note
    _log(item, term, actor)
    audit.record("edit register", f"commitment {item.id}: {status} in {term.name}", actor=actor)
    return True


def _log(item: WeDid, term: Term, actor: str | None) -> None:
    item.changes.append(
        WeDidChange(
            term_name=term.name,
            term_starts_on=term.starts_on,
            text=item.text,
            status=item.status,
            note=item.note,
            actor=actor or "",
        )
    )


@dataclass(frozen=True)
class RegisterEntry:
    """One commitment's words as a term's bulletin shows them: as it stood at the end of
    that term (what a published bulletin freezes)."""

    you_said: str
    themes: list[str]  # the themes of the comments it answers
    commitment: str
    status: str  # "In progress"
    note: str
    history: list[tuple[str, str]]  # (term, status) for each term it was on a bulletin


@dataclass(frozen=True)
class RegisterRow:
    """One commitment as a term's bulletin shows it, with the approved comments behind
    each of its themes."""

    you_said: str
    themes: list[tuple[str, Shown]]  # each theme and its approved comments, protected
    commitment: str
    status: str  # "In progress"
    note: str
    history: list[tuple[str, str]]  # (term, status) for each term it was on a bulletin


def theme_counts(themes: set[str], end: Term) -> dict[str, int]:
    """Approved comments filed under each theme, sent before the end of the term `end`."""
    _, before = end.bounds()
    return approved_by_theme(before, themes)


def register_entries(term: Term) -> list[RegisterEntry]:
    """The commitments a bulletin for `term` reports on, oldest "you said" first."""
    found = []
    for you_said in entries():
        for item in you_said.commitments:
            changes = [c for c in item.changes if c.term_starts_on <= term.starts_on]
            if not changes:
                continue  # made after this term
            now = changes[-1]
            if now.status in CLOSED and now.term_starts_on < term.starts_on:
                continue  # closed in an earlier term's bulletin
            by_term = {c.term_name: WE_DID_STATUSES[c.status] for c in changes}
            found.append(
                RegisterEntry(
                    you_said=you_said.text,
                    themes=[t.theme for t in you_said.themes],
                    commitment=now.text,
                    status=WE_DID_STATUSES[now.status],
                    note=now.note,
                    history=list(by_term.items()),
                )
            )
    return found


def register_for(
    term: Term,
    rules: Rules,
    themes: dict[str, Shown] | None = None,
    words: list[RegisterEntry] | None = None,
) -> list[RegisterRow]:
    """The commitments a bulletin for `term` reports on, with the approved comments behind
    each theme. `themes`: those as published with the term's release (a theme not in it
    had none then); None, for a draft: counted now. `words`: the entries as a published
    bulletin froze them; None: as the register has them now."""
    words = register_entries(term) if words is None else words
    if themes is None:
        counts = theme_counts({theme for entry in words for theme in entry.themes}, term)
        themes = {theme: count(n, rules) for theme, n in counts.items()}
    return [
        RegisterRow(
            you_said=entry.you_said,
            themes=[(theme, themes.get(theme) or count(0, rules)) for theme in entry.themes],
            commitment=entry.commitment,
            status=entry.status,
            note=entry.note,
            history=entry.history,
        )
        for entry in words
    ]
