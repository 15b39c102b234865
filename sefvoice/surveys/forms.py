"""WTForms built from a question's definition. Messages are plain words, said to the person."""

from __future__ import annotations

import re
from functools import lru_cache

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..definitions import Option, Question
from ..forms import PageForm


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


WHOLE_NUMBER = re.compile(r"[+-]?\d{1,15}")  # \d: any script's digits, which int() reads


class WholeNumberField(IntegerField):
    """Accepts " 1,234 " as people type it, and says what is wrong in the question's words."""

    def __init__(self, invalid_message: str, **kwargs):
        super().__init__(**kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            return
        typed = valuelist[0].strip().replace(",", "")
        if not WHOLE_NUMBER.fullmatch(typed):  # a 300-digit number is not a float either
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = int(typed)


def choices(options: tuple[Option, ...]) -> list[SelectChoice]:
    return [SelectChoice(o.id, o.label) for o in options]


def exclusive_alone(question: Question):
    """A validator: an exclusive answer ("No one") is not chosen with any other."""
    labels = {o.id: o.label for o in question.options if o.exclusive}

    def validate(form, field) -> None:
        chosen = list(field.data or [])
        alone = next((option_id for option_id in chosen if option_id in labels), None)
        if alone is not None and len(chosen) > 1:
            label = labels[alone]
            raise ValidationError(
                f"You cannot choose “{label}” with other answers."
                f" Choose “{label}” on its own, or untick it."
            )

    return validate


def question_form(question: Question, **kwargs) -> PageForm:
    """A form with one field, `answer`, of the kind the question needs."""
    return _question_form_class(question)(**kwargs)


@lru_cache(maxsize=1024)
def _question_form_class(question: Question) -> type[PageForm]:
    """Made once per question: making a form class costs more than using one."""

    class QuestionForm(PageForm):
        pass

    def required(message: str) -> Optional | InputRequired:
        """An optional question left blank is a skip: no further check, no error."""
        return Optional() if question.optional else InputRequired(message)

    if question.type == "multiple":
        field = CheckboxesField(
            choices=choices(question.options),
            validators=[required("Choose at least one answer."), exclusive_alone(question)],
        )
    elif question.is_choice:
        field = RadioField(
            choices=choices(question.options),
            validators=[required("Choose one answer.")],
        )
    elif question.type == "number":
        message = f"Write a whole number from {question.min} to {question.max}."
        field = WholeNumberField(
            invalid_message=message,
            validators=[required(message), NumberRange(question.min, question.max, message)],
        )
    else:
        field = TextAreaField(
            validators=[
                required("Write your answer in the box."),
                Length(
                    max=question.max_length,
                    message=f"Your answer is too long."
                    f" Use {question.max_length:,} letters or fewer.",
                ),
            ]
        )
    QuestionForm.answer = field
    return QuestionForm


def answer_from_form(question: Question, form: PageForm) -> dict:
    """A valid question form's answer as save_answer's keyword arguments (none: a blank
    optional answer, saved as a skip)."""
    data = form.answer.data
    if question.type == "multiple":
        return {"option_ids": list(data)} if data else {}
    if question.is_choice:
        return {"option_ids": [data]} if data else {}
    if question.type == "number":
        return {"number": data}
    return {"text": data} if data and data.strip() else {}


class FilledByForm(PageForm):
    filled_by = RadioField(validators=[InputRequired("Choose who is filling this in.")])


class ResumeForm(PageForm):
    code = StringField(
        validators=[
            InputRequired("Type the code you were given."),
            Length(max=40, message="That code is too long. Codes have 8 letters and numbers."),
        ]
    )


class WithdrawForm(ResumeForm):
    confirm = BooleanField(
        validators=[InputRequired("Tick the box to say you want your answers deleted.")]
    )
