"""The moderator's pages: cohort dashboard, assignments to review, sign-off, exports."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.core.permissions import deny, is_signed_in, require
from academy.extensions import db
from academy.plugins.cohorts.models import Enrolment
from academy.plugins.cohorts.permissions import can_moderate
from academy.plugins.courses.languages import ui_language
from academy.plugins.courses.models import TextScope
from academy.plugins.courses.queries import localised_text
from academy.plugins.learning import services
from academy.plugins.learning.blueprint import bp, moderated_cohort
from academy.plugins.learning.charts import histogram_svg
from academy.plugins.learning.dashboard import all_rows, load_dashboard, question_texts
from academy.plugins.learning.exports import progress_csv, xapi_statements
from academy.plugins.learning.forms import ActionForm, ReviewForm
from academy.plugins.learning.models import Submission

GRID_PAGE = 100


def _settings() -> dict[str, Any]:
    return {
        "inactive_days": current_app.config["LEARNING_INACTIVE_DAYS"],
        "today": utcnow().date(),
    }


@bp.get("/cohorts/<int:cohort_id>/dashboard")
@require(is_signed_in)
def dashboard(cohort_id: int) -> str:
    cohort = moderated_cohort(cohort_id)
    page = request.args.get("page", 1, type=int) or 1
    board = load_dashboard(cohort, ui_language(), page=page, per_page=GRID_PAGE, **_settings())
    labels = [f"{n * 10}–{n * 10 + 9}" for n in range(10)] + ["100"]
    chart = histogram_svg(board.histogram, labels, _("Learners by progress (%%)"))
    return render_template(
        "learning/dashboard.html",
        board=board,
        chart=chart,
        labels=labels,
        questions=question_texts(board, ui_language()),
        now=utcnow(),
        action_form=ActionForm(),
    )


@bp.get("/cohorts/<int:cohort_id>/progress.csv")
@require(is_signed_in)
def export_csv(cohort_id: int) -> Response:
    cohort = moderated_cohort(cohort_id)
    outline, rows = all_rows(cohort, ui_language(), **_settings())
    return Response(
        progress_csv(outline, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="cohort-{cohort_id}-progress.csv"'},
    )


@bp.get("/cohorts/<int:cohort_id>/xapi.jsonl")
@require(is_signed_in)
def export_xapi(cohort_id: int) -> Response:
    cohort = moderated_cohort(cohort_id)
    base = current_app.config["ACADEMY_BASE_URL"].rstrip("/")
    body = "".join(line + "\n" for line in xapi_statements(cohort, base))
    return Response(
        body,
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="cohort-{cohort_id}-xapi.jsonl"'},
    )


def _submission_to_review(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404)
    if not can_moderate(current_user, submission.enrolment.cohort):
        deny(can_moderate)
    return submission


def _render_review(submission: Submission, form: ReviewForm, status: int = 200) -> Any:
    cohort = submission.enrolment.cohort
    task = localised_text(cohort.course, TextScope.ASSIGNMENT, submission.item.key, ui_language())
    history = services.submissions_of(submission.enrolment, submission.item)
    page = render_template(
        "learning/review.html",
        submission=submission,
        cohort=cohort,
        task=task,
        history=history,
        form=form,
    )
    return page, status


@bp.get("/submissions/<int:submission_id>/review")
@require(is_signed_in)
def review(submission_id: int) -> Any:
    return _render_review(_submission_to_review(submission_id), ReviewForm())


@bp.post("/submissions/<int:submission_id>/review")
@require(is_signed_in)
def review_post(submission_id: int) -> Any:
    submission = _submission_to_review(submission_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render_review(submission, form, 422)
    try:
        services.review_submission(
            submission,
            accept=form.decision.data == "accept",
            feedback=form.feedback.data or "",
            by=current_user,
        )
    except DomainError as exc:
        form.feedback.errors = [*form.feedback.errors, exc.message]
        return _render_review(submission, form, 422)
    flash(_("Your review has been saved and the learner told."), "success")
    return redirect(url_for("learning.dashboard", cohort_id=submission.enrolment.cohort_id))


@bp.post("/enrolments/<int:enrolment_id>/sign-off")
@require(is_signed_in)
def sign_off(enrolment_id: int) -> Any:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        abort(404)
    if not can_moderate(current_user, enrolment.cohort):
        deny(can_moderate)
    if ActionForm().validate_on_submit():
        try:
            services.sign_off(enrolment, by=current_user)
            flash(_("Completion signed off for %(name)s.", name=enrolment.user.name), "success")
        except DomainError as exc:
            flash(exc.message, "error")
    return redirect(url_for("learning.dashboard", cohort_id=enrolment.cohort_id))
