"""The base of every form in sefvoice, and a term typed by its name."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length, ValidationError

from .terms import calendar


class PageForm(FlaskForm):
    """A FlaskForm that leaves the CSRF token to CSRFProtect, which checks it on every POST
    before any view runs (no view is exempt): checking it again in the form doubled the
    cost of the check on every answer sent. Templates put the token in with csrf_token()."""

    class Meta:
        csrf = False


class TermForm(PageForm):
    """A term, typed by its name ("Summer 2023")."""

    term = StringField(
        validators=[InputRequired("Enter a term, like Summer 2023."), Length(max=40)]
    )

    def validate_term(self, field: StringField) -> None:
        try:
            calendar().named(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error
