"""Pages of the selection committee: the applications, scoring one, the decision, and
the selection report (a printable page and a CSV file).

Reviewers see only the cohorts they are assigned to (managers see every one),
and never their own organisation's applications.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.core.permissions import is_signed_in, require
from academy.plugins.cohorts import selection
from academy.plugins.cohorts.blueprint import (
    application_in,
    bp,
    committee_cohort,
    field_error,
    me,
)
from academy.plugins.cohorts.forms import DecisionForm, review_form
from academy.plugins.cohorts.models import Application, Cohort, Decision
from academy.plugins.cohorts.report import report_csv, report_row, selection_report


def _code(error: DomainError) -> int:
    """The page's status for a refusal: 422 for a plain rule, else the error's own."""
    return 422 if error.status == 400 else error.status


@bp.get("/<int:cohort_id>/applications")
@require(is_signed_in)
def applications(cohort_id: int) -> ResponseReturnValue:
    """The applications I may judge, with my review and the decision so far."""
    cohort = committee_cohort(cohort_id)
    rows = [report_row(cohort, a) for a in selection.visible_applications(cohort, hidden_from=me())]
    return render_template("cohorts/applications.html", cohort=cohort, rows=rows, me=me())


def _scores_of(form: Any, cohort: Cohort) -> dict[str, Any]:
    return {c["key"]: form[f"score_{c['key']}"].data for c in cohort.criteria}


def _initial(application: Application) -> dict[str, Any]:
    mine = selection.review_of(application, me())
    if mine is None:
        return {}
    return {"comment": mine.comment} | {f"score_{k}": v for k, v in mine.scores.items()}


def _application_page(
    cohort: Cohort,
    application: Application,
    *,
    form: Any = None,
    decision_form: DecisionForm | None = None,
    error: str | None = None,
    code: int = 200,
) -> Any:
    return render_template(
        "cohorts/application.html",
        cohort=cohort,
        application=application,
        row=report_row(cohort, application),
        mine=selection.review_of(application, me()),
        form=form or review_form(cohort.criteria, _initial(application)),
        decision_form=decision_form or DecisionForm(formdata=None),
        decided=application.decision in selection.FINAL,
        error=error,
    ), code


@bp.get("/<int:cohort_id>/applications/<int:application_id>")
@require(is_signed_in)
def application(cohort_id: int, application_id: int) -> ResponseReturnValue:
    """One application: what the applicant wrote, the scores, my review, the decision."""
    cohort = committee_cohort(cohort_id)
    return _application_page(cohort, application_in(cohort, application_id))


@bp.post("/<int:cohort_id>/applications/<int:application_id>")
@require(is_signed_in)
def save_review(cohort_id: int, application_id: int) -> ResponseReturnValue:
    cohort = committee_cohort(cohort_id)
    found = application_in(cohort, application_id)
    form = review_form(cohort.criteria)
    if not form.validate_on_submit():
        return _application_page(cohort, found, form=form, code=422)
    try:
        selection.review(
            found, reviewer=me(), scores=_scores_of(form, cohort), comment=form.comment.data or ""
        )
    except DomainError as error:
        message = field_error(form, error)
        return _application_page(cohort, found, form=form, error=message, code=_code(error))
    flash(_("Your review was saved."), "success")
    return redirect(url_for("cohorts.applications", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/applications/<int:application_id>/decision")
@require(is_signed_in)
def decide(cohort_id: int, application_id: int) -> ResponseReturnValue:
    """Record the committee's decision and its reason."""
    cohort = committee_cohort(cohort_id)
    found = application_in(cohort, application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _application_page(cohort, found, decision_form=form, code=422)
    decision = Decision(form.decision.data)
    try:
        selection.decide(found, decision=decision, reason=form.reason.data or "", by=me())
    except DomainError as error:
        message = field_error(form, error)
        return _application_page(
            cohort, found, decision_form=form, error=message, code=_code(error)
        )
    name = found.enrolment.user.name
    flash(
        _("Decision recorded for %(name)s: %(decision)s.", name=name, decision=decision.label),
        "success",
    )
    return redirect(url_for("cohorts.applications", cohort_id=cohort.id))


@bp.get("/<int:cohort_id>/selection-report")
@require(is_signed_in)
def report(cohort_id: int) -> ResponseReturnValue:
    """The selection report as a page to print."""
    cohort = committee_cohort(cohort_id)
    rows = selection_report(cohort, viewer=me())
    return render_template("cohorts/report.html", cohort=cohort, rows=rows, now=utcnow())


@bp.get("/<int:cohort_id>/selection-report.csv")
@require(is_signed_in)
def report_file(cohort_id: int) -> ResponseReturnValue:
    """The selection report as a CSV file (UTF-8 with a byte-order mark, for spreadsheets)."""
    cohort = committee_cohort(cohort_id)
    text = report_csv(cohort, selection_report(cohort, viewer=me()))
    response = Response("\ufeff" + text, mimetype="text/csv")
    filename = f"selection-report-cohort-{cohort.id}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
