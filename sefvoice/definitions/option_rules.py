"""Rules on a survey's answers that `sefvoice surveys check` applies to new definitions:

- A required `single` or `multiple` question has a way out, an answer for someone whom none
  of the others fits: "None of these", "No one" (`exclusive`), "I have not used it"
  (`not_applicable`) or "Something else" (`way_out`); or says why it needs none
  (`no_way_out: "why"`), when its answers cover everyone.
- One picture, one meaning: within a survey a picture goes with one answer's words. The
  faces of a face3 or face5 question are a scale (worst to best) and mean what its answers
  say, so they are left out.
"""

from __future__ import annotations

from .model import SurveyDefinition

WAY_OUT_TYPES = ("single", "multiple")
SCALE_TYPES = ("face3", "face5")


def way_out_problems(definition: SurveyDefinition) -> list[tuple[str, str]]:
    problems = []
    for q in definition.questions:
        if q.optional or q.type not in WAY_OUT_TYPES or q.no_way_out:
            continue
        if not any(o.exclusive or o.not_applicable or o.way_out for o in q.options):
            problems.append(
                (
                    f"question {q.id!r}",
                    "a required choice question needs an answer for someone none of the others"
                    ' fits ("None of these": exclusive, "I have not used it": not_applicable,'
                    ' "Something else": way_out), or \'no_way_out: "why"\' saying why it needs'
                    " none",
                )
            )
    return problems


def _normalised(label: str) -> str:
    return " ".join(label.lower().replace(",", " ").split())


def picture_problems(definition: SurveyDefinition) -> list[tuple[str, str]]:
    """(where, what is wrong) for each answer whose picture another answer with other words
    uses first in the survey ("Who is filling this in?" included)."""
    first: dict[str, tuple[str, str]] = {}  # picture: (its words, where they are)
    problems = []
    answers = [("filled_by", o) for o in definition.filled_by]
    answers += [
        (f"question {q.id!r}", o)
        for q in definition.questions
        if q.type not in SCALE_TYPES
        for o in q.options
    ]
    for where, option in answers:
        words, place = first.setdefault(option.picture, (option.label, where))
        if _normalised(words) != _normalised(option.label):
            problems.append(
                (
                    f"{where} option {option.id!r}",
                    f"picture {option.picture!r} means {words!r} at {place}: give"
                    f" {option.label!r} a picture of its own",
                )
            )
    return problems
