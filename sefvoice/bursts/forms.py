from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..forms import PageForm


class SetAsideForm(PageForm):
    source = HiddenField(validators=[InputRequired(), Length(max=32)])
    first = HiddenField(validators=[InputRequired(), Length(max=40)])
    last = HiddenField(validators=[InputRequired(), Length(max=40)])
    reason = TextAreaField(
        validators=[
            InputRequired("Say why these responses are set aside."),
            Length(max=2000, message="Use at most 2,000 characters."),
        ]
    )
