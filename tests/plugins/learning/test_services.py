"""Learning services: lessons, quizzes, assignments, reviews, progress and completion."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from academy.core.errors import DomainError
from academy.core.mail.models import OutboxMessage
from academy.core.signals import course_completed
from academy.extensions import db
from academy.plugins.cohorts.models import EnrolmentEvent, EnrolmentStatus
from academy.plugins.learning import progress, services
from academy.plugins.learning.models import Completion, Progress, SubmissionStatus
from tests.plugins.learning.factories import enrol, item, make_moderator

RIGHT = {"q-one": ["b"], "q-two": ["true"]}
WRONG = {"q-one": ["a"], "q-two": ["false"]}
PDF = b"%PDF-1.4 a small plan"


def finish_everything(enrolment, moderator) -> None:
    services.complete_lesson(enrolment, item(enrolment, "intro"))
    services.complete_lesson(enrolment, item(enrolment, "second"))
    services.submit_quiz(enrolment, item(enrolment, "basics-quiz"), RIGHT)
    submission = services.submit_assignment(enrolment, item(enrolment, "plan"), text="My plan")
    services.review_submission(submission, accept=True, feedback="Good", by=moderator)


def test_completing_a_lesson_is_idempotent(app_ctx) -> None:
    enrolment = enrol()
    lesson = item(enrolment, "intro")
    assert services.complete_lesson(enrolment, lesson) is True
    assert services.complete_lesson(enrolment, lesson) is False
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Completion))
    assert count == 1
    row = db.session.get(Progress, enrolment.id)
    assert (row.required_done, row.required_total, row.percent) == (1, 4, 25)
    assert row.last_item_id == lesson.id


def test_a_lesson_of_another_course_is_refused(app_ctx) -> None:
    enrolment, other = enrol(), enrol()
    with pytest.raises(DomainError):
        services.complete_lesson(enrolment, item(other, "intro"))


def test_a_withdrawn_learner_cannot_study(app_ctx) -> None:
    enrolment = enrol(status=EnrolmentStatus.WITHDRAWN)
    with pytest.raises(DomainError):
        services.complete_lesson(enrolment, item(enrolment, "intro"))


def test_quiz_scores_and_keeps_a_pass(app_ctx) -> None:
    enrolment = enrol()
    quiz = item(enrolment, "basics-quiz")
    first = services.submit_quiz(enrolment, quiz, WRONG)
    assert (first.score, first.passed, first.results) == (
        0,
        False,
        {"q-one": False, "q-two": False},
    )
    second = services.submit_quiz(enrolment, quiz, RIGHT)
    assert (second.number, second.score, second.passed) == (2, 100, True)
    third = services.submit_quiz(enrolment, quiz, WRONG)
    assert not third.passed
    done = db.session.scalar(sa.select(Completion).where(Completion.item_id == quiz.id))
    assert done is not None  # a passed quiz stays passed
    with pytest.raises(DomainError, match="every attempt"):
        services.submit_quiz(enrolment, quiz, RIGHT)  # max_attempts is 3


def test_quiz_ignores_unknown_choices_and_refuses_empty_answers(app_ctx) -> None:
    enrolment = enrol()
    quiz = item(enrolment, "basics-quiz")
    with pytest.raises(DomainError):
        services.submit_quiz(enrolment, quiz, {"q-one": ["zzz"], "nope": ["a"]})
    attempt = services.submit_quiz(enrolment, quiz, {"q-one": ["b", "c"], "q-two": ["true"]})
    assert attempt.answers == {"q-one": ["b"], "q-two": ["true"]}  # single choice keeps one


def test_assignment_history_revision_and_acceptance(app_ctx) -> None:
    enrolment, moderator = enrol(), make_moderator()
    plan = item(enrolment, "plan")
    first = services.submit_assignment(enrolment, plan, text="Draft", file=("plan.pdf", PDF))
    assert first.file_type == "application/pdf"
    with pytest.raises(DomainError, match="waiting for review"):
        services.submit_assignment(enrolment, plan, text="Again")
    with pytest.raises(DomainError, match="feedback is required"):
        services.review_submission(first, accept=False, feedback=" ", by=moderator)
    services.review_submission(first, accept=False, feedback="Add dates", by=moderator)
    assert first.status == SubmissionStatus.REVISION
    second = services.submit_assignment(enrolment, plan, text="Final")
    services.review_submission(second, accept=True, feedback="", by=moderator)
    assert [s.number for s in services.submissions_of(enrolment, plan)] == [1, 2]
    mails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "assignment-reviewed")
    ).all()
    assert len(mails) == 2 and "Add dates" in mails[0].body


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.exe", b"MZ", "cannot be handed in"),
        ("plan.pdf", b"<html>not a pdf</html>", "not a pdf file"),
        ("plan.txt", b"\x00\x01binary", "not a txt file"),
        ("plan.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(app_ctx, name, data, message) -> None:
    enrolment = enrol()
    with pytest.raises(DomainError, match=message):
        services.submit_assignment(enrolment, item(enrolment, "plan"), text="", file=(name, data))
    assert services.submissions_of(enrolment, item(enrolment, "plan")) == []


def test_oversized_file_is_refused(app_ctx, app) -> None:
    enrolment = enrol()
    limit = app.config["LEARNING_UPLOAD_MAX_BYTES"]
    with pytest.raises(DomainError, match="larger than"):
        services.submit_assignment(
            enrolment, item(enrolment, "plan"), text="", file=("big.pdf", b"%PDF-" + b"0" * limit)
        )


def test_course_completion_fires_once_and_completes_the_enrolment(app_ctx) -> None:
    enrolment, moderator = enrol(), make_moderator()
    fired = []
    with course_completed.connected_to(lambda sender, **_: fired.append(sender)):
        finish_everything(enrolment, moderator)
        assert progress.claim_completion(enrolment) is False
        progress.recompute(enrolment)
    assert fired == [enrolment]
    assert enrolment.status == EnrolmentStatus.COMPLETED
    events = db.session.scalars(
        sa.select(EnrolmentEvent).where(EnrolmentEvent.enrolment_id == enrolment.id)
    ).all()
    assert [e.new_status for e in events] == [EnrolmentStatus.COMPLETED]


def test_sign_off_is_needed_when_the_course_asks(app_ctx) -> None:
    enrolment, moderator = enrol(), make_moderator()
    enrolment.cohort.course.requires_signoff = True
    finish_everything(enrolment, moderator)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    services.sign_off(enrolment, by=moderator)
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_upgrade_recomputes_progress_without_losing_completions(app_ctx) -> None:
    enrolment = enrol()
    services.complete_lesson(enrolment, item(enrolment, "intro"))
    assert db.session.get(Progress, enrolment.id).percent == 25
    extra = item(enrolment, "third")
    extra.required = True  # a newer version makes an optional lesson required
    progress.recompute_course(enrolment.cohort.course_id)
    row = db.session.get(Progress, enrolment.id)
    assert (row.required_done, row.required_total, row.percent) == (1, 5, 20)
    intro = item(enrolment, "intro")
    assert db.session.scalar(sa.select(Completion).where(Completion.item_id == intro.id))
