from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from .roles import ROLE_NAMES


class SignInForm(FlaskForm):
    email = EmailField(validators=[InputRequired("Enter your e-mail address."), Length(max=254)])
    password = PasswordField(validators=[InputRequired("Enter your password."), Length(max=200)])


class AddUserForm(FlaskForm):
    email = EmailField(validators=[InputRequired("Enter their e-mail address."), Length(max=254)])
    password = PasswordField(
        validators=[InputRequired("Enter a password for them."), Length(max=200)]
    )
    role = RadioField(
        choices=[SelectChoice(role, name) for role, name in ROLE_NAMES.items()],
        validators=[InputRequired("Choose their role.")],
    )
