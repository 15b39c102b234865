from __future__ import annotations

from wtforms import EmailField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

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


class ChangePasswordForm(PageForm):
    current = PasswordField(
        validators=[InputRequired("Enter your current password."), Length(max=200)]
    )
    new = PasswordField(validators=[InputRequired("Enter a new password."), Length(max=200)])
    repeat = PasswordField(
        validators=[
            InputRequired("Enter the new password again."),
            EqualTo("new", "The two new passwords are not the same."),
        ]
    )


class AccountActionForm(PageForm):
    """Nothing to fill in (CSRFProtect checks the token): the action is in the address."""
