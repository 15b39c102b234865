"""What a new version of a survey changes, question by question, shown before it is published.

Questions are matched by id, because answers are counted by id across versions: a reworded
question keeps its id, and one that asks something else needs a new id, or the counts
would add the old answers to the new ones. So a kept id whose question now seems to ask
something else is called out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..definitions import Question, SurveyDefinition

# Below this share of the same words (difflib's ratio on the lower-cased words), a reworded
# question is taken to ask something else.
SAME_MEANING_RATIO = 0.5


@dataclass(frozen=True)
class Reworded:
    question: Question
    before: str
    after: str


@dataclass(frozen=True)
class OptionsChanged:
    question: Question
    added: list[str]  # labels
    removed: list[str]
    relabelled: list[tuple[str, str]]  # (before, after)


@dataclass(frozen=True)
class MeaningChanged:
    question: Question
    reasons: list[str]


@dataclass
class Changes:
    added: list[Question] = field(default_factory=list)
    removed: list[Question] = field(default_factory=list)
    reworded: list[Reworded] = field(default_factory=list)
    options_changed: list[OptionsChanged] = field(default_factory=list)
    meaning_changed: list[MeaningChanged] = field(default_factory=list)
    moved: bool = False  # the same questions in another order
    other: list[str] = field(default_factory=list)  # the title and pages around the questions

    @property
    def any(self) -> bool:
        return bool(
            self.added
            or self.removed
            or self.reworded
            or self.options_changed
            or self.meaning_changed
            or self.moved
            or self.other
        )


def word_similarity(before: str, after: str) -> float:
    return SequenceMatcher(None, before.lower().split(), after.lower().split()).ratio()


def _options_changed(old: Question, new: Question) -> OptionsChanged | None:
    old_options = {o.id: o for o in old.options}
    new_options = {o.id: o for o in new.options}
    added = [o.label for o in new.options if o.id not in old_options]
    removed = [o.label for o in old.options if o.id not in new_options]
    relabelled = [
        (old_options[o.id].label, o.label)
        for o in new.options
        if o.id in old_options and old_options[o.id].label != o.label
    ]
    if added or removed or relabelled:
        return OptionsChanged(new, added, removed, relabelled)
    return None


def _meaning_reasons(old: Question, new: Question) -> list[str]:
    """Why the question with this id seems to ask something else now (none: it does not)."""
    reasons = []
    if old.type != new.type:
        reasons.append(f"its type changed from {old.type} to {new.type}")
    if old.text != new.text and word_similarity(old.text, new.text) < SAME_MEANING_RATIO:
        reasons.append("its words are mostly new")
    kept = {o.id for o in old.options} & {o.id for o in new.options}
    if old.options and new.options and len(kept) * 2 < len(old.options):
        reasons.append(f"only {len(kept)} of its {len(old.options)} options are kept")
    if old.outcome != new.outcome:
        reasons.append(f"it now counts towards outcome {new.outcome}, not {old.outcome}")
    if old.principle != new.principle:
        reasons.append(f"it now belongs to the principle {new.principle}, not {old.principle}")
    return reasons


def compare(old: SurveyDefinition, new: SurveyDefinition) -> Changes:
    changes = Changes()
    old_questions = {q.id: q for q in old.questions}
    new_ids = {q.id for q in new.questions}
    changes.removed = [q for q in old.questions if q.id not in new_ids]
    for question in new.questions:
        before = old_questions.get(question.id)
        if before is None:
            changes.added.append(question)
            continue
        if before.text != question.text or before.hint != question.hint:
            changes.reworded.append(
                Reworded(
                    question,
                    " ".join(filter(None, [before.text, before.hint])),
                    " ".join(filter(None, [question.text, question.hint])),
                )
            )
        options = _options_changed(before, question)
        if options:
            changes.options_changed.append(options)
        reasons = _meaning_reasons(before, question)
        if reasons:
            changes.meaning_changed.append(MeaningChanged(question, reasons))
    kept_order = [q.id for q in new.questions if q.id in old_questions]
    changes.moved = kept_order != [q.id for q in old.questions if q.id in new_ids]
    if old.title != new.title:
        changes.other.append(f"The title: {old.title!r} is now {new.title!r}.")
    for name, before, after in (
        ("The start page", old.start, new.start),
        (
            "Who is filling it in",
            (old.filled_by_question, old.filled_by),
            (new.filled_by_question, new.filled_by),
        ),
        ("The thank-you page", old.finish, new.finish),
    ):
        if before != after:
            changes.other.append(f"{name} has changed.")
    return changes
