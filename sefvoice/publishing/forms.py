"""The form that publishes a term's release (a revision says why)."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import Length

from ..forms import PageForm
from .service import REASON_LENGTH


class PublishForm(PageForm):
    reason = TextAreaField(
        validators=[
            Length(
                max=REASON_LENGTH,
                message=f"Keep the reason to {REASON_LENGTH} characters or fewer.",
            )
        ]
    )
