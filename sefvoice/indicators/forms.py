"""The upload and confirm forms of the indicator import."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length

from ..forms import PageForm

SPREADSHEET = FileAllowed(["csv", "xlsx"], "The file must be a CSV or an Excel (.xlsx) file.")


class UploadForm(PageForm):
    file = FileField(validators=[FileRequired("Choose a CSV or Excel file."), SPREADSHEET])
    sheet = StringField(validators=[Length(max=100)])
    # Only for an Explore Education Statistics file: which area, and which columns as what.
    la_code = StringField(validators=[Length(max=20)])
    measures = FileField(validators=[SPREADSHEET])


class ConfirmForm(PageForm):
    """Nothing to fill in (CSRFProtect checks the token): the upload waiting to be confirmed
    is named in the session."""
