"""Real URL arguments for every route, taken from the security tests' world.

Arguments are chosen by name (``cohort_id`` is cohort A, ``post_id`` the
learner's post …); ``ENDPOINT_ARGS`` overrides them where a route needs a
particular object, and ``VARIANTS`` names the other objects a matrix row may
ask for (cohort B, which the moderator does not moderate, the peer's enrolment …).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for
from werkzeug.routing import Rule

from tests.security.conftest import World

Value = Callable[[World], Any]

BY_NAME: dict[str, Value] = {
    "cohort_id": lambda w: w.cohort_a.id,
    "enrolment_id": lambda w: w.enrolment.id,
    "application_id": lambda w: w.application.id,
    "invitation_id": lambda w: w.invitation.id,
    "field_id": lambda w: w.application.expertise[0].id,
    "code": lambda w: w.certificate.code,
    "slug": lambda w: w.course.slug,
    "key": lambda w: w.lesson.key,
    "path": lambda _w: "diagram.png",
    "language": lambda _w: "fr",
    "scope": lambda _w: "lesson",
    "token_id": lambda w: w.token.id,
    "user_id": lambda w: w.peer.id,
    "organisation_id": lambda w: w.peer.organisation_id,
    "publisher_id": lambda w: w.publisher.id,
    "token": lambda w: w.upload,
    "thread_id": lambda w: w.thread.id,
    "post_id": lambda w: w.post.id,
    "mute_id": lambda w: w.mute.id,
    "notification_id": lambda w: w.notification.id,
    "submission_id": lambda w: w.submission.id,
    "course_id": lambda w: w.course.id,
    "version": lambda _w: "1.3",
    "number": lambda w: w.attempt.number,
    "filename": lambda _w: "academy.css",
}

ENDPOINT_ARGS: dict[str, dict[str, Value]] = {
    "account.confirm": {"token": lambda w: w.confirm_token},
    "account.reset_password": {"token": lambda w: w.reset_token},
    "cohorts.invitation": {"code": lambda w: w.invitation.code},
    "cohorts.redeem": {"code": lambda w: w.invitation.code},
    "cohorts.enrolment": {"enrolment_id": lambda w: w.peer_enrolment.id},
    "cohorts.approve": {"enrolment_id": lambda w: w.peer_enrolment.id},
    "cohorts.decline": {"enrolment_id": lambda w: w.peer_enrolment.id},
    "cohorts.remove": {"enrolment_id": lambda w: w.peer_enrolment.id},
    "cohorts.revoke_invitation": {"cohort_id": lambda w: w.invitation_cohort.id},
    "cohorts.applications": {"cohort_id": lambda w: w.selection.id},
    "cohorts.application": {"cohort_id": lambda w: w.selection.id},
    "cohorts.save_review": {"cohort_id": lambda w: w.selection.id},
    "cohorts.decide": {"cohort_id": lambda w: w.selection.id},
    "cohorts.report": {"cohort_id": lambda w: w.selection.id},
    "cohorts.report_file": {"cohort_id": lambda w: w.selection.id},
    "cohorts.apply": {"cohort_id": lambda w: w.selection.id},
    "courses.item": {"key": lambda w: w.quiz.key},
    "learning.attempt": {"key": lambda w: w.quiz.key},
    "learning.result": {"key": lambda w: w.quiz.key},
    "learning.submit": {"key": lambda w: w.assignment.key},
    "discussions.moderate_post": {"post_id": lambda w: w.reply.id},
    "discussions.mute_author": {"post_id": lambda w: w.reply.id},
    "discussions.report_post": {"post_id": lambda w: w.reply.id},
    "learning_api.complete_lesson": {"item_id": lambda w: w.lesson.id},
    "learning_api.attempt": {"item_id": lambda w: w.quiz.id},
    "certificates_api.issue": {"enrolment_id": lambda w: w.peer_enrolment.id},
    "discussions_api.moderate_post": {"post_id": lambda w: w.reply.id},
    "discussions_api.report_post": {"post_id": lambda w: w.reply.id},
}

#: Other objects a row of the matrix may name, by the arguments they change.
VARIANTS: dict[str, dict[str, Value]] = {
    "": {},
    "cohort B": {
        "cohort_id": lambda w: w.cohort_b.id,
        "enrolment_id": lambda w: w.peer_enrolment_b.id,
    },
    "unlisted cohort": {"cohort_id": lambda w: w.invitation_cohort.id},
    "unpublished course": {"slug": lambda w: w.draft_course.slug},
    "thread in cohort B": {"thread_id": lambda w: w.thread_b.id},
    "peer's enrolment": {"enrolment_id": lambda w: w.peer_enrolment.id},
}


def url_of(rule: Rule, world: World, variant: str = "", **fixed: Any) -> str:
    """The path of ``rule`` with real arguments (``variant`` names other objects; ``fixed``
    gives some arguments' values)."""
    chosen = BY_NAME | ENDPOINT_ARGS.get(rule.endpoint, {}) | VARIANTS[variant]
    values = {name: chosen[name](world) for name in rule.arguments} | fixed
    return str(url_for(rule.endpoint, _external=False, **values))
