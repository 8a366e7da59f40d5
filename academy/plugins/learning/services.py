"""Use cases of learning: complete a lesson, attempt a quiz, hand in and review an
assignment, sign off a course.  Services flush but never commit; they raise
DomainError with a translated message when a rule refuses the action.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from academy.core.accounts.models import User
from academy.core.audit.services import record
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError
from academy.core.mail.services import queue_template
from academy.core.signals import lesson_completed
from academy.extensions import db
from academy.plugins.cohorts.models import PLACE_HOLDING, Cohort, Enrolment
from academy.plugins.courses.models import Item, ItemType
from academy.plugins.learning import progress
from academy.plugins.learning.models import QuizAttempt, Submission, SubmissionStatus
from academy.plugins.learning.quiz import clean_answers, live_questions, score
from academy.plugins.learning.uploads import store_submission_file


def _check_item(enrolment: Enrolment, item: Item, kind: ItemType) -> None:
    cohort = db.session.get(Cohort, enrolment.cohort_id)
    if cohort is None or item.course_id != cohort.course_id or item.archived_at is not None:
        raise DomainError(_("This item is not part of the course."))
    if item.type != kind:
        raise DomainError(_("This item is not a %(kind)s.", kind=kind.label))
    if enrolment.status not in PLACE_HOLDING:
        raise DomainError(_("Only learners enrolled in the cohort can do this."))


def complete_lesson(enrolment: Enrolment, item: Item) -> bool:
    """Mark a lesson as read; True the first time, False after (idempotent)."""
    _check_item(enrolment, item, ItemType.LESSON)
    progress.touch(enrolment, item)
    first = progress.mark_done(enrolment, item)
    if first:
        lesson_completed.send(enrolment, lesson=item)
    progress.recompute(enrolment)
    return first


def attempts_of(enrolment: Enrolment, item: Item) -> list[QuizAttempt]:
    query = (
        sa.select(QuizAttempt)
        .where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.item_id == item.id)
        .order_by(QuizAttempt.number)
    )
    return list(db.session.scalars(query))


def attempts_left(item: Item, used: int) -> int | None:
    """How many attempts remain (None: no limit)."""
    return None if not item.max_attempts else max(0, item.max_attempts - used)


def submit_quiz(enrolment: Enrolment, item: Item, answers: dict[str, list[str]]) -> QuizAttempt:
    """Score an attempt; a pass completes the quiz, and a passed quiz stays passed."""
    _check_item(enrolment, item, ItemType.QUIZ)
    used = len(attempts_of(enrolment, item))
    if attempts_left(item, used) == 0:
        raise Conflict(_("You have used every attempt this quiz allows."))
    questions = live_questions(item)
    cleaned = clean_answers(questions, answers)
    if not any(cleaned.values()):
        raise DomainError(_("Answer at least one question before you submit."))
    percent, results = score(questions, cleaned)
    attempt = QuizAttempt(
        enrolment_id=enrolment.id,
        item_id=item.id,
        number=used + 1,
        answers=cleaned,
        results=results,
        score=percent,
        passed=percent >= (item.pass_mark or 0),
    )
    db.session.add(attempt)
    progress.touch(enrolment, item)
    db.session.flush()
    if attempt.passed:
        progress.mark_done(enrolment, item)
    progress.recompute(enrolment)
    return attempt


def submissions_of(enrolment: Enrolment, item: Item) -> list[Submission]:
    query = (
        sa.select(Submission)
        .where(Submission.enrolment_id == enrolment.id, Submission.item_id == item.id)
        .order_by(Submission.number)
    )
    return list(db.session.scalars(query))


def can_submit(history: list[Submission]) -> bool:
    """A first version, or a new one after the moderator asked for a revision."""
    return not history or history[-1].status == SubmissionStatus.REVISION


def submit_assignment(
    enrolment: Enrolment, item: Item, *, text: str, file: tuple[str, bytes] | None = None
) -> Submission:
    """Hand in an assignment (text and/or a file)."""
    _check_item(enrolment, item, ItemType.ASSIGNMENT)
    history = submissions_of(enrolment, item)
    if not can_submit(history):
        raise Conflict(_("Your last version is waiting for review or already accepted."))
    text = text.strip()
    if not text and file is None:
        raise DomainError(_("Write your answer or attach a file."), field="text")
    submission = Submission(
        enrolment_id=enrolment.id, item_id=item.id, number=len(history) + 1, text=text
    )
    if file is not None:
        stored = store_submission_file(enrolment.id, *file)
        submission.file_key, submission.file_name = stored.key, stored.name
        submission.file_size, submission.file_type = stored.size, stored.media_type
    db.session.add(submission)
    progress.touch(enrolment, item)
    db.session.flush()
    return submission


def review_submission(submission: Submission, *, accept: bool, feedback: str, by: User) -> None:
    """Accept, or ask for a revision with feedback (required then); the learner is told."""
    if submission.status != SubmissionStatus.SUBMITTED:
        raise Conflict(_("This version has already been reviewed."))
    feedback = feedback.strip()
    if not accept and not feedback:
        raise DomainError(_("Say what should change: feedback is required."), field="feedback")
    submission.status = SubmissionStatus.ACCEPTED if accept else SubmissionStatus.REVISION
    submission.feedback, submission.reviewed_at = feedback, utcnow()
    submission.reviewed_by_id = by.id
    enrolment = submission.enrolment
    record(by, "assignment.reviewed", submission, label=enrolment.user.name, accepted=accept)
    queue_template(
        enrolment.user,
        "assignment-reviewed",
        _("Your assignment has been reviewed"),
        submission=submission,
        accepted=accept,
    )
    db.session.flush()
    if accept:
        progress.mark_done(enrolment, submission.item)
    progress.recompute(enrolment)


def sign_off(enrolment: Enrolment, *, by: User) -> None:
    """A moderator confirms the learner's completion (for courses that ask for it)."""
    if enrolment.status not in PLACE_HOLDING:
        raise DomainError(_("Only learners enrolled in the cohort can be signed off."))
    if enrolment.signed_off_at is not None:
        return
    enrolment.signed_off_at, enrolment.signed_off_by_id = utcnow(), by.id
    record(by, "enrolment.signed_off", enrolment, label=enrolment.user.name)
    db.session.flush()
    progress.recompute(enrolment)
