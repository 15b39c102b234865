"""The base of every form in sefvoice."""

from __future__ import annotations

from flask_wtf import FlaskForm


class PageForm(FlaskForm):
    """A FlaskForm that leaves the CSRF token to CSRFProtect, which checks it on every POST
    before any view runs (no view is exempt): checking it again in the form doubled the
    cost of the check on every answer sent. Templates put the token in with csrf_token()."""

    class Meta:
        csrf = False
