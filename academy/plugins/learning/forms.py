"""Forms of the learning pages (CSRF for every POST)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

TEXT_MAX = 50_000


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class SubmissionForm(FlaskForm):
    text = TextAreaField(
        _l("Your answer"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Write your answer here, attach a file, or both."),
    )
    file = FileField(_l("Attach a file"))


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("accept", _l("Accept")),
            SelectChoice("revise", _l("Ask for a revision")),
        ],
        validators=[DataRequired()],
    )
    feedback = TextAreaField(
        _l("Feedback to the learner"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Required when you ask for a revision."),
    )
