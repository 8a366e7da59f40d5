"""Fixtures of the security tests: a realistic academy with people in every role.

:func:`build_world` makes one course and four cohorts with learners, staff and
everything the app's URLs point at (an enrolment, a quiz attempt, a handed-in
file, a certificate, a thread, a notification, an invitation, an API token …),
so each route can be requested with real arguments.  ``text`` decides what
people wrote: plain words for the authorisation matrix, hostile payloads for
the stored-XSS tests.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, g, request_started

from academy.core.accounts.auth import make_token
from academy.core.accounts.models import Role, User
from academy.core.api.models import ApiToken
from academy.core.api.tokens import create_token
from academy.core.db import utcnow
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.certificates import services as certificates
from academy.plugins.certificates.models import Certificate
from academy.plugins.cohorts import editing, invitations, selection
from academy.plugins.cohorts import services as cohorts
from academy.plugins.cohorts.expertise import active_fields, ensure_default_fields
from academy.plugins.cohorts.models import (
    Application,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentMode,
    Invitation,
)
from academy.plugins.courses.models import Course, Item
from academy.plugins.discussions import moderation
from academy.plugins.discussions import services as discussions
from academy.plugins.discussions.models import Mute, Notification, Post, Thread
from academy.plugins.learning import services as learning
from academy.plugins.learning.models import QuizAttempt, Submission
from academy.plugins.packages.models import Publisher
from academy.plugins.packages.publishers import trust_publisher
from academy.plugins.packages.signing import Signer
from tests.factories import make_organisation, make_user
from tests.plugins.courses.factories import make_asset, make_course
from tests.plugins.packages.builders import PNG, new_signer

ROLES = ("anonymous", "learner", "reviewer", "moderator", "manager", "admin")
UPLOADS = "packages/uploads/"
#: The items of the factory course the world uses (a course from a package may name others).
ITEM_KEYS = {"lesson": "intro", "quiz": "basics-quiz", "assignment": "plan"}


@pytest.fixture(autouse=True)
def _fresh_request_state(app: Flask) -> Iterator[None]:
    """Each request finds its own user and language, as in production."""

    def forget(_sender: Flask, **_extra: object) -> None:
        g.__dict__.clear()

    request_started.connect(forget, app)
    try:
        yield
    finally:
        request_started.disconnect(forget, app)


@dataclass
class World:
    """Everything a URL of the app can point at, and who owns what."""

    course: Course
    draft_course: Course  # not published: for managers only
    learner: User  # enrolled in cohort_a: owns the enrolment, attempt, submission, certificate
    peer: User  # another learner of cohort_a and cohort_b; applied to the selection cohort
    reviewer: User  # sits on the selection cohort's committee
    moderator: User  # moderates cohort_a only
    manager: User
    admin: User
    unconfirmed: User  # has a confirmation link and a reset link
    cohort_a: Cohort
    cohort_b: Cohort  # moderated by someone else; the learner is not in it
    selection: Cohort
    invitation_cohort: Cohort
    enrolment: Enrolment  # the learner's, in cohort_a
    peer_enrolment: Enrolment  # the peer's, in cohort_a
    peer_enrolment_b: Enrolment  # the peer's, in cohort_b
    application: Application  # the peer's, to the selection cohort
    invitation: Invitation
    attempt: QuizAttempt
    submission: Submission
    certificate: Certificate
    thread: Thread  # started by the learner in cohort_a
    post: Post  # the thread's opening post (the learner's)
    reply: Post  # the peer's reply
    thread_b: Thread  # in cohort_b, by the peer
    notification: Notification  # the learner's, about the peer's reply
    mute: Mute
    token: ApiToken
    secret: str  # the learner's API token
    publisher: Publisher
    upload: str  # a package waiting for review
    confirm_token: str
    reset_token: str
    lesson: Item
    quiz: Item
    assignment: Item

    def person(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


def _words(field: str) -> str:
    return field.capitalize()


def _open_cohort(course: Course, name: str, description: str, **extra: Any) -> Cohort:
    details = editing.CohortDetails(
        name=name,
        language="en",
        status=CohortStatus.RUNNING,
        description=description,
        **extra,
    )
    return editing.create_cohort(course, details, by=None)


def _people(text: Callable[[str], str]) -> dict[str, User]:
    home = make_organisation(text("organisation name"))
    elsewhere = make_organisation(country="FR")
    people = {
        "learner": make_user(name=text("learner name"), organisation=home),
        "peer": make_user(name=text("peer name"), organisation=home),
        "reviewer": make_user(name="Rui Reviewer", roles=[Role.REVIEWER], organisation=elsewhere),
        "moderator": make_user(name=text("moderator name"), roles=[Role.MODERATOR]),
        "other_moderator": make_user(name="Otto Moderator", roles=[Role.MODERATOR]),
        "manager": make_user(name="Manon Manager", roles=[Role.MANAGER]),
        "admin": make_user(name="Ada Admin", roles=[Role.ADMIN]),
        "unconfirmed": make_user(name=text("unconfirmed name"), confirmed=False),
    }
    for user in people.values():
        user.job_function = text("job function")
        user.created_at = utcnow() - timedelta(days=30)  # no new-account limits on links
    db.session.flush()
    return people


def _item(course: Course, key: str) -> Item:
    return next(i for m in course.modules for i in m.items if i.key == key)


def _learning(world: dict[str, Any], text: Callable[[str], str]) -> None:
    enrolment = world["enrolment"]
    learning.complete_lesson(enrolment, world["lesson"])
    quiz = world["quiz"]
    learning.submit_quiz(enrolment, quiz, {"q-one": ["a"], "q-two": ["true"]})
    world["attempt"] = learning.attempts_of(enrolment, quiz)[0]
    world["submission"] = learning.submit_assignment(
        enrolment,
        world["assignment"],
        text=text("assignment text"),
        file=("plan.txt", b"My plan, as a file.\n"),
    )
    world["certificate"] = certificates.issue(enrolment).certificate


def _discussions(world: dict[str, Any], text: Callable[[str], str]) -> None:
    learner, peer = world["learner"], world["peer"]
    thread = discussions.start_thread(
        world["cohort_a"], learner, title=text("thread title"), body=text("post body")
    )
    world["thread"] = thread
    world["post"] = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id))
    world["reply"] = discussions.reply(thread, peer, body=text("reply body"))
    world["notification"] = db.session.scalar(
        db.select(Notification).where(Notification.user_id == learner.id)
    )
    world["thread_b"] = discussions.start_thread(
        world["cohort_b"], peer, title="In cohort B", body="Only for cohort B."
    )
    discussions.report_post(world["reply"], learner, reason=text("report reason"))
    world["mute"] = moderation.mute(
        world["cohort_a"], peer, days=2, reason=text("mute reason"), by=world["moderator"]
    )
    moderation.post_announcement(
        world["cohort_a"],
        title=text("announcement title"),
        body=text("announcement body"),
        by=world["moderator"],
    )


def _cohorts(world: dict[str, Any], text: Callable[[str], str]) -> None:
    course = world["course"]
    world["cohort_a"] = a = _open_cohort(course, text("cohort name"), text("cohort description"))
    world["cohort_b"] = b = _open_cohort(course, "Cohort B", "Someone else's cohort.")
    world["selection"] = s = _open_cohort(
        course, text("selection cohort name"), "Apply.", mode=EnrolmentMode.SELECTION
    )
    world["invitation_cohort"] = i = _open_cohort(
        course, "By invitation", "Invited only.", mode=EnrolmentMode.INVITATION
    )
    editing.set_staff(a, moderators=[world["moderator"]], reviewers=[], by=None)
    editing.set_staff(b, moderators=[world["other_moderator"]], reviewers=[], by=None)
    editing.set_staff(s, moderators=[], reviewers=[world["reviewer"]], by=None)
    learner, peer = world["learner"], world["peer"]
    world["enrolment"] = cohorts.enrol(learner, a, by=learner)
    world["peer_enrolment"] = cohorts.enrol(peer, a, by=peer)
    world["peer_enrolment_b"] = cohorts.enrol(peer, b, by=peer)
    ensure_default_fields()
    world["application"] = selection.apply(
        peer,
        s,
        motivation=text("application motivation"),
        expertise=active_fields()[:1],
        organisation=peer.organisation,
        international_experience=text("international experience"),
    )
    world["invitation"] = invitations.create_code(
        i, max_uses=5, expires_at=None, by=world["manager"]
    )


def _packages(world: dict[str, Any], signer: Signer) -> None:
    world["publisher"] = trust_publisher(signer.publisher, by=None)
    token = secrets.token_urlsafe(16)
    storage().put(f"{UPLOADS}{token}.zip", b"not really a package")
    world["upload"] = token


def build_world(
    text: Callable[[str], str] = _words,
    *,
    course: Course | None = None,
    keys: dict[str, str] = ITEM_KEYS,
) -> World:
    """The academy described above, committed to the test's savepoint.

    ``text(field)`` gives what people typed in each user-written field; ``course``
    replaces the factory course (``keys`` names its lesson, quiz and assignment).
    """
    found: dict[str, Any] = dict(_people(text))
    if course is None:
        course = make_course()
        make_asset(course, "diagram.png", PNG, "image/png")
    found["course"] = course
    found["draft_course"] = make_course(published=False)
    found |= {role: _item(course, key) for role, key in keys.items()}
    _cohorts(found, text)
    _learning(found, text)
    _discussions(found, text)
    _packages(found, new_signer("trusted-partner", "Trusted partner"))
    token, secret = create_token(found["learner"], name=text("token name")[:100])
    found |= {"token": token, "secret": secret}
    found["confirm_token"] = make_token(found["unconfirmed"], "confirm")
    found["reset_token"] = make_token(found["peer"], "reset")
    del found["other_moderator"]
    db.session.commit()
    return World(**found)


@pytest.fixture
def world(app: Flask) -> World:
    with app.test_request_context():
        return build_world()
