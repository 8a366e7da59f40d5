"""Forms of the account pages: sign-up, sign-in, passwords, profile, deletion."""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from academy.core.accounts import services
from academy.core.accounts.models import Organisation
from academy.core.errors import DomainError
from academy.core.i18n import language_choices


def organisation_choices(current: Organisation | None = None) -> list[tuple[str, str]]:
    """("id", "Name (Country)") for the active organisations, plus ``current`` if inactive."""
    organisations = services.active_organisations()
    if current is not None and current not in organisations:
        organisations.append(current)
    countries = Locale.parse(str(get_locale())).territories
    labelled = [
        (str(o.id), f"{o.name} ({countries.get(o.country, o.country)})") for o in organisations
    ]
    labelled.sort(key=lambda choice: choice[1].casefold())
    return [("", _("Not in the list, or none")), *labelled]


def organisation_id(value: str | None) -> int | None:
    """The id a chosen organisation option stands for ("" means none)."""
    return int(value) if value else None


def _password_rules(_form: FlaskForm, field: Field) -> None:
    try:
        services.check_password_rules(field.data or "")
    except DomainError as error:
        raise ValidationError(error.message) from None


def _email_rules(_form: FlaskForm, field: Field) -> None:
    try:
        services.normalise_email(field.data or "")
    except DomainError as error:
        raise ValidationError(error.message) from None


def _password_hint() -> str:
    count = current_app.config["PASSWORD_MIN_LENGTH"]
    return _(
        "At least %(count)d characters. A few unrelated words make a strong password.",
        count=count,
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class EmailForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), _password_rules])
    password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.password.description = _password_hint()


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1024)]
    )


def _name_field() -> StringField:
    return StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])


def _organisation_field() -> SelectField:
    return SelectField(
        _l("Organisation"),
        description=_l("If your organisation is not in the list, the academy team can add it."),
    )


def _job_function_field() -> StringField:
    return StringField(
        _l("Job function"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: urban planner, mayor, finance officer."),
    )


def _language_field() -> SelectField:
    return SelectField(_l("Preferred language"))


class ProfileForm(FlaskForm):
    name = _name_field()
    organisation = _organisation_field()
    job_function = _job_function_field()
    language = _language_field()

    def __init__(self, *args: Any, current: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = organisation_choices(current)
        self.language.choices = language_choices()


class RegisterForm(FlaskForm):
    name = _name_field()
    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Length(max=254), _email_rules]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), _password_rules])
    password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )
    organisation = _organisation_field()
    job_function = _job_function_field()
    language = _language_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.password.description = _password_hint()
        self.organisation.choices = organisation_choices()
        self.language.choices = language_choices()


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your current password"), validators=[DataRequired(), Length(max=1024)]
    )
