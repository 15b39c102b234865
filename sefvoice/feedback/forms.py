"""The officers' comment review form."""

from __future__ import annotations

from typing import Any

from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..definitions import TEXT_LIMIT, Charter
from ..forms import PageForm


class ReviewForm(PageForm):
    redacted_text = TextAreaField(
        default="",
        validators=[Length(max=TEXT_LIMIT, message=f"Use at most {TEXT_LIMIT:,} characters.")],
    )
    theme = StringField(
        default="", validators=[Length(max=80, message="Use at most 80 characters.")]
    )
    principle = RadioField(validators=[Optional()])
    outcome = SelectField(coerce=int, validators=[Optional()])
    filters = HiddenField(default="")  # the queue's filters, for the next comment
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")

    def __init__(self, charter: Charter, **kwargs: Any):
        super().__init__(**kwargs)
        self.principle.choices = [SelectChoice(p.id, p.name) for p in charter.principles.values()]
        self.outcome.choices = _outcome_choices(charter)

    def validate(self, extra_validators: Any = None) -> bool:
        """Approving needs the text reps will see, a theme and a principle; rejecting does
        not, since a rejected comment is never shown."""
        valid = super().validate(extra_validators)
        if self.approve.data:
            for field, message in (
                (self.redacted_text, "Enter the text reps will see."),
                (self.theme, "Enter a theme."),
                (self.principle, "Choose the charter principle it is about."),
            ):
                if not (field.data or "").strip():
                    field.errors.append(message)
                    valid = False
        return valid


def _outcome_choices(charter: Charter) -> list[SelectChoice]:
    return [SelectChoice(n, f"{n}. {o.name}") for n, o in charter.outcomes.items()]


class ManyForm(PageForm):
    """Approve or set aside the comments ticked in the queue, with one theme."""

    answer_id = SelectMultipleField(coerce=int, validate_choice=False)
    theme = StringField(
        default="", validators=[Length(max=80, message="Use at most 80 characters.")]
    )
    principle = SelectField(validators=[Optional()])
    outcome = SelectField(coerce=lambda value: int(value) if value else None)
    filters = HiddenField(default="")
    approve = SubmitField("Approve")
    reject = SubmitField("Set aside")

    def __init__(self, charter: Charter, **kwargs: Any):
        super().__init__(**kwargs)
        self.principle.choices = [SelectChoice("", "As its question says")] + [
            SelectChoice(p.id, p.name) for p in charter.principles.values()
        ]
        self.outcome.choices = [SelectChoice(None, "As its question says")] + _outcome_choices(
            charter
        )
