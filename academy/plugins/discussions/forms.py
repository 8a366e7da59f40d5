"""Forms of the discussion pages.  Limits that are settings are read when a form validates."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, ValidationError

from academy.plugins.discussions.models import ModerationAction, ModerationMode
from academy.plugins.discussions.moderation import POST_ACTIONS, THREAD_ACTIONS
from academy.plugins.discussions.services import REASON_MAX, TITLE_MAX

MARKDOWN_HINT = _l(
    "You can use Markdown: *italics*, **bold**, lists, > quotes and [links](https://…)."
)


def _post_length(_form: FlaskForm, field: Field) -> None:
    limit = int(current_app.config["DISCUSSIONS_POST_MAX_CHARS"])
    if field.data and len(field.data) > limit:
        raise ValidationError(_("A post can be at most %(limit)d characters long.", limit=limit))


def _body_field(label: Any = None) -> TextAreaField:
    return TextAreaField(
        label or _l("Your message"),
        validators=[DataRequired(_l("Please write something.")), _post_length],
        description=MARKDOWN_HINT,
    )


def _title_field() -> StringField:
    return StringField(
        _l("Title"),
        validators=[DataRequired(_l("Please give the thread a title.")), Length(max=TITLE_MAX)],
    )


def _reason_field(label: Any, *, required: bool = False) -> TextAreaField:
    presence = DataRequired(_l("Please give a reason.")) if required else Optional()
    return TextAreaField(label, validators=[presence, Length(max=REASON_MAX)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ThreadForm(FlaskForm):
    title = _title_field()
    body = _body_field()
    #: The lesson's key for a lesson board; empty for the general board.
    lesson = HiddenField()


class ReplyForm(FlaskForm):
    body = _body_field(_l("Your reply"))


class EditForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX)])
    body = _body_field()


class ReportForm(FlaskForm):
    reason = _reason_field(_l("What is wrong with this post?"), required=True)


def _values(actions: tuple[ModerationAction, ...]) -> list[str]:
    return [action.value for action in actions]


class PostModerationForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(_values(POST_ACTIONS))])
    reason = _reason_field(_l("Reason (the author sees it when a post is hidden)"))


class ThreadModerationForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(_values(THREAD_ACTIONS))])
    reason = _reason_field(_l("Reason (optional)"))


class MuteForm(FlaskForm):
    """Mute the author of the post the form is shown for."""

    days = IntegerField(
        _l("Days"),
        default=7,
        validators=[DataRequired(_l("Please give a number of days.")), NumberRange(min=1)],
    )
    reason = _reason_field(_l("Reason"), required=True)


class UnmuteForm(FlaskForm):
    reason = _reason_field(_l("Reason (optional)"))


class ModeForm(FlaskForm):
    mode = SelectField(
        _l("Moderation"),
        choices=[],
        validators=[DataRequired()],
    )
    reason = _reason_field(_l("Reason (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mode.choices = [(mode.value, mode.label) for mode in ModerationMode]


class AnnouncementForm(FlaskForm):
    title = _title_field()
    body = _body_field(_l("Announcement"))


class PreferenceForm(FlaskForm):
    email_digest = BooleanField(_l("Email me a digest of my unread notifications"))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Search the discussions"),
        validators=[DataRequired(), Length(min=2, max=100)],
    )
