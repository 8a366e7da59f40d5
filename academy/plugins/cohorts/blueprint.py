"""The cohorts blueprint, the loaders its views share and its template helpers.

Every loader checks a named permission on the object it loads: 404 when the
object does not exist, 403 (or the sign-in page) when the user may not see it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app
from flask_babel import format_date, format_datetime
from flask_login import current_user
from flask_wtf import FlaskForm

from academy.core.accounts.models import User
from academy.core.errors import DomainError
from academy.core.permissions import Permission, check
from academy.extensions import db
from academy.plugins.cohorts import access as permissions
from academy.plugins.cohorts.criteria import criterion_label
from academy.plugins.cohorts.expertise import field_label
from academy.plugins.cohorts.models import Application, Cohort, Enrolment, EnrolmentMode
from academy.plugins.cohorts.services import reason_label
from academy.plugins.courses.languages import language_name

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts", template_folder="templates")


def me() -> User:
    """The signed-in user (views that call it require a permission first)."""
    user: User = current_user._get_current_object()
    return user


def _cohort(cohort_id: int, permission: Permission) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    check(permission, cohort)
    return cohort


def visible_cohort(cohort_id: int) -> Cohort:
    return _cohort(cohort_id, permissions.can_view_cohort)


def moderated_cohort(cohort_id: int) -> Cohort:
    return _cohort(cohort_id, permissions.can_moderate)


def managed_cohort(cohort_id: int) -> Cohort:
    return _cohort(cohort_id, permissions.can_manage_cohorts)


def committee_cohort(cohort_id: int) -> Cohort:
    """A selection cohort whose committee the user sits on (or a manager)."""
    cohort = _cohort(cohort_id, permissions.can_decide)
    if cohort.mode != EnrolmentMode.SELECTION:
        abort(404)
    return cohort


def enrolment_in(cohort: Cohort, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort.id:
        abort(404)
    return enrolment


def application_in(cohort: Cohort, application_id: int) -> Application:
    """An application of the cohort; 403 for the user's own organisation's (or their own)."""
    application = db.session.get(Application, application_id)
    if application is None or application.enrolment.cohort_id != cohort.id:
        abort(404)
    check(permissions.can_judge, application)
    return application


def field_error(form: FlaskForm, error: DomainError) -> str | None:
    """Show ``error`` on its form field; return it when no field of the form fits."""
    field = form._fields.get(error.field) if error.field else None
    if field is None:
        return error.message
    field.errors = [*field.errors, error.message]
    return None


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "format_date": format_date,
        "format_datetime": format_datetime,
        "language_name": language_name,
        "reason_label": reason_label,
        "field_label": field_label,
        "criterion_label": criterion_label,
        "cohort_perm": permissions,
        "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
    }
