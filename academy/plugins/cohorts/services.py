"""Enrolment use cases: enrol, admit, approve, decline, withdraw, remove, and the
waiting list.

Services flush, never commit, and raise DomainError with a translated message.
Every change of an enrolment's status goes through :func:`set_status`, which
records an :class:`EnrolmentEvent` (who, when, why) and sends
``enrolment_changed``.  Whatever may take a place first locks the cohort row
(:func:`lock_cohort`) and only then counts, so concurrent requests never exceed
the capacity; when a place frees, :func:`fill_places` promotes the first in line.
Creating and editing cohorts is in ``editing.py``; invitations, selection and
bulk enrolment build on these functions (``invitations.py``, ``selection.py``,
``bulk.py``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from academy.core.accounts.models import User
from academy.core.audit import services as audit
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError
from academy.core.signals import enrolment_changed
from academy.extensions import db
from academy.plugins.cohorts import mail
from academy.plugins.cohorts.models import (
    PLACE_HOLDING,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentEvent,
    EnrolmentMode,
    EnrolmentStatus,
)

S = EnrolmentStatus
#: Reasons the system records (stored in English, shown translated: see reason_label).
PROMOTED = "Promoted from the waiting list: a place became free"
APPROVED = "Accepted by a moderator"
INVITED = "Joined with an invitation"
ADDED = "Enrolled by a moderator"
SELECTED = "Selected by the selection committee"
ACCOUNT_DELETED = "The account was deleted"
COMPLETED = "Met every completion requirement of the course"
SYSTEM_REASONS = {
    PROMOTED: _l("Promoted from the waiting list: a place became free"),
    APPROVED: _l("Accepted by a moderator"),
    INVITED: _l("Joined with an invitation"),
    ADDED: _l("Enrolled by a moderator"),
    SELECTED: _l("Selected by the selection committee"),
    ACCOUNT_DELETED: _l("The account was deleted"),
    COMPLETED: _l("Met every completion requirement of the course"),
}
#: Cohorts people can find and join by themselves (when their mode allows it).
TAKING_ENROLMENTS = (CohortStatus.OPEN, CohortStatus.RUNNING)
CLOSED = (CohortStatus.FINISHED, CohortStatus.ARCHIVED)
REASON_MAX = 2000


def reason_label(reason: str) -> str:
    """An event's reason for display: system reasons translated, people's words as written."""
    label = SYSTEM_REASONS.get(reason)
    return str(label) if label is not None else reason


# -- places and the lock ------------------------------------------------------------------


def lock_cohort(cohort: Cohort) -> Cohort:
    """Lock the cohort's row until the transaction ends (PostgreSQL ``FOR UPDATE``;
    SQLite writers are already serialised by ``BEGIN IMMEDIATE``) and reload it."""
    db.session.flush()
    query = sa.select(Cohort).where(Cohort.id == cohort.id).with_for_update()
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one()


def count_enrolments(*where: Any) -> int:
    """How many enrolments match ``where``."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(*where)) or 0


def places_taken(cohort: Cohort) -> int:
    return count_enrolments(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(PLACE_HOLDING))


def places_left(cohort: Cohort) -> int | None:
    """Free places (None when the cohort has no limit)."""
    if cohort.capacity is None:
        return None
    return max(0, cohort.capacity - places_taken(cohort))


def _has_place(cohort: Cohort) -> bool:
    return cohort.capacity is None or places_taken(cohort) < cohort.capacity


def enrolment_of(user: User, cohort: Cohort) -> Enrolment | None:
    """The user's enrolment in the cohort, whatever its status."""
    query = sa.select(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id
    )
    return db.session.scalar(query)


def waiting_position(enrolment: Enrolment) -> int | None:
    """1 for the first in line; None when not on the waiting list."""
    if enrolment.status != S.WAITING or enrolment.waiting_since is None:
        return None
    ahead = sa.or_(
        Enrolment.waiting_since < enrolment.waiting_since,
        sa.and_(Enrolment.waiting_since == enrolment.waiting_since, Enrolment.id < enrolment.id),
    )
    return (
        count_enrolments(
            Enrolment.cohort_id == enrolment.cohort_id, Enrolment.status == S.WAITING, ahead
        )
        + 1
    )


# -- status changes -----------------------------------------------------------------------


def _record(enrolment: Enrolment, old: S | None, new: S, by: User | None, reason: str) -> None:
    db.session.add(
        EnrolmentEvent(
            enrolment_id=enrolment.id,
            old_status=old,
            new_status=new,
            by_id=by.id if by is not None else None,
            reason=reason[:REASON_MAX],
        )
    )
    db.session.flush()
    enrolment_changed.send(enrolment, old_status=old, new_status=new, by=by)


def set_status(
    enrolment: Enrolment, status: EnrolmentStatus, *, by: User | None, reason: str = ""
) -> bool:
    """Move the enrolment to ``status``, record who/when/why and send ``enrolment_changed``.

    False when it already had that status.  Callers that may take a place hold
    the cohort's lock (see :func:`admit`); other plugins may call this for
    moves that do not (e.g. active -> completed).
    """
    old = enrolment.status
    if old == status:
        return False
    enrolment.status = status
    enrolment.waiting_since = utcnow() if status == S.WAITING else None
    if status == S.COMPLETED and enrolment.completed_at is None:
        enrolment.completed_at = utcnow()
    db.session.flush()
    _record(enrolment, old, status, by, reason)
    return True


def place_enrolment(
    cohort: Cohort,
    user: User,
    existing: Enrolment | None,
    status: EnrolmentStatus,
    *,
    by: User | None,
    reason: str = "",
) -> Enrolment:
    """Create the user's enrolment with ``status``, or move ``existing`` there.

    Low level: the caller has locked the cohort and checked the rules.
    """
    if existing is not None:
        set_status(existing, status, by=by, reason=reason)
        return existing
    enrolment = Enrolment(
        cohort_id=cohort.id,
        user_id=user.id,
        status=status,
        waiting_since=utcnow() if status == S.WAITING else None,
    )
    db.session.add(enrolment)
    db.session.flush()
    _record(enrolment, None, status, by, reason)
    return enrolment


def _admission(cohort: Cohort) -> S:
    """Active when a place is free, else the waiting list (the caller holds the lock)."""
    return S.ACTIVE if _has_place(cohort) else S.WAITING


# -- enrolling ----------------------------------------------------------------------------


def why_not_taking_enrolments(cohort: Cohort) -> str | None:
    """Why people cannot enrol or apply by themselves now, or None when they can."""
    now = utcnow()
    if cohort.status not in TAKING_ENROLMENTS:
        return _("This cohort is not taking enrolments.")
    if cohort.enrol_opens_at is not None and now < cohort.enrol_opens_at:
        return _("Enrolment in this cohort has not opened yet.")
    if cohort.enrol_closes_at is not None and now > cohort.enrol_closes_at:
        return _("Enrolment in this cohort has closed.")
    return None


def check_taking_enrolments(cohort: Cohort) -> None:
    """DomainError unless people may enrol or apply by themselves now."""
    reason = why_not_taking_enrolments(cohort)
    if reason is not None:
        raise DomainError(reason)


def check_can_rejoin(existing: Enrolment | None) -> None:
    """Conflict when already in the cohort; DomainError after a declined request."""
    if existing is None or existing.status == S.WITHDRAWN:
        return
    if existing.status == S.DECLINED:
        raise DomainError(_("Your request to join this cohort was declined."))
    raise Conflict(_("You are already in this cohort (%(status)s).", status=existing.status.label))


def enrol(user: User, cohort: Cohort, *, by: User) -> Enrolment:
    """Join by oneself: at once in open cohorts (or the waiting list when full), as a
    request a moderator answers in approval cohorts.  Selection cohorts take an
    application (``selection.apply``), invitation cohorts an invitation."""
    cohort = lock_cohort(cohort)
    existing = enrolment_of(user, cohort)
    check_can_rejoin(existing)
    check_taking_enrolments(cohort)
    if cohort.mode == EnrolmentMode.SELECTION:
        raise DomainError(_("This cohort selects its participants: please apply."))
    if cohort.mode == EnrolmentMode.INVITATION:
        raise DomainError(_("This cohort is by invitation only."))
    status = S.APPLIED if cohort.mode == EnrolmentMode.APPROVAL else _admission(cohort)
    return place_enrolment(cohort, user, existing, status, by=by)


def admit(user: User, cohort: Cohort, *, by: User | None, reason: str = "") -> Enrolment:
    """Give ``user`` a place, or a place on the waiting list, whatever the cohort's mode.

    For moderators adding people, invitations and the selection committee.
    Conflict when the user already holds a place or waits for one.
    """
    cohort = lock_cohort(cohort)
    if cohort.status in CLOSED:
        raise DomainError(_("This cohort has finished: nobody can join it any more."))
    existing = enrolment_of(user, cohort)
    if existing is not None and existing.status in (S.WAITING, *PLACE_HOLDING):
        raise Conflict(
            _(
                "%(name)s is already in this cohort (%(status)s).",
                name=user.name,
                status=existing.status.label,
            )
        )
    return place_enrolment(cohort, user, existing, _admission(cohort), by=by, reason=reason)


def fill_places(cohort: Cohort) -> list[Enrolment]:
    """Promote the first in line while places are free, and tell each one by email."""
    cohort = lock_cohort(cohort)
    if cohort.status in CLOSED:
        return []
    free = None if cohort.capacity is None else cohort.capacity - places_taken(cohort)
    if free is not None and free <= 0:
        return []
    query = (
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == S.WAITING)
        .order_by(Enrolment.waiting_since, Enrolment.id)
        .options(selectinload(Enrolment.user))
    )
    promoted = list(db.session.scalars(query if free is None else query.limit(free)))
    for enrolment in promoted:
        set_status(enrolment, S.ACTIVE, by=None, reason=PROMOTED)
        mail.send(
            enrolment.user,
            "promoted",
            _l("A place is yours in %(cohort)s", cohort=cohort.name),
            cohort=cohort,
        )
    return promoted


def _lock_for(enrolment: Enrolment) -> Cohort:
    """Lock the enrolment's cohort, then reread the enrolment (another request may have
    changed it while this one waited for the lock)."""
    cohort = lock_cohort(enrolment.cohort)
    db.session.refresh(enrolment)
    return cohort


def _leave(enrolment: Enrolment, *, by: User | None, reason: str) -> list[Enrolment]:
    cohort = _lock_for(enrolment)
    if enrolment.status not in (S.APPLIED, S.WAITING, S.ACTIVE):
        raise DomainError(
            _("This enrolment cannot be ended (%(status)s).", status=enrolment.status.label)
        )
    freed = enrolment.status == S.ACTIVE
    set_status(enrolment, S.WITHDRAWN, by=by, reason=reason)
    return fill_places(cohort) if freed else []


def withdraw(enrolment: Enrolment, *, by: User, reason: str = "") -> list[Enrolment]:
    """The learner leaves (or takes back a request or application); returns who was promoted."""
    return _leave(enrolment, by=by, reason=reason.strip())


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please give the reason."), field="reason")
    return reason


def remove(enrolment: Enrolment, *, reason: str, by: User) -> list[Enrolment]:
    """A moderator removes someone, with a reason they are told by email."""
    reason = _required_reason(reason)
    promoted = _leave(enrolment, by=by, reason=reason)
    audit.record(by, "enrolment.removed", enrolment.user, cohort=enrolment.cohort_id, reason=reason)
    mail.send(
        enrolment.user,
        "removed",
        _l("You were removed from %(cohort)s", cohort=enrolment.cohort.name),
        cohort=enrolment.cohort,
        reason=reason,
    )
    return promoted


def _check_request(enrolment: Enrolment) -> Cohort:
    cohort = _lock_for(enrolment)
    if cohort.mode != EnrolmentMode.APPROVAL:
        raise DomainError(_("Only requests to join an approval cohort are answered here."))
    if enrolment.status != S.APPLIED:
        raise Conflict(_("This request was already answered."))
    return cohort


def approve(enrolment: Enrolment, *, by: User) -> Enrolment:
    """A moderator accepts a request: a place, or the waiting list when the cohort is full."""
    cohort = _check_request(enrolment)
    set_status(enrolment, _admission(cohort), by=by, reason=APPROVED)
    audit.record(by, "enrolment.approved", enrolment.user, cohort=cohort.id)
    mail.send(
        enrolment.user,
        "approved",
        _l("Your request to join %(cohort)s was accepted", cohort=cohort.name),
        cohort=cohort,
        waiting=enrolment.status == S.WAITING,
    )
    return enrolment


def decline(enrolment: Enrolment, *, reason: str, by: User) -> Enrolment:
    """A moderator declines a request, with a reason kept in the record."""
    reason = _required_reason(reason)
    cohort = _check_request(enrolment)
    set_status(enrolment, S.DECLINED, by=by, reason=reason)
    audit.record(by, "enrolment.declined", enrolment.user, cohort=cohort.id, reason=reason)
    mail.send(
        enrolment.user,
        "declined",
        _l("Your request to join %(cohort)s", cohort=cohort.name),
        cohort=cohort,
    )
    return enrolment


def end_enrolments_of(user: User) -> int:
    """Withdraw the user from every cohort they are still in (their account is deleted)."""
    query = sa.select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.status.in_((S.APPLIED, S.WAITING, S.ACTIVE))
    )
    ended = list(db.session.scalars(query))
    for enrolment in ended:
        _leave(enrolment, by=user, reason=ACCOUNT_DELETED)
    return len(ended)
