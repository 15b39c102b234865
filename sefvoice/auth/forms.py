from __future__ import annotations

from wtforms import EmailField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..forms import PageForm
from .roles import ROLE_NAMES


class SignInForm(PageForm):
    email = EmailField(validators=[InputRequired("Enter your e-mail address."), Length(max=254)])
    password = PasswordField(validators=[InputRequired("Enter your password."), Length(max=200)])


class AddUserForm(PageForm):
    email = EmailField(validators=[InputRequired("Enter their e-mail address."), Length(max=254)])
    password = PasswordField(
        validators=[InputRequired("Enter a password for them."), Length(max=200)]
    )
    role = RadioField(
        choices=[SelectChoice(role, name) for role, name in ROLE_NAMES.items()],
        validators=[InputRequired("Choose their role.")],
    )
