"""The officers' forms for printing a batch and for the channel of an entered return."""

from __future__ import annotations

from wtforms import BooleanField
from wtforms.validators import InputRequired

from ..forms import PageForm
from ..surveys.forms import WholeNumberField


class PrintForm(PageForm):
    copies = WholeNumberField(
        invalid_message="Type how many copies to print, as a whole number, like 500.",
        validators=[InputRequired("Type how many copies to print, like 500.")],
    )
    large_print = BooleanField()
