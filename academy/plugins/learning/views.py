"""The learner's pages: my learning, a course's overview, the item player (lesson,
quiz, assignment), quiz results and handed-in files."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from academy.core.errors import DomainError
from academy.core.permissions import is_signed_in, require
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.cohorts.models import Enrolment
from academy.plugins.cohorts.permissions import can_moderate
from academy.plugins.courses.languages import ui_language
from academy.plugins.courses.models import ItemType, TextScope
from academy.plugins.courses.outline import OutlineItem, item_scope
from academy.plugins.courses.queries import localised_text
from academy.plugins.learning import services
from academy.plugins.learning.blueprint import bp, my_enrolment
from academy.plugins.learning.forms import ActionForm, SubmissionForm
from academy.plugins.learning.hooks import dashboard_panels
from academy.plugins.learning.mine import my_learning
from academy.plugins.learning.models import QuizAttempt, Submission
from academy.plugins.learning.quiz import shown_questions
from academy.plugins.learning.state import LearnerState, load_state


@bp.get("/", endpoint="mine")
@require(is_signed_in)
def mine() -> str:
    """Every enrolment with its progress, next step, deadline and certificates."""
    return render_template(
        "learning/mine.html",
        entries=my_learning(current_user, ui_language()),
        dashboard_panels=dashboard_panels(current_user),
    )


@bp.get("/<int:enrolment_id>")
@require(is_signed_in)
def overview(enrolment_id: int) -> str:
    state = load_state(my_enrolment(enrolment_id), ui_language())
    return render_template("learning/overview.html", state=state)


def _entry(state: LearnerState, key: str) -> OutlineItem:
    entry = state.outline.find(key)
    if entry is None:
        abort(404)
    return entry


def _render_item(state: LearnerState, entry: OutlineItem, status: int = 200, **extra: Any) -> Any:
    course, item = state.course, entry.item
    text = localised_text(course, item_scope(item), item.key, state.outline.language)
    previous, following = state.outline.neighbours(entry.key)
    context: dict[str, Any] = {
        "state": state,
        "entry": entry,
        "item": item,
        "text": text,
        "previous": previous,
        "following": following,
        "action_form": ActionForm(),
    }
    if item.type == ItemType.QUIZ:
        attempts = services.attempts_of(state.enrolment, item)
        seed = f"{state.enrolment.id}:{item.id}:{len(attempts) + 1}"
        questions, qlanguage, _fields = shown_questions(course, item, text.language, seed=seed)
        context |= {
            "attempts": attempts,
            "questions": questions,
            "questions_language": qlanguage,
            "left": services.attempts_left(item, len(attempts)),
        }
    elif item.type == ItemType.ASSIGNMENT:
        history = services.submissions_of(state.enrolment, item)
        context |= {
            "history": history,
            "can_submit": services.can_submit(history),
            "form": extra.pop("form", None) or SubmissionForm(),
        }
    context |= extra
    return render_template("learning/item.html", **context), status


@bp.get("/<int:enrolment_id>/items/<key>")
@require(is_signed_in)
def item(enrolment_id: int, key: str) -> Any:
    enrolment = my_enrolment(enrolment_id)
    state = load_state(enrolment, ui_language())
    return _render_item(state, _entry(state, key))


@bp.post("/<int:enrolment_id>/items/<key>/complete")
@require(is_signed_in)
def complete(enrolment_id: int, key: str) -> Any:
    """Mark a lesson as complete (pressing twice changes nothing), then go to the next item."""
    enrolment = my_enrolment(enrolment_id)
    state = load_state(enrolment, ui_language())
    entry = _entry(state, key)
    if not ActionForm().validate_on_submit():
        flash(_("The form had expired. Please submit it again."), "error")
        return redirect(url_for("learning.item", enrolment_id=enrolment.id, key=key))
    try:
        services.complete_lesson(enrolment, entry.item)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("learning.item", enrolment_id=enrolment.id, key=key))
    _previous, following = state.outline.neighbours(key)
    if following is not None:
        return redirect(url_for("learning.item", enrolment_id=enrolment.id, key=following.key))
    return redirect(url_for("learning.overview", enrolment_id=enrolment.id))


@bp.post("/<int:enrolment_id>/items/<key>/attempts")
@require(is_signed_in)
def attempt(enrolment_id: int, key: str) -> Any:
    enrolment = my_enrolment(enrolment_id)
    state = load_state(enrolment, ui_language())
    entry = _entry(state, key)
    if entry.type != ItemType.QUIZ:
        abort(404)
    if not ActionForm().validate_on_submit():
        return _render_item(
            state, entry, 422, error=_("The form had expired. Please submit it again.")
        )
    answers = {
        name[2:]: request.form.getlist(name) for name in request.form if name.startswith("q-")
    }
    try:
        result = services.submit_quiz(enrolment, entry.item, answers)
    except DomainError as exc:
        return _render_item(state, entry, 422, error=exc.message, answers=answers)
    return redirect(
        url_for("learning.result", enrolment_id=enrolment.id, key=key, number=result.number)
    )


@bp.get("/<int:enrolment_id>/items/<key>/attempts/<int:number>")
@require(is_signed_in)
def result(enrolment_id: int, key: str, number: int) -> Any:
    """An attempt's score, with each question right or wrong and its feedback."""
    enrolment = my_enrolment(enrolment_id)
    state = load_state(enrolment, ui_language())
    entry = _entry(state, key)
    found = db.session.scalar(
        sa.select(QuizAttempt).where(
            QuizAttempt.enrolment_id == enrolment.id,
            QuizAttempt.item_id == entry.item.id,
            QuizAttempt.number == number,
        )
    )
    if found is None:
        abort(404)
    text = localised_text(state.course, TextScope.QUIZ, key, state.outline.language)
    questions, qlanguage, _fields = shown_questions(state.course, entry.item, text.language)
    used = len(services.attempts_of(enrolment, entry.item))
    return render_template(
        "learning/result.html",
        state=state,
        entry=entry,
        attempt=found,
        questions=questions,
        questions_language=qlanguage,
        left=services.attempts_left(entry.item, used),
    )


@bp.post("/<int:enrolment_id>/items/<key>/submissions")
@require(is_signed_in)
def submit(enrolment_id: int, key: str) -> Any:
    enrolment = my_enrolment(enrolment_id)
    state = load_state(enrolment, ui_language())
    entry = _entry(state, key)
    if entry.type != ItemType.ASSIGNMENT:
        abort(404)
    form = SubmissionForm()
    if not form.validate_on_submit():
        return _render_item(state, entry, 422, form=form)
    upload = form.file.data
    file = (upload.filename or "file", upload.read()) if upload and upload.filename else None
    try:
        services.submit_assignment(enrolment, entry.item, text=form.text.data or "", file=file)
    except DomainError as exc:
        target = form.file if exc.field == "file" else form.text
        target.errors = [*target.errors, exc.message]
        return _render_item(state, entry, 422, form=form)
    flash(_("Your assignment has been handed in. Your moderator will review it."), "success")
    return redirect(url_for("learning.item", enrolment_id=enrolment.id, key=key))


@bp.get("/submissions/<int:submission_id>/file")
@require(is_signed_in)
def submission_file(submission_id: int) -> Response:
    """A handed-in file, for its author and the cohort's moderators only."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.file_key is None:
        abort(404)
    enrolment: Enrolment = submission.enrolment
    if enrolment.user_id != current_user.id and not can_moderate(current_user, enrolment.cohort):
        abort(404)
    response = send_file(
        storage().open(submission.file_key),
        mimetype=submission.file_type or "application/octet-stream",
        as_attachment=True,
        download_name=submission.file_name or "file",
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
