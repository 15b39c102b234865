"""What a published version stores: every figure as shown (the tab's summary and tables),
the quotes, the answer pictures, the survey versions, the charter's names, the measures'
values with their periods, the rules, the protection pattern, the partnership's look and
the register's theme counts, as they stood when it was published."""

from __future__ import annotations

import base64

from ..definitions import SurveyDefinition
from ..indicators.service import measures_for_outcome, period_end
from ..release import service as release_service
from ..release.service import Publication
from ..release.shown import count
from ..surveys.versions import charter
from ..terms import Term
from .record import encode, release_record


def _pictures(definitions: list[SurveyDefinition]) -> dict[str, tuple[str, str]]:
    """Each scored question's picture: that of its last positive answer."""
    found = {}
    for definition in definitions:
        for question in definition.questions:
            positive = [o for o in question.options if o.positive]
            if positive:
                found[f"{definition.slug}/{question.id}"] = (positive[-1].picture, positive[-1].alt)
    return found


def indicators_shown(term: Term) -> list[dict]:
    """The measures' values the release shows, each with its period."""
    shown = []
    for outcome in (None, *sorted(charter().outcomes)):
        for measure in measures_for_outcome(outcome, term.ends_on):
            for point in measure.series:
                shown.append(
                    {
                        "code": measure.code,
                        "name": measure.name,
                        "period": point.period.isoformat(),
                        "period_ends": period_end(point.period, point.label).isoformat(),
                        "label": point.label,
                        "value": point.value,
                        "marker": point.marker,
                    }
                )
    return shown


def _look() -> dict:
    """The partnership's look as it stands (its logo as base64), for the record."""
    from ..bulletin.brand import current  # here: the bulletin imports this module

    look = current()
    return {
        "name": look.name,
        "main_colour": look.main_colour,
        "second_colour": look.second_colour,
        "logo": base64.b64encode(look.logo).decode("ascii") if look.logo else None,
        "logo_type": look.logo_type,
        "logo_alt": look.logo_alt,
    }


def record_of(term: Term, release: Publication, definitions: list[SurveyDefinition]) -> dict:
    # Here: the feedback views import this module.
    from ..feedback.comments import approved_by_theme, quotes_for

    summary, the_charter = release.summary, charter()
    protection = summary.release.protection if summary.release else None
    start, end = term.bounds()
    rules = release_service.rules()
    themes = approved_by_theme(end)
    return {
        **release_record(release),
        "quotes": {str(n): encode(quotes_for(start, end, n)) for n in sorted(the_charter.outcomes)},
        "pictures": _pictures(definitions),
        "surveys": [{"slug": d.slug, "version": d.version, "title": d.title} for d in definitions],
        "charter": {
            "principles": {p.id: p.name for p in the_charter.principles.values()},
            "outcomes": {str(o.number): o.name for o in the_charter.outcomes.values()},
        },
        "indicators": indicators_shown(term),
        "rules": {"min_count": rules.min_count, "min_base": rules.min_base},
        "look": _look(),
        # The register's themes: approved comments under each, sent by the term's end.
        "themes": encode({theme: count(n, rules) for theme, n in sorted(themes.items())}),
        "protection": encode(
            {
                "counts": protection.counts,
                "percents": protection.percents,
                "secondary": protection.secondary,
            }
            if protection
            else {}
        ),
    }
