"""Forms of the cohort pages.  Labels are lazy strings; choices are set per request."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from academy.plugins.cohorts.criteria import SCORE_MAX, SCORE_MIN, criterion_label
from academy.plugins.cohorts.models import CohortStatus, Decision, EnrolmentMode

TEXT_MAX = 10_000


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def end_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC) if day else None


class CohortForm(FlaskForm):
    course = SelectField(_l("Course"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language of the cohort"), validators=[DataRequired()])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Who the cohort is for and how it runs; shown on the cohort's page."),
    )
    mode = SelectField(_l("Enrolment"), validators=[DataRequired()])
    status = SelectField(_l("Status"), validators=[DataRequired()])
    capacity = IntegerField(
        _l("Places"),
        validators=[Optional(), NumberRange(min=1, max=100_000)],
        description=_l("Leave empty for no limit. When the cohort is full, newcomers wait."),
    )
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    enrol_opens_on = DateField(_l("Enrolment opens on"), validators=[Optional()])
    enrol_closes_on = DateField(
        _l("Enrolment closes on"),
        validators=[Optional()],
        description=_l("Enrolment stays open until the end of that day (UTC)."),
    )
    moderators = MultiCheckboxField(_l("Moderators"), coerce=int)
    reviewers = MultiCheckboxField(
        _l("Selection committee reviewers"),
        coerce=int,
        description=_l("For selection cohorts: the reviewers who score the applications."),
    )
    criteria = TextAreaField(
        _l("Selection criteria"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l(
            "For selection cohorts: one criterion per line as “label | weight”. Reviewers "
            "score each from 0 to 5."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mode.choices = [(m.value, m.label) for m in EnrolmentMode]
        self.status.choices = [(s.value, s.label) for s in CohortStatus]


class ApplicationForm(FlaskForm):
    motivation = TextAreaField(
        _l("Motivation"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
        description=_l("Why you want to take part, and what you would bring to the exchanges."),
    )
    expertise = MultiCheckboxField(
        _l("Fields of expertise"), coerce=int, validators=[DataRequired()]
    )
    organisation = SelectField(_l("Organisation"), coerce=str, validators=[Optional()])
    international_experience = TextAreaField(
        _l("International experience"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l(
            "Work with colleagues in other countries, if any. It is an advantage, never a "
            "condition: you can leave this empty."
        ),
    )


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
        description=_l("Kept in the selection record; the applicant is not sent this text."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision.choices = [(d.value, d.label) for d in Decision]


def review_form(criteria: list[dict[str, Any]], data: dict[str, Any] | None = None) -> FlaskForm:
    """A form with one score (0-5) per criterion of the cohort, and a comment."""

    class ReviewForm(FlaskForm):
        comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=TEXT_MAX)])

    for criterion in criteria:
        field = IntegerField(
            criterion_label(criterion),
            validators=[InputRequired(), NumberRange(min=SCORE_MIN, max=SCORE_MAX)],
            description=_l("From 0 (not at all) to 5 (excellent)."),
        )
        setattr(ReviewForm, f"score_{criterion['key']}", field)
    return ReviewForm(data=data)


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Telling the moderators why helps them improve the course."),
    )


class InvitationCodeForm(FlaskForm):
    max_uses = IntegerField(
        _l("How many people may use it"),
        default=25,
        validators=[InputRequired(), NumberRange(min=1, max=10_000)],
    )
    expires_on = DateField(
        _l("Valid until"),
        validators=[Optional()],
        description=_l("The last day it works (UTC). Leave empty for no end date."),
    )


class InvitationEmailsForm(FlaskForm):
    emails = TextAreaField(
        _l("Email addresses"),
        validators=[DataRequired(), Length(max=50_000)],
        description=_l("One per line (commas and semicolons work too). Each gets a personal link."),
    )
    expires_on = DateField(_l("Valid until"), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l(
            "The first line names the columns: email, name, organisation, language. "
            "Only email is required for people who already have an account."
        ),
    )


class ExpertiseForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])


def language_choices(course_languages: list[str]) -> list[tuple[str, str]]:
    """The interface languages and the course's languages, by name."""
    from academy.plugins.courses.languages import language_name

    codes = dict.fromkeys([*current_app.config["LANGUAGES"], *course_languages])
    return sorted(((code, language_name(code)) for code in codes), key=lambda c: c[1].casefold())
