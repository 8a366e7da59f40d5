"""Enrolment services: modes, capacity and the waiting list, withdraw, remove, approve,
decline, and the record of every change (events and the enrolment_changed signal)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError
from academy.core.signals import enrolment_changed
from academy.extensions import db
from academy.plugins.cohorts import editing, services
from academy.plugins.cohorts.models import CohortStatus, EnrolmentMode, EnrolmentStatus
from academy.plugins.courses.models import Course
from tests.factories import make_user
from tests.plugins.cohorts.support import (
    audit_events,
    history,
    make_cohort,
    make_learners,
    outbox,
    statuses,
)

S = EnrolmentStatus


@pytest.fixture
def signals(app: Flask) -> Iterator[list[dict[str, Any]]]:
    """Every enrolment_changed sent during the test."""
    seen: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        seen.append({"enrolment": sender, **kwargs})

    enrolment_changed.connect(receiver)
    yield seen
    enrolment_changed.disconnect(receiver)


def test_open_cohort_enrols_at_once(app_ctx: Flask, course: Course, learner: User) -> None:
    cohort = make_cohort(course, capacity=2)
    enrolment = services.enrol(learner, cohort, by=learner)
    assert enrolment.status == S.ACTIVE
    assert history(enrolment) == [(None, "active", learner.id, "")]
    assert services.places_left(cohort) == 1


def test_a_full_cohort_puts_newcomers_on_the_waiting_list(app_ctx: Flask, course: Course) -> None:
    cohort = make_cohort(course, capacity=2)
    people = make_learners(4)
    enrolments = [services.enrol(p, cohort, by=p) for p in people]
    assert [e.status for e in enrolments] == [S.ACTIVE, S.ACTIVE, S.WAITING, S.WAITING]
    assert [services.waiting_position(e) for e in enrolments] == [None, None, 1, 2]
    assert services.places_left(cohort) == 0


def test_without_a_capacity_everyone_gets_a_place(app_ctx: Flask, course: Course) -> None:
    cohort = make_cohort(course)
    for person in make_learners(5):
        services.enrol(person, cohort, by=person)
    assert statuses(cohort) == {S.ACTIVE: 5}
    assert services.places_left(cohort) is None


def test_enrolling_twice_is_a_conflict(app_ctx: Flask, course: Course, learner: User) -> None:
    cohort = make_cohort(course)
    services.enrol(learner, cohort, by=learner)
    with pytest.raises(Conflict):
        services.enrol(learner, cohort, by=learner)


@pytest.mark.parametrize(
    ("mode", "message"),
    [(EnrolmentMode.SELECTION, "apply"), (EnrolmentMode.INVITATION, "invitation")],
)
def test_selection_and_invitation_cohorts_refuse_plain_enrolment(
    app_ctx: Flask, course: Course, learner: User, mode: EnrolmentMode, message: str
) -> None:
    cohort = make_cohort(course, mode=mode)
    with pytest.raises(DomainError, match=message):
        services.enrol(learner, cohort, by=learner)
    assert services.enrolment_of(learner, cohort) is None


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        (CohortStatus.DRAFT, {}),
        (CohortStatus.FINISHED, {}),
        (CohortStatus.OPEN, {"enrol_opens_at": utcnow() + timedelta(days=1)}),
        (CohortStatus.OPEN, {"enrol_closes_at": utcnow() - timedelta(days=1)}),
    ],
)
def test_enrolment_only_while_the_cohort_takes_it(
    app_ctx: Flask, course: Course, learner: User, status: CohortStatus, extra: dict[str, Any]
) -> None:
    cohort = make_cohort(course, status=status, **extra)
    with pytest.raises(DomainError):
        services.enrol(learner, cohort, by=learner)


def test_running_cohort_inside_its_window_takes_enrolments(
    app_ctx: Flask, course: Course, learner: User
) -> None:
    window = {
        "enrol_opens_at": utcnow() - timedelta(days=1),
        "enrol_closes_at": utcnow() + timedelta(days=1),
    }
    cohort = make_cohort(course, status=CohortStatus.RUNNING, **window)
    assert services.enrol(learner, cohort, by=learner).status == S.ACTIVE


def test_withdrawal_promotes_the_first_in_line_and_emails_them(
    app_ctx: Flask, course: Course
) -> None:
    cohort = make_cohort(course, capacity=1)
    first, second, third = make_learners(3)
    held = services.enrol(first, cohort, by=first)
    next_in_line = services.enrol(second, cohort, by=second)
    later = services.enrol(third, cohort, by=third)
    promoted = services.withdraw(held, by=first, reason="No time this year")
    assert promoted == [next_in_line]
    assert (held.status, next_in_line.status, later.status) == (S.WITHDRAWN, S.ACTIVE, S.WAITING)
    assert services.waiting_position(later) == 1
    assert history(held)[-1] == ("active", "withdrawn", first.id, "No time this year")
    assert history(next_in_line) == [
        (None, "waiting", second.id, ""),
        ("waiting", "active", None, services.PROMOTED),
    ]
    (mail,) = outbox("cohorts-promoted")
    assert mail.recipient == second.email
    assert cohort.name in mail.subject and f"/cohorts/{cohort.id}" in mail.body
    assert not outbox("cohorts-promoted", to=third.email)


def test_leaving_the_waiting_list_promotes_nobody(app_ctx: Flask, course: Course) -> None:
    cohort = make_cohort(course, capacity=1)
    first, second = make_learners(2)
    services.enrol(first, cohort, by=first)
    waiting = services.enrol(second, cohort, by=second)
    assert services.withdraw(waiting, by=second) == []
    assert statuses(cohort) == {S.ACTIVE: 1, S.WITHDRAWN: 1}
    assert not outbox("cohorts-promoted")


def test_withdrawn_people_may_enrol_again(app_ctx: Flask, course: Course, learner: User) -> None:
    cohort = make_cohort(course)
    enrolment = services.enrol(learner, cohort, by=learner)
    services.withdraw(enrolment, by=learner)
    again = services.enrol(learner, cohort, by=learner)
    assert again.id == enrolment.id and again.status == S.ACTIVE
    assert [h[:2] for h in history(again)] == [
        (None, "active"),
        ("active", "withdrawn"),
        ("withdrawn", "active"),
    ]


def test_a_completed_enrolment_cannot_be_withdrawn(
    app_ctx: Flask, course: Course, learner: User
) -> None:
    cohort = make_cohort(course)
    enrolment = services.enrol(learner, cohort, by=learner)
    services.set_status(enrolment, S.COMPLETED, by=None, reason="course criteria met")
    assert enrolment.completed_at is not None
    with pytest.raises(DomainError):
        services.withdraw(enrolment, by=learner)


def test_moderator_removes_with_a_reason(app_ctx: Flask, course: Course, moderator: User) -> None:
    cohort = make_cohort(course, capacity=1, moderators=[moderator])
    first, second = make_learners(2)
    removed = services.enrol(first, cohort, by=first)
    waiting = services.enrol(second, cohort, by=second)
    with pytest.raises(DomainError, match="reason"):
        services.remove(removed, reason="  ", by=moderator)
    assert removed.status == S.ACTIVE
    services.remove(removed, reason="Never took part", by=moderator)
    assert removed.status == S.WITHDRAWN and waiting.status == S.ACTIVE
    assert history(removed)[-1] == ("active", "withdrawn", moderator.id, "Never took part")
    (event,) = audit_events("enrolment.removed")
    assert event.actor_id == moderator.id and event.details["reason"] == "Never took part"
    (mail,) = outbox("cohorts-removed")
    assert mail.recipient == first.email and "Never took part" in mail.body


def test_approval_mode_waits_for_a_moderator(
    app_ctx: Flask, course: Course, moderator: User
) -> None:
    cohort = make_cohort(course, mode=EnrolmentMode.APPROVAL, capacity=1, moderators=[moderator])
    first, second, third = make_learners(3)
    requests = [services.enrol(p, cohort, by=p) for p in (first, second, third)]
    assert {r.status for r in requests} == {S.APPLIED}
    services.approve(requests[0], by=moderator)
    services.approve(requests[1], by=moderator)
    services.decline(requests[2], reason="Not a municipal employee", by=moderator)
    assert [r.status for r in requests] == [S.ACTIVE, S.WAITING, S.DECLINED]
    assert history(requests[0])[-1] == ("applied", "active", moderator.id, services.APPROVED)
    assert history(requests[2])[-1] == (
        "applied",
        "declined",
        moderator.id,
        "Not a municipal employee",
    )
    assert len(outbox("cohorts-approved")) == 2
    (declined,) = outbox("cohorts-declined")
    assert declined.recipient == third.email
    assert "Not a municipal employee" not in declined.body  # polite, the reason stays internal
    assert len(audit_events("enrolment.approved")) == 2
    with pytest.raises(Conflict):
        services.approve(requests[0], by=moderator)


def test_a_declined_person_cannot_ask_again(
    app_ctx: Flask, course: Course, moderator: User, learner: User
) -> None:
    cohort = make_cohort(course, mode=EnrolmentMode.APPROVAL)
    request = services.enrol(learner, cohort, by=learner)
    services.decline(request, reason="Full for now", by=moderator)
    with pytest.raises(DomainError, match="declined"):
        services.enrol(learner, cohort, by=learner)


def test_admit_gives_a_place_whatever_the_mode(
    app_ctx: Flask, course: Course, moderator: User
) -> None:
    cohort = make_cohort(course, mode=EnrolmentMode.INVITATION, capacity=1)
    first, second = make_learners(2)
    assert services.admit(first, cohort, by=moderator, reason=services.ADDED).status == S.ACTIVE
    assert services.admit(second, cohort, by=moderator).status == S.WAITING
    with pytest.raises(Conflict):
        services.admit(second, cohort, by=moderator)


def test_nobody_joins_a_finished_cohort(app_ctx: Flask, course: Course, moderator: User) -> None:
    cohort = make_cohort(course, status=CohortStatus.FINISHED)
    with pytest.raises(DomainError):
        services.admit(make_user(), cohort, by=moderator)


def test_a_larger_capacity_promotes_from_the_waiting_list(
    app_ctx: Flask, course: Course, manager: User
) -> None:
    cohort = make_cohort(course, capacity=1)
    enrolments = [services.enrol(p, cohort, by=p) for p in make_learners(4)]
    details = editing.CohortDetails(
        name=cohort.name, language="en", status=CohortStatus.OPEN, capacity=3
    )
    promoted = editing.update_cohort(cohort, details, by=manager)
    assert promoted == enrolments[1:3]
    assert statuses(cohort) == {S.ACTIVE: 3, S.WAITING: 1}
    assert len(outbox("cohorts-promoted")) == 2


def test_capacity_cannot_drop_below_the_places_taken(
    app_ctx: Flask, course: Course, manager: User
) -> None:
    cohort = make_cohort(course, capacity=3)
    for person in make_learners(2):
        services.enrol(person, cohort, by=person)
    details = editing.CohortDetails(name=cohort.name, language="en", capacity=1)
    with pytest.raises(DomainError, match="capacity"):
        editing.update_cohort(cohort, details, by=manager)


def test_every_change_is_an_event_and_a_signal(
    app_ctx: Flask, course: Course, moderator: User, signals: list[dict[str, Any]]
) -> None:
    cohort = make_cohort(course, mode=EnrolmentMode.APPROVAL, capacity=1, moderators=[moderator])
    first, second = make_learners(2)
    a = services.enrol(first, cohort, by=first)
    b = services.enrol(second, cohort, by=second)
    services.approve(a, by=moderator)
    services.approve(b, by=moderator)
    services.remove(a, reason="Asked to leave", by=moderator)
    changes = [(s["enrolment"].id, s["old_status"], s["new_status"]) for s in signals]
    assert changes == [
        (a.id, None, S.APPLIED),
        (b.id, None, S.APPLIED),
        (a.id, S.APPLIED, S.ACTIVE),
        (b.id, S.APPLIED, S.WAITING),
        (a.id, S.ACTIVE, S.WITHDRAWN),
        (b.id, S.WAITING, S.ACTIVE),
    ]
    assert [s["by"] for s in signals][-2:] == [moderator, None]
    assert len(history(a)) == 3 and len(history(b)) == 3


def test_mode_cannot_change_once_people_enrolled(
    app_ctx: Flask, course: Course, manager: User, learner: User
) -> None:
    cohort = make_cohort(course)
    services.enrol(learner, cohort, by=learner)
    details = editing.CohortDetails(
        name=cohort.name, language="en", mode=EnrolmentMode.APPROVAL, status=CohortStatus.OPEN
    )
    with pytest.raises(DomainError, match="mode"):
        editing.update_cohort(cohort, details, by=manager)


def test_staff_need_their_roles(app_ctx: Flask, course: Course, moderator: User) -> None:
    cohort = make_cohort(course)
    plain = make_user()
    with pytest.raises(DomainError, match="moderator role"):
        editing.set_staff(cohort, moderators=[plain], reviewers=[], by=None)
    with pytest.raises(DomainError, match="reviewer role"):
        editing.set_staff(cohort, moderators=[moderator], reviewers=[moderator], by=None)
    assert editing.set_staff(cohort, moderators=[moderator], reviewers=[], by=None)
    assert cohort.moderators == [moderator]
    db.session.flush()
    assert audit_events("cohort.staff_changed")


def test_every_status_mode_and_decision_has_its_own_label(app_ctx: Flask) -> None:
    from academy.plugins.cohorts.models import Decision

    assert CohortStatus.OPEN.label == "Open for enrolment"
    assert EnrolmentMode.OPEN.label == "Open: join at once"
    members = [*CohortStatus, *EnrolmentMode, *EnrolmentStatus, *Decision]
    labels = [(type(m).__name__, m.label) for m in members]
    assert len({label for _kind, label in labels}) == len(members)
