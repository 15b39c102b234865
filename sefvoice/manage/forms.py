"""The forms of the officers' survey pages."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField
from wtforms.validators import InputRequired, Optional

from ..forms import PageForm

# People write 1/3/2027; the ISO form (2027-03-01) is taken too.
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class ScheduleForm(PageForm):
    opens_on = DateField(
        validators=[Optional()],
        format=DATE_FORMATS,
        invalid_value_message="Write the opening date as a date, like 1/3/2027.",
    )
    closes_on = DateField(
        validators=[Optional()],
        format=DATE_FORMATS,
        invalid_value_message="Write the closing date as a date, like 31/3/2027.",
    )


class UploadForm(PageForm):
    file = FileField(validators=[FileRequired("Choose the survey's YAML file.")])


class PublishForm(PageForm):
    """The checked YAML comes back with the form and is checked again: nothing waits on
    the server between checking and publishing."""

    definition = HiddenField(validators=[InputRequired()])
    file_name = HiddenField()
    base_version = IntegerField(validators=[InputRequired()])
