"""Receivers of core signals: fields of expertise at ``academy init``, demo cohorts at
``academy demo``, and a person's cohort data when they export or delete their account.

Receivers are connected for any sender (the core sends the ``current_app``
proxy or a User), so each checks that this plugin is enabled in the running app.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from academy.core.accounts.models import User
from academy.core.db import utcnow
from academy.core.plugins import is_enabled
from academy.extensions import db
from academy.plugins.cohorts import editing, invitations, selection, services
from academy.plugins.cohorts.expertise import ensure_default_fields
from academy.plugins.cohorts.models import (
    Application,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentMode,
    Review,
)
from academy.plugins.courses.queries import get_course_by_slug

DEMO_OPEN = "Online moderation — open cohort"
DEMO_SELECTION = "Exchange methodology — selected experts"


def _enabled() -> bool:
    return is_enabled(current_app, "cohorts")


def on_instance_initialised(_sender: Any, **_: object) -> list[str]:
    """Add the default fields of expertise that are missing."""
    if not _enabled():
        return []
    added = ensure_default_fields()
    return [f"Added {len(added)} fields of expertise"] if added else []


def _demo_cohort(
    slug: str, name: str, mode: EnrolmentMode, staff: dict[str, list[User]]
) -> Cohort | None:
    """The demo cohort ``name`` of course ``slug``, created when missing."""
    course = get_course_by_slug(slug)
    if course is None:
        return None
    query = sa.select(Cohort).where(Cohort.course_id == course.id, Cohort.name == name)
    cohort = db.session.scalar(query)
    if cohort is not None:
        return cohort
    today = utcnow().date()
    details = editing.CohortDetails(
        name=name,
        language=course.source_language,
        mode=mode,
        status=CohortStatus.OPEN,
        capacity=30 if mode == EnrolmentMode.OPEN else 12,
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=97),
        description="A demo cohort.",
    )
    cohort = editing.create_cohort(course, details, by=None)
    editing.set_staff(cohort, moderators=staff["moderators"], reviewers=staff["reviewers"], by=None)
    return cohort


def on_demo_requested(_sender: Any, *, users: dict[str, User], **_: object) -> list[str]:
    """An open cohort with the demo learner in it, and a selection cohort; idempotent."""
    if not _enabled():
        return []
    ensure_default_fields()
    moderator, reviewer, learner = users["moderator"], users["reviewer"], users["learner"]
    open_staff = {"moderators": [moderator], "reviewers": []}
    selection_staff = {"moderators": [moderator], "reviewers": [reviewer]}
    lines = []
    opened = _demo_cohort("online-moderation", DEMO_OPEN, EnrolmentMode.OPEN, open_staff)
    if opened is not None:
        if services.enrolment_of(learner, opened) is None:
            services.enrol(learner, opened, by=learner)
        lines.append(f"Demo cohort {opened.id}: {opened.name} (the demo learner is enrolled)")
    chosen = _demo_cohort(
        "exchange-methodology", DEMO_SELECTION, EnrolmentMode.SELECTION, selection_staff
    )
    if chosen is not None:
        lines.append(f"Demo cohort {chosen.id}: {chosen.name} (selection, with the demo reviewer)")
    return lines


def on_user_deleted(user: User, **_: object) -> None:
    """End the person's enrolments (places go to the waiting list), erase what they wrote
    in applications, their invitations, and their moderator and reviewer assignments."""
    if not _enabled():
        return
    services.end_enrolments_of(user)
    selection.forget_applications_of(user)
    invitations.forget_invitations_to(user.email)
    editing.remove_from_staff(user)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _enrolment_data(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "cohort": enrolment.cohort.name,
        "course": enrolment.cohort.course.slug,
        "status": enrolment.status.value,
        "enrolled_at": _iso(enrolment.created_at),
        "completed_at": _iso(enrolment.completed_at),
        "history": [
            {
                "at": _iso(event.created_at),
                "from": event.old_status.value if event.old_status else None,
                "to": event.new_status.value,
                "reason": event.reason,
                "by_you": event.by_id == enrolment.user_id,
            }
            for event in enrolment.events
        ],
    }


def _application_data(application: Application) -> dict[str, Any]:
    return {
        "cohort": application.enrolment.cohort.name,
        "motivation": application.motivation,
        "international_experience": application.international_experience,
        "organisation": application.organisation.name if application.organisation else None,
        "fields_of_expertise": [field.name for field in application.expertise],
        "applied_at": _iso(application.created_at),
        "decision": application.decision.value if application.decision else None,
        "decision_reason": application.decision_reason,
        "decided_at": _iso(application.decided_at),
    }


def on_user_data_export(user: User, **_: object) -> tuple[str, Any] | None:
    """The "cohorts" section of "export my data"."""
    if not _enabled():
        return None
    enrolments = list(db.session.scalars(sa.select(Enrolment).where(Enrolment.user_id == user.id)))
    ids = [e.id for e in enrolments]
    applications = db.session.scalars(
        sa.select(Application).where(Application.enrolment_id.in_(ids))
    )
    reviews = db.session.scalars(sa.select(Review).where(Review.reviewer_id == user.id))
    return "cohorts", {
        "enrolments": [_enrolment_data(e) for e in enrolments],
        "applications": [_application_data(a) for a in applications],
        "reviews_written": [
            {"application": r.application_id, "scores": r.scores, "comment": r.comment}
            for r in reviews
        ],
    }
