"""The bulletin's easy-read edition, for families and young people: how many people
answered, what they told us (three to five points an outcome, each from a published % positive),
"You said, we did", the meaning of each hard word it uses (easyread/glossary.yaml, as the
surveys explain them), and how to take part next.

Every figure comes from the bulletin's content (so through the same disclosure control as
the full bulletin): a hidden % positive gives no point, and each note says why as the
figures do (outcome_note). For each figure sefvoice suggests a line written from the exact
share by the rules in data/easy-read-bulletin.yaml (easy_words.py: never rounding into a
different claim, so 49.5% is "a little under half", never "half"); an officer accepts it
or writes their own, which may only give that figure's own numbers. Every line is checked
by the surveys' easy-read rules (sefvoice.definitions.readability: 15 words a sentence,
numbers in digits and no percentages, reading ease 70).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select

from ..config import EASYREAD_DIR
from ..definitions import (
    PlainWords,
    glossary_words_in,
    hard_to_read,
    jargon_problems,
    load_glossary,
    load_plain_words,
    long_sentences,
    number_problems,
)
from ..extensions import db
from ..models import Bulletin, Commitment, EasyReadLine
from ..publishing.service import Status
from ..release.shown import Shown, share, status
from ..release.summary import QuestionResult
from ..surveys import versions as survey_versions
from ..terms import calendar
from .brand import Look
from .content import BulletinContent, Section, SectionPicture
from .easy_words import (
    NUMBER,
    WORDING_FILE,
    EasyReadError,
    in_tens,
    numbers_allowed,
    suggested_line,
    wording,
)
from .markdown import clean
from .words import FrozenBulletin, words_for, written_lines

MIN_POINTS, MAX_POINTS = 3, 5  # points an outcome, when that many figures are published
LINE_LENGTH = 300
# The notes an outcome may have (told_us in the wording), chosen by outcome_note.
NOTES = (
    *("hidden", "none", "kept_back", "kept_back_all"),
    *("not_asked", "not_counted", "few_people", "no_one"),
)


def wording_problems() -> list[str]:
    """Every fixed line of the edition that breaks the easy-read rules."""
    return [f"{WORDING_FILE}: {p}" for line in fixed_lines(wording()) for p in line_problems(line)]


def fixed_lines(data: dict) -> list[str]:
    """Every fixed sentence a reader sees, placeholders filled with a typical value."""
    sample = {"term": "Summer 2023", "count": "220", "next": "Autumn 2023", "enough": "5"}
    lines = [*data["intro"], *(data["answered"][k] for k in ("line", "none", "hidden", "late"))]
    lines += [data["told_us"][key] for key in NOTES]
    lines += [data["you_said"]["none"], *data["you_said"]["status"].values()]
    lines += [point["line"] for point in data["take_part"]["points"]]
    return [line.format(**sample) for line in lines]


@lru_cache(maxsize=4)
def _words(easyread_dir: str) -> tuple[dict[str, str], PlainWords]:
    return load_glossary(Path(easyread_dir)), load_plain_words(Path(easyread_dir))


def line_problems(text: str) -> list[str]:
    """The easy-read rules the surveys follow (sentence length, numbers in digits and no
    percentages, reading ease), and no jargon: no word with a plainer one
    (easyread/plain-words.yaml), no abbreviation the glossary does not explain."""
    problems = long_sentences(text) + number_problems(text)
    hard = hard_to_read(text)
    # Outside the app (the wording check, a script): the shipped easyread/ folder.
    folder = current_app.config["EASYREAD_DIR"] if has_app_context() else EASYREAD_DIR
    glossary, plain = _words(str(folder))
    return problems + ([hard] if hard else []) + jargon_problems(text, glossary, plain)


def written_line_problems(
    text: str, figure: Shown | None, exact: Fraction | None = None
) -> list[str]:
    """An officer's line: easy read, and giving no number but its own figure's (`exact`:
    the share behind the figure, for its tens)."""
    problems = line_problems(text)
    shown = figure is not None and not figure.hidden
    allowed = numbers_allowed(int(figure.value), exact) if shown else set()
    wrong = [n for n in NUMBER.findall(text) if int(n) not in allowed]
    if wrong:
        tens = in_tens(figure.value if exact is None else exact) if shown else ""
        problems.append(
            f"the line gives {', '.join(wrong)}, which is not this figure"
            + (f" ({figure.text}, {tens})" if allowed else "")
            + ": give the figure as it is, or no number"
        )
    return problems


@dataclass(frozen=True)
class Point:
    """One point with its picture (a path under static/) and, for a figure, the published
    figure it is written from."""

    picture: str
    alt: str
    text: str
    figure: Shown | None = None
    key: str | None = None  # "survey-slug/question-id" for a figure's line
    suggested: str | None = None  # sefvoice's line for the figure
    share: Fraction | None = None  # the exact share behind the figure, for its words


@dataclass
class EasyReadOutcome:
    key: str  # the full bulletin's section
    title: str  # the full bulletin's title for it
    name: str  # in easy read
    picture: str
    alt: str
    points: list[Point]
    note: str | None  # why some answers are not shared
    doing: list[str]  # officers' easy-read lines: what we are doing


@dataclass
class EasyReadStory:
    """A story with its picture (and the picture's alt text), in officers' easy-read lines."""

    key: str
    picture: SectionPicture | None
    lines: list[str]


@dataclass
class EasyReadEdition:
    title: str
    term: str
    heading: str  # the full bulletin's title
    look: Look
    words: dict  # the fixed wording
    intro: list[str]
    answered: Point
    outcomes: list[EasyReadOutcome]
    you_said: list[Point]
    stories: list[EasyReadStory]
    take_part: list[Point]
    glossary: list[Point]  # the meaning of each glossary word the edition uses
    status: Status  # draft, or which published version (and its revisions)

    @property
    def points(self) -> list[Point]:
        return [self.answered, *(p for o in self.outcomes for p in o.points), *self.you_said]

    def problems(self) -> list[str]:
        """The lines officers or sefvoice wrote for this edition that break the easy-read
        rules, each with where it is (the fixed lines: wording_problems)."""
        found = []
        for outcome in self.outcomes:
            found += [(outcome.title, point.text) for point in outcome.points]
            found += [(outcome.title, line) for line in outcome.doing]
        found += [("You said, we did", point.text) for point in self.you_said]
        found += [(story.key, line) for story in self.stories for line in story.lines]
        return [
            f"{where}: “{text[:60]}”: {problem}"
            for where, text in found
            for problem in line_problems(text)
        ]


def point_key(result: QuestionResult) -> str:
    return f"{result.survey_slug}/{result.question_id}"


def _answer_picture(
    result: QuestionResult,
    fallback: tuple[str, str],
    pictures: dict[str, tuple[str, str]] | None,
) -> tuple[str, str]:
    """The picture of the answer the figure counts (the tick for "Yes"): as published, or
    for a draft from the survey now."""
    if pictures is not None:
        return pictures.get(point_key(result), fallback)
    survey = survey_versions.current_survey(result.survey_slug)
    question = (
        survey_versions.definition_of(survey).question(result.question_id) if survey else None
    )
    positive = [o for o in question.options if o.positive] if question else []
    return (positive[-1].picture, positive[-1].alt) if positive else fallback


def figure_points(
    section: Section,
    written: dict[str, str],
    pictures: dict[str, tuple[str, str]] | None = None,
) -> tuple[list[Point], bool]:
    """Up to five points from the outcome's published % positive figures (those with the
    most answers), in the bulletin's order; and whether any figure was hidden."""
    results = [r for r in section.feedback.results if r.positive.text]  # those with a % positive
    shown = [r for r in results if not r.positive.hidden]
    chosen = sorted(shown, key=lambda r: -(r.answering.value or 0))[:MAX_POINTS]
    outcome = wording()["outcomes"][int(section.key.removeprefix("outcome-"))]
    points = []
    for result in (r for r in shown if r in chosen):
        exact = exact_share(result)
        answers = [o.label for o in result.options if o.positive]
        suggested = suggested_line(result.text, exact, answers)
        picture, alt = _answer_picture(result, (outcome["picture"], outcome["alt"]), pictures)
        key = point_key(result)
        text = written.get(key) or suggested
        points.append(Point(picture, alt, text, result.positive, key, suggested, exact))
    return points, len(shown) < len(results)


def exact_share(result: QuestionResult) -> Fraction:
    """The exact % positive behind a published one (its counts are published with it)."""
    if result.published_positive:
        return share(*result.published_positive)
    return Fraction(result.positive.value)


def outcome_note(section: Section, points: list[Point], content: BulletinContent) -> str | None:
    """Why some or all of an outcome's answers are not shared, from the figures as
    published: "too few answers" (too few people), or hidden (kept back to keep families
    safe, which says nothing of how many); None when every figure is shown."""
    notes = wording()["told_us"]
    if content.no_one_answered:
        return notes["no_one"]
    if not content.has_feedback:
        return notes["kept_back_all"]
    results = section.feedback.results
    figures = [r.positive for r in results if r.positive.text]
    if not figures:
        if any(not r.answers_shown for r in results):
            return notes["few_people"]
        return notes["not_counted"] if results else notes["not_asked"]
    kept = {status(f) for f in figures if f.hidden}
    if not kept:
        return None
    if kept == {"too few"}:
        return notes["hidden"] if points else notes["none"]
    return notes["kept_back"] if points else notes["kept_back_all"]


def _you_said(bulletin: Bulletin | FrozenBulletin | None) -> list[Point]:
    words = wording()["you_said"]
    carried = [c for c in (bulletin.commitments if bulletin else []) if c.carried_from_id]
    return [
        Point(
            words["picture"],
            words["alt"],
            f"{(c.easy_read or c.text).rstrip('.')}. {words['status'][c.status or 'none']}",
        )
        for c in carried
    ]


def build_easy_read(content: BulletinContent) -> EasyReadEdition:
    """The easy-read edition of the bulletin whose content is given."""
    words = wording()
    term = content.term
    bulletin = words_for(term)
    written = written_lines(bulletin) if bulletin else {}
    doing = {s.key: lines(s.easy_read) for s in (bulletin.sections if bulletin else [])}
    answered = words["answered"]
    if status(content.respondents) != "shown":
        count_line = answered["hidden"]
    elif content.no_one_answered:
        count_line = answered["none"]
    else:
        count_line = answered["line"].format(count=content.respondents.text)
    if content.status.answers_note:  # a revision whose late answers wait
        count_line += " " + answered["late"].format(enough=content.rules.min_count)
    outcomes = []
    for section in content.outcomes:
        number = int(section.key.removeprefix("outcome-"))
        outcome = words["outcomes"][number]
        points, _ = (
            figure_points(section, written, content.pictures)
            if content.has_feedback
            else ([], False)
        )
        note = outcome_note(section, points, content)
        outcomes.append(
            EasyReadOutcome(
                section.key,
                section.title,
                outcome["name"],
                outcome["picture"],
                outcome["alt"],
                points,
                note,
                doing.get(section.key, []),
            )
        )
    following = calendar().term_for(term.ends_on + timedelta(days=1))
    take_part = [
        Point(p["picture"], p["alt"], p["line"].format(next=following.name))
        for p in words["take_part"]["points"]
    ]
    you_said = _you_said(bulletin)
    stories = [
        EasyReadStory(s.key, s.picture, doing[s.key])
        for s in content.sections
        if s.kind == "story" and doing.get(s.key)
    ]
    used = " ".join(
        [
            *words["intro"],
            count_line,
            *(p.text for o in outcomes for p in o.points),
            *(line for o in outcomes for line in [o.note or "", *o.doing]),
            *(p.text for p in [*you_said, *take_part]),
            *(line for story in stories for line in story.lines),
        ]
    )
    glossary = load_glossary(Path(current_app.config["EASYREAD_DIR"]))
    explained = [
        Point(words["glossary"]["picture"], words["glossary"]["alt"], glossary[word])
        for word in glossary_words_in(used, glossary)
    ]
    return EasyReadEdition(
        title=words["title"].format(term=term.name),
        term=term.name,
        heading=f"{content.title}: {content.heading}",
        look=content.look,
        words=words,
        intro=words["intro"],
        answered=Point(
            answered["picture"], answered["alt"], count_line, content.respondents, "answered"
        ),
        outcomes=outcomes,
        you_said=you_said,
        stories=stories,
        take_part=take_part,
        glossary=explained,
        status=content.status,
    )


def lines(text: str) -> list[str]:
    """One easy-read line per line of text, blank lines dropped."""
    return [line.strip() for line in clean(text).splitlines() if line.strip()]


def check_lines(
    section: Section, figure_lines: dict[str, str], doing: str
) -> tuple[dict[str, str], list[str]]:
    """An outcome's easy-read lines as an officer sent them: for each figure, the line
    (blank, or the suggestion as it is: the suggestion, kept up to date with the figure),
    and the "what we are doing" lines. Returns the lines to keep, by figure, and every
    problem (nothing may be saved unless there are none)."""
    points = {p.key: p for p in figure_points(section, {})[0]}
    kept, problems = {}, []
    for key, text in figure_lines.items():
        point = points.get(key)
        text = clean(text).strip()
        if point is None or not text or text == point.suggested:
            continue
        if len(text) > LINE_LENGTH:
            problems.append(f"keep each line to {LINE_LENGTH} characters or fewer")
        problems += [
            f"“{text[:60]}”: {p}" for p in written_line_problems(text, point.figure, point.share)
        ]
        kept[key] = text
    for line in lines(doing):
        problems += [f"“{line[:60]}”: {p}" for p in written_line_problems(line, None)]
    return kept, problems


def store_lines(bulletin: Bulletin, keys: list[str], kept: dict[str, str]) -> None:
    """Store the officer's lines for these figures (a figure not in `kept` goes back to
    the suggestion). Does not commit."""
    existing = {
        row.figure: row
        for row in db.session.scalars(
            select(EasyReadLine).where(
                EasyReadLine.bulletin_id == bulletin.id, EasyReadLine.figure.in_(keys)
            )
        )
    }
    for key in keys:
        row = existing.get(key)
        if key in kept and row is None:
            db.session.add(EasyReadLine(bulletin_id=bulletin.id, figure=key, text=kept[key]))
        elif key in kept:
            row.text = kept[key]
        elif row is not None:
            db.session.delete(row)


def save_commitment_line(commitment: Commitment, text: str) -> None:
    text = clean(text).strip()
    problems = written_line_problems(text, None) if text else []
    if problems:
        raise EasyReadError(f"“{commitment.text[:60]}”: " + "; ".join(problems))
    commitment.easy_read = text
