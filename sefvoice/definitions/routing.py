"""Routing: a question asked only when an earlier answer makes it apply.

A question's `show_if` names an earlier one-answer question and the answers to it that make
the question apply ("Who is the plan for?" → "My child": "How did your child take part?").
A question not shown to someone is not a skip: it is left out of the pages, the check page,
the figures' skips and every base, and on paper its readers are sent past it.

Answers are given here as {question id: chosen option ids}, so the pages (saved answers),
data entry (typed answers) and the figures use the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .model import Question, ShowIf, SurveyDefinition

Chosen = Mapping[str, Sequence[str]]
# The question types whose answers can route: one answer each, so "ticked X" is exact and
# the people shown a question are a sum of counts of answers (sefvoice.release.finest_cells).
ROUTING_TYPES = ("single", "face3", "face5", "yes_partly_no")


def read_show_if(value: Any) -> tuple[ShowIf | None, str | None]:
    """A question's `show_if` from YAML ({question: id, answers: [ids]}), or why it cannot be
    read. (Whether the question and answers exist is routing_problems' job.)"""
    if value is None:
        return None, None
    if (
        not isinstance(value, dict)
        or set(value) != {"question", "answers"}
        or not isinstance(value["question"], str)
        or not isinstance(value["answers"], list)
        or not value["answers"]
        or not all(isinstance(a, str) for a in value["answers"])
    ):
        return None, (
            "'show_if' must be {question: an earlier question's id, answers: [its option ids]},"
            f" found {value!r}"
        )
    return ShowIf(value["question"], tuple(value["answers"])), None


def routing_problems(definition: SurveyDefinition) -> list[tuple[str, str]]:
    """(where, what is wrong) for each show_if that names no earlier one-answer question, or
    an answer it does not have."""
    problems = []
    seen: dict[str, Question] = {}
    for question in definition.questions:
        rule = question.show_if
        where = f"question {question.id!r}"
        if rule is not None:
            earlier = seen.get(rule.question)
            if earlier is None:
                problems.append(
                    (where, f"'show_if' names {rule.question!r}, which is not an earlier question")
                )
            elif earlier.type not in ROUTING_TYPES:
                problems.append(
                    (
                        where,
                        f"'show_if' names {rule.question!r}, a {earlier.type} question: only a"
                        f" one-answer question ({', '.join(ROUTING_TYPES)}) can route",
                    )
                )
            else:
                unknown = [a for a in rule.answers if earlier.option(a) is None]
                if unknown:
                    problems.append(
                        (where, f"'show_if': {rule.question!r} has no answer {unknown}")
                    )
                elif len(set(rule.answers)) == len(earlier.options):
                    problems.append(
                        (
                            where,
                            "'show_if' lists every answer: leave it out, it always applies",
                        )
                    )
        seen[question.id] = question
    return problems


def applies(definition: SurveyDefinition, question: Question, chosen: Chosen) -> bool:
    """Whether the question is asked of someone who chose `chosen` (a question that depends
    on one not asked is not asked either)."""
    rule = question.show_if
    if rule is None:
        return True
    earlier = definition.question(rule.question)
    if earlier is None or not applies(definition, earlier, chosen):
        return False
    return any(option in rule.answers for option in chosen.get(rule.question, ()))


def asked(definition: SurveyDefinition, chosen: Chosen) -> list[Question]:
    """The questions asked of someone who chose `chosen`, in order."""
    return [q for q in definition.questions if applies(definition, q, chosen)]


def next_question(
    definition: SurveyDefinition, question: Question | None, chosen: Chosen
) -> Question | None:
    """The first question after `question` (None: from the start) that is asked."""
    start = 0 if question is None else definition.index_of(question.id) + 1
    following = definition.questions[start:]
    return next((q for q in following if applies(definition, q, chosen)), None)


def previous_question(
    definition: SurveyDefinition, question: Question, chosen: Chosen
) -> Question | None:
    before = definition.questions[: definition.index_of(question.id)]
    return next((q for q in reversed(before) if applies(definition, q, chosen)), None)


def routes(definition: SurveyDefinition) -> bool:
    return any(q.show_if for q in definition.questions)


def condition_words(definition: SurveyDefinition, question: Question) -> tuple[list[str], int]:
    """The labels of the answers that make the question apply and the number of the question
    they answer (counted from 1), for "Only if you ticked “…” in question 4"."""
    rule = question.show_if
    earlier = definition.question(rule.question)
    labels = [earlier.option(a).label for a in rule.answers]
    return labels, definition.index_of(earlier.id) + 1


def skip_to(definition: SurveyDefinition, question: Question) -> int | None:
    """On paper, for a question asked only after certain answers: the number of the question
    to go to instead (None: the end), past the questions that depend on it."""
    skipped = {question.id}
    for later in definition.questions[definition.index_of(question.id) + 1 :]:
        if later.show_if and later.show_if.question in skipped:
            skipped.add(later.id)
        else:
            return definition.index_of(later.id) + 1
    return None


def brought_in(definition: SurveyDefinition, question: Question, chosen: Chosen) -> Question | None:
    """After an answer is changed: the first question it now brings in that has no answer."""
    later = definition.questions[definition.index_of(question.id) + 1 :]
    return next(
        (
            q
            for q in later
            if q.show_if
            and q.show_if.question == question.id
            and q.id not in chosen
            and applies(definition, q, chosen)
        ),
        None,
    )


def routed_out(definition: SurveyDefinition, chosen: Chosen) -> list[Question]:
    """The questions not asked of someone who chose `chosen`."""
    return [q for q in definition.questions if not applies(definition, q, chosen)]
