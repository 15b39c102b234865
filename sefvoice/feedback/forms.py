"""The officers' comment review form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..definitions import TEXT_LIMIT, CharterPrinciple
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
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")

    def __init__(self, principles: Iterable[CharterPrinciple], **kwargs: Any):
        super().__init__(**kwargs)
        self.principle.choices = [SelectChoice(p.id, p.name) for p in principles]

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
