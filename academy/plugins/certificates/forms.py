"""Forms of the certificates pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from academy.core.urls import MAX_ID
from academy.plugins.certificates.services import REASON_MAX


class VerifyForm(FlaskForm):
    """The public look-up by code (a GET form: nothing changes, no CSRF token)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Certificate code"),
        validators=[DataRequired(), Length(max=60)],
        description=_l(
            "Twelve letters and digits, as printed on the certificate, e.g. 7KQ2-M9XD-4TRB."
        ),
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[DataRequired(), Length(max=REASON_MAX)],
        description=_l("Shown to anyone who verifies the certificate."),
    )


class IssueForm(FlaskForm):
    enrolment_id = IntegerField(
        _l("Enrolment number"),
        validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)],
        description=_l("The number of the learner's enrolment in the cohort."),
    )
    reason = TextAreaField(
        _l("Reason for issuing by hand"),
        validators=[DataRequired(), Length(max=REASON_MAX)],
        description=_l("Kept in the audit log; not shown on the certificate."),
    )
