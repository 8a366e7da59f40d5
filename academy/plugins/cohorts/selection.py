"""Selection: practitioners apply, reviewers score, the committee decides.

Reviewers see the applications of the cohorts they are assigned to, never
those of their own organisation (nor their own): :func:`conflict_of_interest`
is checked when listing, reviewing and deciding.  Each reviewer scores every
criterion of the cohort from 0 to 5 and may comment.  The decision (selected,
reserve, declined) is recorded with its reason; a selected applicant gets a
place (or the waiting list), a declined one is told politely by email.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from academy.core.accounts.models import Organisation, User
from academy.core.audit import services as audit
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError, Forbidden
from academy.extensions import db
from academy.plugins.cohorts import mail
from academy.plugins.cohorts.access import conflict_of_interest
from academy.plugins.cohorts.criteria import check_scores
from academy.plugins.cohorts.models import (
    Application,
    Cohort,
    Decision,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
    ExpertiseField,
    Review,
)
from academy.plugins.cohorts.services import (
    SELECTED,
    admit,
    check_can_rejoin,
    check_taking_enrolments,
    enrolment_of,
    lock_cohort,
    place_enrolment,
    set_status,
)

TEXT_MAX = 10_000
#: Decisions that close an application; "reserve" may still become one of them.
FINAL = (Decision.SELECTED, Decision.DECLINED_APPLICATION)


def _text(value: str, field: str, *, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise DomainError(_("Please fill in this field."), field=field)
    if len(value) > TEXT_MAX:
        raise DomainError(_("Please write at most %(max)d characters.", max=TEXT_MAX), field=field)
    return value


def apply(
    user: User,
    cohort: Cohort,
    *,
    motivation: str,
    expertise: Sequence[ExpertiseField],
    organisation: Organisation | None,
    international_experience: str = "",
) -> Application:
    """Apply to a selection cohort.  International experience is optional: an advantage
    the committee scores, never a precondition."""
    motivation = _text(motivation, "motivation", required=True)
    experience = _text(international_experience, "international_experience", required=False)
    if not expertise:
        raise DomainError(_("Please choose at least one field of expertise."), field="expertise")
    cohort = lock_cohort(cohort)
    if cohort.mode != EnrolmentMode.SELECTION:
        raise DomainError(_("This cohort does not take applications."))
    existing = enrolment_of(user, cohort)
    check_can_rejoin(existing)
    check_taking_enrolments(cohort)
    application = _application_of(existing) if existing is not None else None
    if application is not None and application.decision is not None:
        raise DomainError(_("The selection committee has already decided on your application."))
    enrolment = place_enrolment(cohort, user, existing, EnrolmentStatus.APPLIED, by=user)
    application = application or Application(enrolment_id=enrolment.id, motivation="")
    application.motivation, application.international_experience = motivation, experience
    application.organisation_id = organisation.id if organisation is not None else None
    application.expertise = list(expertise)
    db.session.add(application)
    db.session.flush()
    return application


def _application_of(enrolment: Enrolment) -> Application | None:
    return db.session.scalar(sa.select(Application).where(Application.enrolment_id == enrolment.id))


def application_of(user: User, cohort: Cohort) -> Application | None:
    """The user's application to the cohort, if any."""
    enrolment = enrolment_of(user, cohort)
    return _application_of(enrolment) if enrolment is not None else None


# -- what reviewers see -------------------------------------------------------------------


def applications_query(cohort: Cohort, *, hidden_from: User | None) -> sa.Select[Any]:
    """The cohort's applications, oldest first; without those ``hidden_from`` has a conflict
    of interest with (None: all of them, for managers who are not reviewers)."""
    query = (
        sa.select(Application)
        .join(Enrolment, Application.enrolment_id == Enrolment.id)
        .join(User, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id)
        .order_by(Application.created_at, Application.id)
        .options(
            selectinload(Application.enrolment).joinedload(Enrolment.user),
            selectinload(Application.expertise),
            selectinload(Application.reviews),
            selectinload(Application.organisation),
        )
    )
    if hidden_from is not None:
        query = query.where(User.id != hidden_from.id)
        if hidden_from.organisation_id is not None:
            org = hidden_from.organisation_id
            query = query.where(
                sa.or_(Application.organisation_id.is_(None), Application.organisation_id != org),
                sa.or_(User.organisation_id.is_(None), User.organisation_id != org),
            )
    return query


def visible_applications(cohort: Cohort, *, hidden_from: User | None) -> list[Application]:
    return list(db.session.scalars(applications_query(cohort, hidden_from=hidden_from)))


def _check_no_conflict(user: User, application: Application) -> None:
    if conflict_of_interest(user, application):
        raise Forbidden(
            _("You cannot judge applications from your own organisation, nor your own.")
        )


# -- reviewing and deciding ---------------------------------------------------------------


def review_of(application: Application, reviewer: User) -> Review | None:
    return next((r for r in application.reviews if r.reviewer_id == reviewer.id), None)


def review(
    application: Application, *, reviewer: User, scores: dict[str, Any], comment: str = ""
) -> Review:
    """Save the reviewer's scores (each criterion 0-5) and comment; saving again replaces them."""
    _check_no_conflict(reviewer, application)
    if application.decision in FINAL:
        raise Conflict(_("The committee has decided on this application: reviews are closed."))
    cohort = application.enrolment.cohort
    checked = check_scores(cohort.criteria, scores)
    comment = _text(comment, "comment", required=False)
    found = review_of(application, reviewer)
    if found is None:
        found = Review(application=application, reviewer_id=reviewer.id)
        db.session.add(found)
    found.scores, found.comment = checked, comment
    db.session.flush()
    audit.record(reviewer, "application.reviewed", application.enrolment.user, cohort=cohort.id)
    return found


def decide(application: Application, *, decision: Decision, reason: str, by: User) -> Application:
    """Record the committee's decision and reason, and act on it: a selected applicant is
    enrolled (or waits for a place), a declined one is told politely, a reserve one is told
    they are on the reserve list (the committee may select or decline them later)."""
    reason = _text(reason, "reason", required=True)
    _check_no_conflict(by, application)
    enrolment = application.enrolment
    lock_cohort(enrolment.cohort)
    db.session.refresh(application)
    db.session.refresh(enrolment)
    if application.decision in FINAL:
        raise Conflict(_("The committee has already decided on this application."))
    if enrolment.status != EnrolmentStatus.APPLIED:
        raise DomainError(
            _("This application was withdrawn (%(status)s).", status=enrolment.status.label)
        )
    application.decision, application.decision_reason = decision, reason
    application.decided_by_id, application.decided_at = by.id, utcnow()
    db.session.flush()
    _act_on(application, decision, reason, by)
    audit.record(
        by,
        "application.decided",
        enrolment.user,
        cohort=enrolment.cohort_id,
        decision=decision.value,
        reason=reason,
    )
    return application


def _act_on(application: Application, decision: Decision, reason: str, by: User) -> None:
    enrolment, cohort = application.enrolment, application.enrolment.cohort
    user = enrolment.user
    if decision == Decision.SELECTED:
        admit(user, cohort, by=by, reason=SELECTED)
        subject = _l("You were selected for %(cohort)s", cohort=cohort.name)
        mail.send(
            user,
            "selected",
            subject,
            cohort=cohort,
            waiting=enrolment.status == EnrolmentStatus.WAITING,
        )
    elif decision == Decision.DECLINED_APPLICATION:
        set_status(enrolment, EnrolmentStatus.DECLINED, by=by, reason=reason)
        subject = _l("Your application to %(cohort)s", cohort=cohort.name)
        mail.send(user, "not-selected", subject, cohort=cohort)
    else:
        subject = _l("Your application to %(cohort)s: reserve list", cohort=cohort.name)
        mail.send(user, "reserve", subject, cohort=cohort)


def forget_applications_of(user: User) -> int:
    """Erase what the user wrote in their applications (their account is deleted); the
    decisions stay, so the selection record keeps its counts."""
    query = (
        sa.select(Application)
        .join(Enrolment, Application.enrolment_id == Enrolment.id)
        .where(Enrolment.user_id == user.id)
    )
    found = list(db.session.scalars(query))
    for application in found:
        application.motivation = ""
        application.international_experience = ""
        application.organisation_id = None
        application.expertise = []
    db.session.flush()
    return len(found)
