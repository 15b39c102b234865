"""Each term's figures, protected, kept in this process until the term's counts change: a
new response in the current term leaves the earlier terms of its trend as they were, so
a draft's first view runs the disclosure pass for one term, not for every term it shows.

A kept term is found by everything its figures are made from: the term, its grouped
counts (each row hashed, so any count that changes gives another key), the survey
versions counted (their wording too), the rules and the groupings. A revision's own term
(protected over its earlier versions) is never kept.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..definitions import SurveyDefinition
from .keys import Grouping
from .shown import Rules

if TYPE_CHECKING:
    import pandas as pd

    from .protected_figures import ProtectedFigures
    from .summary import QuestionResult

KEPT = 32


@dataclass(frozen=True)
class CountedTerm:
    """One term counted and protected, and its questions' results."""

    release: ProtectedFigures
    results: list[QuestionResult]


def _digest(frame: pd.DataFrame) -> tuple:
    """The frame's columns and rows, whatever order the rows came in."""
    from pandas.util import hash_pandas_object

    rows = hash_pandas_object(frame, index=False).to_numpy()
    return (tuple(frame.columns), len(rows), int(rows.sum()), int((rows >> 1).sum()))


def _wording(definition: SurveyDefinition) -> tuple[str, int, str]:
    """The survey version and a digest of its wording."""
    text = json.dumps(definition.raw, sort_keys=True, default=str)
    return definition.slug, definition.version, hashlib.sha256(text.encode()).hexdigest()


class KeptTerms:
    """Terms' figures by what they were counted from; the least recently used go first."""

    def __init__(self, size: int = KEPT):
        self.size = size
        self._kept: OrderedDict[tuple, CountedTerm] = OrderedDict()

    @staticmethod
    def context(
        definitions: Sequence[SurveyDefinition], rules: Rules, groupings: Sequence[Grouping]
    ) -> tuple:
        """What every term of one count shares: the survey versions (their wording too),
        the rules and the groupings."""
        return (
            tuple(_wording(d) for d in definitions),
            rules,
            tuple((g.column, tuple(g.names.items())) for g in groupings),
        )

    @staticmethod
    def key(term_name: str, frames: Sequence[pd.DataFrame], context: tuple) -> tuple:
        """What a term's figures are made from, as a key."""
        return (term_name, tuple(_digest(frame) for frame in frames), context)

    def get(self, key: tuple) -> CountedTerm | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def put(self, key: tuple, figures: CountedTerm) -> None:
        self._kept[key] = figures
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
