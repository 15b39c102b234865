"""One term's figures, counted once and protected once over the whole term.

`ProtectedFigures` holds every figure any output shows for a term (the question tables, the
by-group tables, the headline and its % positive) with the one disclosure pass that
decides which are shown. Outputs ask it for `Shown` values; none counts or protects a
number itself.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from ..definitions import SurveyDefinition
from ..definitions.combined_answers import AnswerRow
from .attack import Finding, Known
from .combined_rows import decide_levels, told_apart
from .comment_facts import comment_facts
from .figure_statuses import SHOWN, Count, Percent, not_shown_label
from .finest_cells import Cells, Figure, make_cells, make_figures, recounted
from .grouped_counts import TermCounts
from .keys import Grouping, Key, base_key, scored
from .protect import protect
from .shown import HIDDEN, NO_ANSWERS, Rules, Shown, number_text, percent_text, share
from .versions import Answers, Earlier, Stacked, answers_counted, stack, stored_facts

REVISION_TRIES = 4  # see protect.Pass: how many figures a revision tries hiding at each step


def _question_slug(key: Key) -> str | None:
    """The survey of a question's count (answering, chose or base); None for others."""
    if key[0] == "base":
        return key[2]
    return key[1] if key[0] in ("answering", "chose") else None


class ProtectedFigures:
    """Every figure of one term, and which of them may be shown."""

    def __init__(
        self,
        definitions: Sequence[SurveyDefinition],
        groupings: Sequence[Grouping],
        counts: TermCounts,
        rules: Rules,
        earlier: Sequence[Earlier] = (),
        open_surveys: Collection[str] | None = None,
    ):
        """`earlier`: the term's versions already published, when this is a revision: a
        reader has them, so the protection holds over every version (versions.py).
        `open_surveys`: the surveys open at some time during the term (None: every one of
        `definitions`). The term lists each of them, and any other with a response in the
        term, however many answered: which surveys are listed must say nothing of how
        many answered them."""
        answered = set(counts.respondents.loc[counts.respondents["n"] > 0, "slug"])
        if open_surveys is not None:
            definitions = [d for d in definitions if d.slug in {*open_surveys, *answered}]
        self.definitions, self.groupings, self.rules = definitions, list(groupings), rules
        self.earlier = list(earlier)
        self.cells: Cells = make_cells(
            definitions, groupings, counts.respondents, counts.answering, counts.choices
        )
        # A revision's answer tables wait for enough late answers (versions.answers_counted).
        self.answers: Answers | None = None
        written_now = None  # the comments written, where answers wait (comment_facts)
        if earlier:
            self.answers = answers_counted(self.cells.frame, self.earlier, rules)
            if self.answers.values is not None:
                frame = self.cells.frame
                answering = frame[frame["kind"] == "answering"]
                written_now = answering.groupby(["slug", "question_id"])["n"].sum().to_dict()
                self.cells = recounted(frame.assign(n=self.answers.values), definitions, groupings)
        self.figures: dict[Key, Figure] = make_figures(self.cells, definitions, groupings)
        # In a revision, each table at the level its latest earlier version showed it.
        decided: dict[tuple[str, str], int] | None = {} if earlier else None
        for version in self.earlier:
            decided.update(version.levels)
        shown = self._shown_definitions()
        self.levels = decide_levels(shown, self.figures, rules, decided)
        # What the term's comments show a reader, and what its tables' levels tell (a
        # revision's are its earlier versions': no news): published with it, as its
        # figures are.
        self.commented = comment_facts(definitions, self.figures, written_now)
        self.level_facts = [] if earlier else told_apart(shown, self.figures, rules, self.levels)
        told = self.commented + self.level_facts
        counts, percents = self._counts(), self._percents()
        if earlier:
            over = stack(self.cells, self.figures, earlier, rules, self.answers)
            self.protection, self._pass = protect(
                over.cells,
                counts,
                percents,
                self._extra_targets(over) + over.targets,
                rules,
                told + over.known,
                over.needed,
                tries=REVISION_TRIES,
                kept=self._kept(earlier[-1], counts, percents),
                public=self._public(earlier, counts, percents),
            )
        else:
            self.protection, self._pass = protect(
                self.cells, counts, percents, self._extra_targets(), rules, told
            )

    def _kept(
        self, latest: Earlier, counts: list[Count], percents: list[Percent]
    ) -> dict[Key, str]:
        """How the latest version showed each count and percentage, read from the facts it
        published: a count known exactly was shown, any other was hidden; a percentage was
        shown if its counts or its rounding were published."""
        exact = {key for key, _, _, low, high in latest.facts if low == high}
        named = {key for key, *_ in latest.facts}
        # A survey whose answers that version did not show: it said nothing of them.
        unsaid = {
            key[3]
            for key, _, _, _, high in latest.facts
            if key[:3] == ("told", "respondents", "survey") and high < self.rules.min_base
        }
        kept: dict[Key, str] = {}
        for count in counts:
            key = count.figure.key
            if _question_slug(key) in unsaid:
                continue
            kept[key] = SHOWN if key in exact else HIDDEN
        for percent in percents:
            if percent.key[1] == "question" and percent.key[2] in unsaid:
                continue
            shown = (
                percent.positive.key in exact
                if percent.exact
                else (("rounding", *percent.key) in named)
            )
            kept[percent.key] = SHOWN if shown else HIDDEN
        return kept

    def _public(
        self, earlier: Sequence[Earlier], counts: list[Count], percents: list[Percent]
    ) -> set[Key]:
        """The figures any earlier version showed as numbers, and the answers a kept
        version showed there were none of."""
        exact = {
            key for version in earlier for key, _, _, low, high in version.facts if low == high
        }
        public = {c.figure.key for c in counts} & exact
        for percent in percents:
            if percent.exact and percent.positive.key in exact:
                public |= {percent.positive.key, percent.other().key}
            if self._none_kept(percent.gates):
                public |= {percent.positive.key, percent.other().key}
        return public

    def _none_kept(self, gates: Sequence[Key]) -> bool:
        """Whether a percentage's answers are kept from an earlier version that showed one
        of its gates (a group's people) as 0: it has none, as a reader of that version knows."""
        kept = self.kept_answers
        return kept is not None and any(
            key in gates and high == 0 for key, _, _, _, high in kept.facts
        )

    def answers_shown(self, slug: str) -> bool:
        """Whether a survey's answers (its questions' tables) are published: only where at
        least min_base people answered it. Else its question counts are no figures of the
        release (neither shown nor kept uncertain), and a reader learns only that fewer
        than min_base answered. A revision that keeps an earlier version's answers asks
        how many answered it then: those are whose answers it shows."""
        if self.kept_answers is not None:
            return self.answers.people.get(slug, 0) >= self.rules.min_base
        return self.value(("respondents", "survey", slug)) >= self.rules.min_base

    def answer_rows(self, definition: SurveyDefinition, question) -> list[AnswerRow]:
        """The rows of a question's table: each answer, or groups of answers added up."""
        level = self.levels.get((definition.slug, question.id), 0)
        return self.rules.combined.rows(definition, question, level)

    def _shown_definitions(self) -> list[SurveyDefinition]:
        return [d for d in self.definitions if self.answers_shown(d.slug)]

    def _counts(self) -> list[Count]:
        # Counts of people are shown as 0 where no one is in them (Count.shows_zero).
        f, floor = self.figures, self.rules.min_base
        counts = [Count(f[("respondents",)], 2, shows_zero=True)]
        for d in self.definitions:
            # Kept answers' survey under min_base then (its version said so) may be more now.
            under = (0, floor - 1) if self.kept_answers is None else (0, np.inf)
            told = (floor, np.inf) if self.answers_shown(d.slug) else under
            counts.append(Count(f[("respondents", "survey", d.slug)], 1, told, shows_zero=True))
        counts += [
            Count(f[("respondents", g.column, value)], 1, shows_zero=True)
            for g in self.groupings
            for value in g.names
        ]
        for d in self._shown_definitions():
            for q in d.questions:
                keys = [("answering", d.slug, q.id)]
                keys += [("chose", d.slug, q.id, row.key) for row in self.answer_rows(d, q)]
                if base_key(d.slug, q)[0] == "base":
                    keys.append(base_key(d.slug, q))
                counts += [Count(f[key]) for key in keys]
        return counts

    def _percents(self) -> list[Percent]:
        f, found = self.figures, []
        for d in self._shown_definitions():
            for q in d.questions:
                if scored(q):
                    key = ("question", d.slug, q.id)
                    found.append(
                        Percent(
                            ("percent", *key),
                            f[("positive", *key)],
                            f[("base", *key)],
                            (base_key(d.slug, q),),
                            exact=True,
                        )
                    )
        scopes = [(("all",), ("respondents",))]
        scopes += [
            (("survey", d.slug), ("respondents", "survey", d.slug)) for d in self.definitions
        ]
        scopes += [
            ((g.column, v), ("respondents", g.column, v)) for g in self.groupings for v in g.names
        ]
        for scope, people in scopes:
            if ("base", *scope) in f:
                found.append(
                    Percent(
                        ("percent", *scope),
                        f[("positive", *scope)],
                        f[("base", *scope)],
                        (people,),
                        exact=False,
                    )
                )
        return found

    def _extra_targets(self, over: Stacked | None = None) -> list[Figure]:
        """People who skipped a question, where that is not known to be none; and each
        answer added together with others, where few gave it (it must stay uncertain as a
        hidden count does)."""
        kept = self.kept_answers
        skips = []
        for d in self._shown_definitions():
            for q in d.questions:
                figure = self.figures[("skipped", d.slug, q.id)]
                if kept and over:  # who skipped a kept answer: the people of the version kept
                    figure = over.as_of(figure, kept.version)
                if q.optional or figure.value:
                    skips.append(figure)
        added = [
            self.figures[("chose", d.slug, q.id, o.id)]
            for d in self._shown_definitions()
            for q in d.questions
            for row in self.answer_rows(d, q)
            if row.combined
            for o in row.options
        ]
        return skips + added

    # As shown

    def value(self, key: Key) -> int:
        return self.figures[key].value

    def count(self, key: Key) -> Shown:
        """A count as every output shows it."""
        status, n = self.protection.counts[key], self.figures[key].value
        if status == SHOWN:
            return Shown(n, f"{n:,}")
        return Shown(None, HIDDEN)

    def shown(self, key: Key) -> bool:
        return self.protection.counts[key] == SHOWN

    def _published(self, key: Key) -> str | int:
        """A count as a reader has it: its number if shown, else its status."""
        return self.value(key) if self.shown(key) else self.protection.counts[key]

    def not_shown(self, gates: Sequence[Key]) -> Shown:
        """The label of a figure not shown, from its gates as published alone (see
        figure_statuses.not_shown_label): it adds nothing to what a reader knows."""
        published = [self._published(g) for g in gates]
        return Shown(None, not_shown_label(published, self.rules))

    def percent(self, scope: tuple[str, ...]) -> Shown:
        """The % positive for a scope (("all",), ("survey", slug), (column, value) or
        ("question", slug, id)); '' where nothing there is scored."""
        status = self.protection.percents.get(("percent", *scope))
        if status is None:
            return Shown(None, "")
        if status != SHOWN:
            gates = self._pass.percents[("percent", *scope)].gates
            return Shown(None, NO_ANSWERS) if self._none_kept(gates) else self.not_shown(gates)
        return percent_text(share(self.value(("positive", *scope)), self.value(("base", *scope))))

    def share(self, key: Key, base: Key) -> Shown:
        """One count as a % of another, shown where both are."""
        n = self.value(base)
        if not (self.shown(key) and self.shown(base)) or n < self.rules.min_base:
            return self.not_shown([base])
        return percent_text(share(self.value(key), n))

    @property
    def answers_of(self) -> int | None:
        """The earlier version whose answers this revision's tables count while late answers
        wait (versions.answers_counted); None: they count everyone's."""
        return self.answers.version if self.answers is not None else None

    @property
    def kept_answers(self) -> Earlier | None:
        """The earlier version `answers_of` names, as published."""
        kept = self.answers_of
        return next((e for e in self.earlier if e.version == kept), None) if kept else None

    def median(self, slug: str, question_id: str, median: float | None, unit: str = "") -> Shown:
        """A number question's median, shown over at least min_base answers whose number is
        shown (a revision that keeps an earlier version's answers shows its median). In a
        revision, shown only where every earlier version that showed one had the same
        median over the same answers, or min_count answers more or fewer at least: else the
        two medians would tell on which side of the middle the few people added or taken
        away answered."""
        answering = ("answering", slug, question_id)
        n = self.value(answering)
        if self.kept_answers is not None:  # the answers of a version published before
            median = self.kept_answers.medians.get((slug, question_id), (None, n))[0]
        if median is None or not self.shown(answering) or n < self.rules.min_base:
            return self.not_shown([answering])
        for earlier in self.earlier:
            before = earlier.medians.get((slug, question_id))
            if before is None or before == (median, n):
                continue
            if abs(n - before[1]) < self.rules.min_count:
                return Shown(
                    None,
                    f"{HIDDEN}: {n:,} answers, too close to the {before[1]:,}"
                    f" of version {earlier.version} to show a change",
                )
        return Shown(median, f"{number_text(median)} {unit}".strip())

    def published_facts(self) -> list[Known]:
        """What a reader learns from this release alone, and from its comments."""
        state = self.protection
        known = self._pass.known(state.counts, state.percents)
        return known[: len(known) - len(self._pass.extra_known)] + self.commented + self.level_facts

    def facts(self) -> dict:
        """This release's cells and what it publishes about them, stored with a published
        version so that a revision can be protected against it."""
        return stored_facts(self.cells, self.published_facts(), self.levels, self.answers)

    def unsafe(self) -> list[Finding]:
        """Every figure that must stay uncertain and that a reader could narrow: none, once
        protected (see `audit`, without `exact`)."""
        return [f for f in self.audit(exact=False) if not f.safe]

    def audit(self, exact: bool = True) -> list[Finding]:
        """The attacker's range for every figure that must stay uncertain (every hidden
        count, small counts behind a hidden percentage, small numbers of people skipping a
        question): with `exact`, its best range in whole numbers; without, a range each
        end of which whole-number values a reader cannot rule out reach, so a figure said
        to be safe is (the verdict, sooner)."""
        state = self.protection
        return self._pass.attack(state.counts, state.percents, exact=exact)
