"""The learning blueprint, the loaders its views share and the helpers its templates use."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app
from flask_babel import format_date, format_datetime
from flask_login import current_user

from academy.core.permissions import deny
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort, Enrolment
from academy.plugins.cohorts.permissions import can_moderate
from academy.plugins.courses.blueprint import hours, markdown, minutes_label
from academy.plugins.courses.languages import language_name
from academy.plugins.learning.permissions import can_study
from academy.plugins.learning.uploads import allowed_extensions

bp = Blueprint("learning", __name__, url_prefix="/learn", template_folder="templates")


def my_enrolment(enrolment_id: int) -> Enrolment:
    """The current user's own enrolment that holds a place (404 for anyone else's)."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.user_id != current_user.id:
        abort(404)
    if not can_study(current_user, enrolment):
        deny(can_study)
    return enrolment


def moderated_cohort(cohort_id: int) -> Cohort:
    """A cohort the current user moderates (403 otherwise, 404 if it does not exist)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    if not can_moderate(current_user, cohort):
        deny(can_moderate)
    return cohort


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "markdown": markdown,
        "hours": hours,
        "minutes_label": minutes_label,
        "language_name": language_name,
        "allowed_extensions": allowed_extensions,
        "format_date": format_date,
        "format_datetime": format_datetime,
        "url_exists": lambda endpoint: endpoint in current_app.view_functions,
    }
