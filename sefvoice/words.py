"""Counted words in English, with the plurals inflect knows ("1 child", "2 children")."""

from __future__ import annotations

from functools import cache

import inflect


@cache
def _engine() -> inflect.engine:
    return inflect.engine()


def noun(word: str, count: float) -> str:
    """The noun as it goes with `count`: "comment" for 1, "comments" for 0, 2 or 1.5."""
    return _engine().plural_noun(word, 1 if count == 1 else 2)


def plural(count: int, word: str) -> str:
    """ "1 comment", "1,212 comments"."""
    return f"{count:,} {noun(word, count)}"
