"""Every table of counts a reader cannot rule out, found by enumeration.

An independent check of the attacker (sefvoice/release/attack.py and finest_cells.py are
not used here): for a tiny term (one survey, a few questions, a grouping of two values, a
dozen people or so), list every table of counts (people per group; per question and
group, the people who answered and the people who chose each answer) that agrees with
everything the release publishes, read as a reader reads it, and take the range of each
figure over them.

What a reader reads (`Reading`):

- each count as shown: a number is itself; "hidden" says nothing of its size (a count
  under 5 and one hidden to protect another both say it). A row of a question's table
  that adds answers together ("Sad or OK") counts the people who chose any of them: its
  key names them joined by "+" ("sad+ok"), and its count and percentage are facts about
  that sum;
- each percentage as shown, rounded half up: `x%` of a base means x - 0.5 <= 100 *
  part / base < x + 0.5; a question's "% positive" prints its base ("of 12 answers"); a
  % positive of a group or the term is shown only over 10 people or more, so its people
  are at least 10, whether their number is shown or not;
- a label on a percentage not shown says nothing more: "too few answers" stands exactly
  where one of the counts it needs is published as a number under 10, "hidden"
  elsewhere, so it is read off figures the reader has already (the reading checks that
  each label is so);
- how people answer: one answer to a one-answer question, at least one to a
  multiple-choice one, each answer at most once; everyone who responded answered each
  required question, and no one answered a question more than once.

And the facts a reader has that the release's model may not (each can be left out, to
compare like with like; see FACTS):

- LISTED: every row of a table is listed, whatever its count (docs/figures.md), so that
  a row is listed tells nothing. A reader who found a
  row left out would know it is empty, and each listed one not, so the reading must find
  none (`Reading.left_out`);
- SURVEY_SIZE: a survey whose answers are not shown ("Too few people answered this
  survey") has fewer than 10 people (`min_base`); one whose answers are shown, 10 or more;
- EXCLUSIVE: an answer such as "No one" is never ticked with another;
- EMPTY: a count of people (the term's, the survey's, a group's) no one is in is shown as
  0, so one that says "hidden" is at least 1;
- COMBINED: a question's table shows its answers at one of its levels (`Question.levels`:
  every answer on its own row, then rows of answers added together), the first at which
  no row that a later level adds together was given by fewer than 5 people (`min_count`);
  so the rows of the level shown that a later level adds together are each at least 5,
  and at each level before one such row was under 5 (`Reading.levels` says which level
  the release showed).

Groups are enumerated up to `cap` people each: a figure nothing published limits from
above (a hidden total, say) reaches the cap.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

LISTED, EXCLUSIVE = "every row is listed", "exclusive answers"
EMPTY = "an empty count of people is shown as 0"
SURVEY_SIZE = "a survey shows its answers from 10 people"
COMBINED = "answers are added together where one row of them is under 5"
FACTS = frozenset({LISTED, SURVEY_SIZE, EXCLUSIVE, COMBINED, EMPTY})
Key = tuple[str, ...]
INF = float("inf")


def half_up_percent(part: int, base: int) -> int:
    """100 * part / base, rounded half up (exact)."""
    return int(Fraction(100 * part, base) + Fraction(1, 2))


@dataclass(frozen=True)
class Question:
    id: str
    options: tuple[str, ...]
    one_answer: bool
    optional: bool = False
    positive: frozenset[str] = frozenset()
    not_applicable: frozenset[str] = frozenset()
    exclusive: frozenset[str] = frozenset()
    # Its table's rows at each level, each row the answers it counts (see COMBINED).
    levels: tuple[tuple[tuple[str, ...], ...], ...] = ()

    @property
    def scored(self) -> bool:
        return self.one_answer and bool(self.positive)

    @property
    def in_base(self) -> tuple[str, ...]:
        return tuple(o for o in self.options if o not in self.not_applicable)


# A question's table: per group, (people who answered, {option: people who chose it}).
QuestionTable = tuple[tuple[int, tuple[int, ...]], ...]


@dataclass
class Reading:
    """What a reader knows of one release (see the module's docstring)."""

    slug: str
    groups: tuple[str, ...]
    questions: tuple[Question, ...]
    counts: dict[Key, tuple[float, float]] = field(default_factory=dict)
    # (numerator key, denominator key) -> shown rounded percent
    percents: dict[tuple[Key, Key], int] = field(default_factory=dict)
    left_out: list[Key] = field(default_factory=list)  # rows missing from their tables
    people: list[Key] = field(default_factory=list)  # every count of people listed
    answers_shown: bool = True  # False: "too few people answered" instead of its answers
    # Each question with levels whose table is shown: the level it shows.
    levels: dict[str, int] = field(default_factory=dict)
    min_count: int = 5
    min_base: int = 10


@dataclass
class Range:
    low: float = INF
    high: float = -INF

    def add(self, value: int) -> None:
        self.low, self.high = min(self.low, value), max(self.high, value)


class Enumeration:
    def __init__(self, reading: Reading, facts: frozenset[str], cap: int):
        self.reading, self.facts, self.cap = reading, facts, cap
        self.groups = reading.groups
        self.slug = reading.slug
        self.counts = dict(reading.counts)
        if LISTED in facts:
            assert not reading.left_out, f"rows left out of their tables: {reading.left_out}"
        if EMPTY in facts:
            for key in reading.people:
                self.counts.setdefault(key, (1, INF))  # not shown: not 0
        if SURVEY_SIZE in facts:
            key = ("respondents", "survey", self.slug)
            low, high = self.counts.get(key, (0, INF))
            if reading.answers_shown:
                self.counts[key] = (max(low, reading.min_base), high)
            else:
                self.counts[key] = (low, min(high, reading.min_base - 1))

    # Values of figures

    def people(self, r: tuple[int, ...], key: Key) -> int | None:
        if key == ("respondents",) or key == ("respondents", "survey", self.slug):
            return sum(r)
        if key[0] == "respondents" and len(key) == 3:
            return r[self.groups.index(key[2])]
        return None

    def of_question(self, q: Question, table: QuestionTable, r, key: Key) -> int | None:
        """A figure of question q's table (None: not one of its figures)."""
        kind = key[0]
        if kind in ("answering", "skipped", "chose") and len(key) > 2:
            question = key[2]
        elif len(key) == 4 and key[1] == "question" and kind in ("base", "positive", "other"):
            question = key[3]
        else:
            return None
        if question != q.id:
            return None
        index = {o: i for i, o in enumerate(q.options)}

        def chose(options) -> int:
            return sum(c[index[o]] for _, c in table for o in options)

        if kind == "answering":
            return sum(a for a, _ in table)
        if kind == "chose":
            return chose(key[3].split("+"))  # one answer, or answers added together
        if kind == "skipped":
            return sum(r) - sum(a for a, _ in table)
        base, positive = chose(q.in_base), chose(q.positive)
        return {"base": base, "positive": positive, "other": base - positive}[kind]

    def of_scores(self, scores: tuple[int, ...], r, key: Key) -> int | None:
        """A figure pooled over scored questions: scores = positives then bases per group."""
        kind, scope = key[0], key[1:]
        if kind not in ("positive", "base", "other") or scope[:1] == ("question",):
            return None
        n = len(self.groups)
        if scope in (("all",), ("survey", self.slug)):
            positive, base = sum(scores[:n]), sum(scores[n:])
        elif len(scope) == 2 and scope[1] in self.groups:
            g = self.groups.index(scope[1])
            positive, base = scores[g], scores[n + g]
        else:
            return None
        return {"positive": positive, "base": base, "other": base - positive}[kind]

    # What agrees with the reading

    def _agrees(self, value_of) -> bool:
        """True if every fact the reading has about figures `value_of` knows holds."""
        for key, (low, high) in self.counts.items():
            value = value_of(key)
            if value is not None and not low <= value <= high:
                return False
        for (part, whole), shown in self.reading.percents.items():
            top, bottom = value_of(part), value_of(whole)
            if top is None or bottom is None:
                continue
            if bottom == 0 or half_up_percent(top, bottom) != shown:
                return False
        return True

    def group_sizes(self) -> Iterator[tuple[int, ...]]:
        for r in itertools.product(range(self.cap + 1), repeat=len(self.groups)):
            if self._agrees(lambda key, r=r: self.people(r, key)):
                yield r

    def _multiple_ok(self, q: Question, a: int, counts: tuple[int, ...]) -> bool:
        if a == 0:
            return not any(counts)
        if EXCLUSIVE in self.facts and q.exclusive:
            alone = sum(c for o, c in zip(q.options, counts, strict=True) if o in q.exclusive)
            rest = [c for o, c in zip(q.options, counts, strict=True) if o not in q.exclusive]
            others = a - alone  # the people who ticked other answers
            if others < 0 or any(c > others for c in rest):
                return False
            return sum(rest) >= others if others else not any(rest)
        return sum(counts) >= a  # each at most a (by construction), and one at least each

    def _level(self, q: Question) -> int | None:
        """The level the release showed q's table at (None: it shows no such choice, or
        the reader leaves the rule out)."""
        if COMBINED not in self.facts or len(q.levels) < 2:
            return None
        return self.reading.levels.get(q.id)

    def _merged_later(self, q: Question, level: int) -> list[tuple[str, ...]]:
        """The rows of a level that a later level adds together."""
        return [row for row in q.levels[level] if row not in q.levels[-1]]

    def _decided_alike(self, q: Question, table: QuestionTable) -> bool:
        """The rule, worked out on `table`, shows the level the release showed."""
        shown = self._level(q)
        if shown is None:
            return True
        index = {o: i for i, o in enumerate(q.options)}

        def few(level: int) -> bool:
            return any(
                sum(c[index[o]] for _, c in table for o in row) < self.reading.min_count
                for row in self._merged_later(q, level)
            )

        level = 0
        while level + 1 < len(q.levels) and few(level):
            level += 1
        return level == shown

    def question_tables(self, q: Question, r: tuple[int, ...]) -> list[QuestionTable]:
        """Every table of question q that groups of `r` people can give and that agrees
        with the reading: per group, the people who answered, then each answer's count
        (option by option, each total checked against its label as it is chosen)."""
        found: list[QuestionTable] = []
        answered = [range(size + 1) if q.optional else (size,) for size in r]
        last = len(q.options) - 1
        # Shown one by one, each answer a later level adds together is at least min_count.
        apart = {row[0] for row in self._merged_later(q, 0)} if self._level(q) == 0 else set()

        def options(i: int, a: tuple[int, ...], left: tuple[int, ...], chosen: list) -> None:
            if i > last:
                table = tuple((a[g], tuple(c[g] for c in chosen)) for g in range(len(a)))
                if not q.one_answer and not all(
                    self._multiple_ok(q, a[g], table[g][1]) for g in range(len(a))
                ):
                    return
                if self._decided_alike(q, table) and self._agrees(
                    lambda key: self.of_question(q, table, r, key)
                ):
                    found.append(table)
                return
            low, high = self.counts.get(("chose", self.slug, q.id, q.options[i]), (0, INF))
            if q.options[i] in apart:
                low = max(low, self.reading.min_count)
            if q.one_answer and i == last:
                choices = [left]  # the rest answered the last option
            else:
                top = left if q.one_answer else a
                choices = itertools.product(*(range(t + 1) for t in top))
            for counts in choices:
                if low <= sum(counts) <= high:
                    rest = tuple(x - y for x, y in zip(left, counts, strict=True))
                    options(i + 1, a, rest, [*chosen, counts])

        for a in itertools.product(*answered):
            low, high = self.counts.get(("answering", self.slug, q.id), (0, INF))
            if low <= sum(a) <= high:
                options(0, a, a, [])
        return found

    def score(self, q: Question, table: QuestionTable) -> tuple[int, ...]:
        if not q.scored:
            return (0,) * (2 * len(self.groups))
        index = {o: i for i, o in enumerate(q.options)}
        positive = tuple(sum(c[index[o]] for o in q.positive) for _, c in table)
        base = tuple(sum(c[index[o]] for o in q.in_base) for _, c in table)
        return positive + base

    def ranges(self, keys: list[Key]) -> dict[Key, Range]:
        """The range of each figure over every table of counts that agrees."""
        found = {key: Range() for key in keys}
        questions = self.reading.questions
        for r in self.group_sizes():
            tables = [self.question_tables(q, r) for q in questions]
            if not all(tables):
                continue
            by_score = [
                {self.score(q, t) for t in ts} for q, ts in zip(questions, tables, strict=True)
            ]
            width = 2 * len(self.groups)
            reach = [{(0,) * width}]
            for scores in by_score:
                reach.append({_add(p, s) for p in reach[-1] for s in scores})
            good = [set() for _ in reach]
            good[-1] = {
                s
                for s in reach[-1]
                if self._agrees(lambda key, s=s, r=r: self.of_scores(s, r, key))
            }
            for i in range(len(questions) - 1, -1, -1):
                good[i] = {
                    p for p in reach[i] if any(_add(p, s) in good[i + 1] for s in by_score[i])
                }
            if not good[-1]:
                continue
            for key in keys:
                value = self.people(r, key)
                if value is not None:
                    found[key].add(value)
            for i, (q, ts) in enumerate(zip(questions, tables, strict=True)):
                usable = {s for s in by_score[i] if any(_add(p, s) in good[i + 1] for p in good[i])}
                for t in ts:
                    if self.score(q, t) not in usable:
                        continue
                    for key in keys:
                        value = self.of_question(q, t, r, key)
                        if value is not None:
                            found[key].add(value)
            for s in good[-1]:
                for key in keys:
                    value = self.of_scores(s, r, key)
                    if value is not None:
                        found[key].add(value)
        return found


def _add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def enumerate_ranges(
    reading: Reading, keys: list[Key], facts: frozenset[str] = frozenset(FACTS), cap: int = 16
) -> dict[Key, Range]:
    """Each figure's range over every table of counts that agrees with the reading (with
    the reader's further `facts`), groups of up to `cap` people."""
    return Enumeration(reading, facts, cap).ranges(keys)
