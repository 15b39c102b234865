"""What a term's comments tell a reader about its people, as facts for the attacker.

Reps read approved comments live (`/feedback/comments/approved`) and a bulletin quotes
some; each shows its survey, its question and the month it was sent in. So k comments to a
survey's question in a term say that at least k people answered it, and so that at least k
responded to the survey (and, for a question asked only after certain answers, that at
least k gave them: the relations between cells carry it). No comment shows who filled the
survey in or how it was sent, so that is all: a floor on sums over every group.

Which comments are approved, and when, is an officer's choice made after a release is
frozen, so the reader is taken to have read every comment the term's people wrote: the
floor is the true number of people who wrote one. A survey with several free-text
questions gets a floor on its respondents too. Comments sent in different months are
different people's, so a reader may count more people than wrote to any one question: the
floor taken is the most that could be, the comments to all its questions added up (at
most its respondents, so the fact is never more than the truth).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..definitions import SurveyDefinition
from .attack import Known
from .finest_cells import Figure
from .keys import Key

KIND = "comments"  # the facts' keys: ("comments", survey, question), ("comments", survey)


def _floor(key: Key, figure: Figure, low: int) -> Known:
    return Known(replace(figure, key=key), low, np.inf)


def comment_facts(
    definitions: Sequence[SurveyDefinition],
    figures: dict[Key, Figure],
    written_now: dict[tuple[str, str], int] | None = None,
) -> list[Known]:
    """At least as many people answered each free-text question as wrote to it; at least
    as many responded to each survey as wrote any comment to it (see the module's
    docstring). Questions no one wrote to add nothing. `written_now`: by (survey,
    question), the comments written to a revision that keeps an earlier version's answers:
    the late people's comments are read too, a floor on the people now."""
    facts = []
    for definition in definitions:
        floors, written = [0], []
        for question in definition.questions:
            if question.type != "text":
                continue
            answered = figures[("answering", definition.slug, question.id)]
            if answered.value:
                facts.append(_floor((KIND, definition.slug, question.id), answered, answered.value))
                floors.append(answered.value)
            now = (
                answered.value
                if written_now is None
                else written_now[(definition.slug, question.id)]
            )
            written.append(now)
        respondents = figures[("respondents", "survey", definition.slug)]
        at_least = min(sum(written), respondents.value)
        if at_least > max(floors):
            facts.append(_floor((KIND, definition.slug), respondents, at_least))
    return facts
