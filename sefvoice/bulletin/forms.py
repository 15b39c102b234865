"""The officers' bulletin forms."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..forms import PageForm, TermForm
from ..models import COMMITMENT_STATUSES
from .easy_read import written_line_problems
from .markdown import MAX_LENGTH
from .service import COMMITMENT_LENGTH, commitment_lines

TOO_LONG = f"Use at most {MAX_LENGTH:,} characters."


class CreateForm(TermForm):
    """Start a term's bulletin."""


class DetailsForm(PageForm):
    title = StringField(validators=[InputRequired("Enter a title."), Length(max=200)])
    figures_in_full = BooleanField(default=True)


class SectionForm(PageForm):
    title = StringField(
        default="", validators=[Length(max=200, message="Use at most 200 characters.")]
    )
    alt = StringField(
        default="", validators=[Length(max=300, message="Use at most 300 characters.")]
    )
    caption = StringField(
        default="", validators=[Length(max=300, message="Use at most 300 characters.")]
    )
    new_picture = FileField(
        validators=[
            FileAllowed(["png", "jpg", "jpeg", "svg"], "The picture must be a PNG, JPEG or SVG.")
        ]
    )
    picture_token = HiddenField(default="")  # a chosen picture kept while problems are fixed
    remove_picture = BooleanField()
    body = TextAreaField(default="", validators=[Length(max=MAX_LENGTH, message=TOO_LONG)])
    stories = TextAreaField(default="", validators=[Length(max=MAX_LENGTH, message=TOO_LONG)])
    commitments = TextAreaField(default="", validators=[Length(max=MAX_LENGTH, message=TOO_LONG)])
    easy_read = TextAreaField(default="", validators=[Length(max=MAX_LENGTH, message=TOO_LONG)])
    preview = SubmitField("Preview")
    save = SubmitField("Save")

    def validate_commitments(self, field: TextAreaField) -> None:
        if any(len(line) > COMMITMENT_LENGTH for line in commitment_lines(field.data or "")):
            raise ValidationError(f"Keep each line to {COMMITMENT_LENGTH} characters or fewer.")


class AddSectionForm(PageForm):
    """A new section: its kind (or which SEF outcome), and a title if not the kind's own."""

    kind = StringField(validators=[InputRequired("Choose what kind of section to add.")])
    new_title = StringField(
        default="", validators=[Length(max=200, message="Use at most 200 characters.")]
    )


class ProgressItem(Form):
    """What became of one carried-forward commitment (no CSRF token of its own)."""

    commitment = HiddenField()
    status = RadioField(
        choices=[SelectChoice(value, label) for value, label in COMMITMENT_STATUSES.items()],
        validators=[Optional()],
    )
    note = StringField(
        default="", validators=[Length(max=300, message="Use at most 300 characters.")]
    )

    easy_read = StringField(
        default="", validators=[Length(max=300, message="Use at most 300 characters.")]
    )

    def validate_easy_read(self, field: StringField) -> None:
        problems = written_line_problems(field.data.strip(), None) if field.data else []
        if problems:
            raise ValidationError(f"Easy read: {problems[0]}")

    def validate_note(self, field: StringField) -> None:
        if self.status.data and not (field.data or "").strip():
            raise ValidationError("Say in a line what happened.")

    def validate_commitment(self, field: HiddenField) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError("This commitment is not in the bulletin.")


class ProgressForm(PageForm):
    items = FieldList(FormField(ProgressItem))


class LookForm(PageForm):
    """The partnership's look (brand.save_look checks the colours and the logo)."""

    name = StringField(validators=[InputRequired("Enter the partnership's name."), Length(max=200)])
    main_colour = StringField(validators=[InputRequired("Enter the main colour."), Length(max=7)])
    second_colour = StringField(
        validators=[InputRequired("Enter the second colour."), Length(max=7)]
    )
    # Not "logo": the form is filled from the stored look, whose logo is bytes, not a file.
    new_logo = FileField(validators=[FileAllowed(["png", "svg"], "The logo must be a PNG or SVG.")])
    logo_alt = StringField(validators=[Length(max=200)])
    remove_logo = BooleanField()
