"""Invitations: codes or links with a use limit and an expiry, and emailed invitations.

A code (``Invitation.email`` empty) may be used ``max_uses`` times by anyone
who has it; an emailed invitation is for one address and one use.  Using an
invitation admits the person (a place, or the waiting list when the cohort is
full) whatever the cohort's mode.  The cohort's row is locked before the uses
are counted, so a code is never used more often than allowed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.core.accounts.models import User
from academy.core.accounts.services import normalise_email
from academy.core.audit import services as audit
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.core.urls import public_url
from academy.extensions import db
from academy.plugins.cohorts import mail
from academy.plugins.cohorts.models import CURRENT, Cohort, Enrolment, Invitation
from academy.plugins.cohorts.services import INVITED, admit, lock_cohort

MAX_USES = 10_000
MAX_EMAILS = 500


def invitation_link(invitation: Invitation) -> str:
    return public_url("cohorts.invitation", code=invitation.code)


def invitation_by_code(code: str) -> Invitation | None:
    if not code or len(code) > 40:
        return None
    return db.session.scalar(sa.select(Invitation).where(Invitation.code == code))


def _new_code() -> str:
    return secrets.token_urlsafe(18)


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= utcnow():
        raise DomainError(_("The expiry date must be in the future."), field="expires_on")


def create_code(
    cohort: Cohort, *, max_uses: int, expires_at: datetime | None, by: User
) -> Invitation:
    """A code (and its link) that up to ``max_uses`` people may use before it expires."""
    if not 1 <= max_uses <= MAX_USES:
        raise DomainError(
            _("The number of uses must be from 1 to %(max)d.", max=MAX_USES), field="max_uses"
        )
    _check_expiry(expires_at)
    invitation = Invitation(
        cohort_id=cohort.id,
        code=_new_code(),
        max_uses=max_uses,
        expires_at=expires_at,
        created_by_id=by.id,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(by, "invitation.created", cohort, max_uses=max_uses, invitation=invitation.id)
    return invitation


@dataclass
class EmailedInvitations:
    """What :func:`invite_emails` did with each address."""

    sent: list[str] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)
    already_in: list[str] = field(default_factory=list)


def _addresses(emails: Iterable[str]) -> list[str]:
    found: dict[str, None] = {}
    for raw in emails:
        if raw.strip():
            try:
                found[normalise_email(raw)] = None
            except DomainError:
                raise DomainError(
                    _("“%(email)s” is not a valid email address.", email=raw.strip()),
                    field="emails",
                ) from None
    if not found:
        raise DomainError(_("Please enter at least one email address."), field="emails")
    if len(found) > MAX_EMAILS:
        raise DomainError(
            _("Please send at most %(max)d invitations at a time.", max=MAX_EMAILS), field="emails"
        )
    return list(found)


def _pending_for(cohort: Cohort, emails: list[str]) -> set[str]:
    now = utcnow()
    query = sa.select(Invitation.email).where(
        Invitation.cohort_id == cohort.id,
        Invitation.email.in_(emails),
        Invitation.revoked_at.is_(None),
        Invitation.uses < Invitation.max_uses,
        sa.or_(Invitation.expires_at.is_(None), Invitation.expires_at > now),
    )
    return {email for email in db.session.scalars(query) if email}


def _members(cohort: Cohort, emails: list[str]) -> set[str]:
    query = (
        sa.select(User.email)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(CURRENT))
        .where(User.email.in_(emails))
    )
    return set(db.session.scalars(query))


def _locale_of(email: str) -> str | None:
    return db.session.scalar(sa.select(User.locale).where(User.email == email))


def invite_emails(
    cohort: Cohort, emails: Iterable[str], *, expires_at: datetime | None, by: User
) -> EmailedInvitations:
    """Email a personal invitation (one use) to each address that has none pending and
    is not in the cohort already; sending the same list again sends nothing new."""
    _check_expiry(expires_at)
    addresses = _addresses(emails)
    result = EmailedInvitations()
    pending, members = _pending_for(cohort, addresses), _members(cohort, addresses)
    for email in addresses:
        if email in members:
            result.already_in.append(email)
        elif email in pending:
            result.already_invited.append(email)
        else:
            _send_invitation(cohort, email, expires_at, by)
            result.sent.append(email)
    if result.sent:
        audit.record(by, "invitation.emailed", cohort, emails=result.sent)
    return result


def _send_invitation(cohort: Cohort, email: str, expires_at: datetime | None, by: User) -> None:
    invitation = Invitation(
        cohort_id=cohort.id,
        code=_new_code(),
        email=email,
        max_uses=1,
        expires_at=expires_at,
        created_by_id=by.id,
    )
    db.session.add(invitation)
    db.session.flush()
    mail.send_to_address(
        email,
        _locale_of(email),
        "invitation",
        _l("You are invited to join %(cohort)s", cohort=cohort.name),
        cohort=cohort,
        link=invitation_link(invitation),
        expires_at=expires_at,
        register_link=public_url("account.register"),
    )


def revoke(invitation: Invitation, *, by: User) -> bool:
    """Stop the invitation from working; False when it already was revoked."""
    if invitation.revoked_at is not None:
        return False
    invitation.revoked_at = utcnow()
    db.session.flush()
    audit.record(by, "invitation.revoked", invitation.cohort, invitation=invitation.id)
    return True


def invitation_problem(invitation: Invitation, user: User | None = None) -> str | None:
    """Why the invitation cannot be used (by ``user``), or None when it can."""
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn.")
    if invitation.expires_at is not None and invitation.expires_at <= utcnow():
        return _("This invitation has expired.")
    if invitation.uses >= invitation.max_uses:
        return _("This invitation has already been used as often as allowed.")
    if user is not None and invitation.email and invitation.email != user.email:
        return _(
            "This invitation was sent to another email address. Sign in with the account "
            "of that address to use it."
        )
    return None


def redeem(invitation: Invitation, user: User) -> Enrolment:
    """Use the invitation: ``user`` gets a place, or a place on the waiting list."""
    lock_cohort(invitation.cohort)
    db.session.refresh(invitation)
    problem = invitation_problem(invitation, user)
    if problem is not None:
        raise DomainError(problem)
    enrolment = admit(user, invitation.cohort, by=user, reason=INVITED)
    invitation.uses += 1
    db.session.flush()
    return enrolment


def invitations_of(cohort: Cohort) -> list[Invitation]:
    query = sa.select(Invitation).where(Invitation.cohort_id == cohort.id)
    return list(db.session.scalars(query.order_by(Invitation.id.desc())))


def forget_invitations_to(email: str) -> int:
    """Delete the personal invitations sent to ``email`` (its owner's account is deleted)."""
    result = db.session.execute(sa.delete(Invitation).where(Invitation.email == email))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
