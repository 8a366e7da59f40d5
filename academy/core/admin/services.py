"""Administration use cases and the queries behind the admin lists.

Each use case flushes, never commits, records an audit event and raises
``DomainError`` with a translated message when a rule refuses the action.
"""

from __future__ import annotations

import enum
import functools
import unicodedata
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from academy.core.accounts.models import (
    Organisation,
    OrganisationKind,
    Role,
    User,
    UserRole,
    new_login_id,
)
from academy.core.audit import services as audit
from academy.core.audit.models import AuditEvent
from academy.core.errors import Conflict, DomainError
from academy.extensions import db

# --- users -----------------------------------------------------------------------------


class UserStatus(enum.StrEnum):
    """What an account can do now, as the admin pages show and filter it."""

    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    UNCONFIRMED = "unconfirmed"

    @property
    def label(self) -> str:
        return str(USER_STATUS_LABELS[self])


USER_STATUS_LABELS = {
    UserStatus.ACTIVE: _l("Active"),
    UserStatus.DEACTIVATED: _l("Deactivated"),
    UserStatus.UNCONFIRMED: _l("Email not confirmed"),
}


def user_status(user: User) -> UserStatus:
    if not user.is_active:
        return UserStatus.DEACTIVATED
    if user.email_confirmed_at is None:
        return UserStatus.UNCONFIRMED
    return UserStatus.ACTIVE


def _status_condition(status: UserStatus) -> sa.ColumnElement[bool]:
    usable = sa.and_(User.active.is_(True), User.deleted_at.is_(None))
    if status is UserStatus.DEACTIVATED:
        return sa.not_(usable)
    if status is UserStatus.UNCONFIRMED:
        return sa.and_(usable, User.email_confirmed_at.is_(None))
    return sa.and_(usable, User.email_confirmed_at.is_not(None))


def users_query(
    *, search: str = "", role: Role | None = None, status: UserStatus | None = None
) -> sa.Select[Any]:
    """Users by name, matching ``search`` in name or email (any case), role and status."""
    query = sa.select(User).order_by(User.name, User.id)
    search = search.strip()
    if search:
        query = query.where(
            sa.or_(
                User.name.icontains(search, autoescape=True),
                User.email.icontains(search, autoescape=True),
            )
        )
    if role is not None:
        query = query.where(User.role_rows.any(UserRole.role == role))
    if status is not None:
        query = query.where(_status_condition(status))
    return query


def deactivate_user(user: User, *, by: User) -> None:
    """Stop ``user`` from signing in; their open sessions end at once."""
    if user.id == by.id:
        raise DomainError(_("You cannot deactivate your own account."))
    if not user.active:
        return
    user.active = False
    user.login_id = new_login_id()
    db.session.flush()
    audit.record(by, "user.deactivated", user)


def reactivate_user(user: User, *, by: User) -> None:
    """Let a deactivated ``user`` sign in again."""
    if user.active:
        return
    user.active = True
    db.session.flush()
    audit.record(by, "user.reactivated", user)


# --- countries -------------------------------------------------------------------------

#: Two-letter codes Babel names that are not ISO 3166-1 countries: exceptional
#: reservations (AC, CP, CQ, DG, EA, IC, TA), groupings (EU, EZ, QO, UN),
#: pseudo-locales (XA, XB), the user-assigned XK and "unknown" (ZZ).
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)


@functools.cache
def country_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes an organisation may have."""
    return frozenset(
        code
        for code in Locale.parse("en").territories
        if isinstance(code, str) and len(code) == 2 and code.isascii()
        if code.isalpha() and code.isupper() and code not in NOT_COUNTRIES
    )


def _sort_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@functools.cache
def country_names(locale: str) -> dict[str, str]:
    """Each country code with its name in ``locale``, sorted by name."""
    territories = Locale.parse(locale).territories
    names = {code: str(territories.get(code, code)) for code in country_codes()}
    return dict(sorted(names.items(), key=lambda item: _sort_key(item[1])))


# --- organisations ---------------------------------------------------------------------


def organisations_query(
    *, search: str = "", kind: OrganisationKind | None = None, country: str = ""
) -> sa.Select[Any]:
    """Organisations by name, matching ``search`` in the name (any case), kind and country."""
    query = sa.select(Organisation).order_by(Organisation.name, Organisation.country)
    search = search.strip()
    if search:
        query = query.where(Organisation.name.icontains(search, autoescape=True))
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    if country:
        query = query.where(Organisation.country == country)
    return query


def _checked(name: str, country: str) -> tuple[str, str]:
    """The cleaned name and country, or DomainError naming the field at fault."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Please enter the organisation's name."), field="name")
    if len(name) > 200:
        raise DomainError(_("The name can have at most 200 characters."), field="name")
    country = country.strip().upper()
    if country not in country_codes():
        raise DomainError(_("Please choose a country from the list."), field="country")
    return name, country


def _duplicate_error(name: str) -> Conflict:
    return Conflict(
        _("An organisation called %(name)s already exists in this country.", name=name),
        field="name",
    )


def _refuse_duplicate(name: str, country: str, *, other_than: int | None = None) -> None:
    query = sa.select(Organisation.id).where(
        sa.func.lower(Organisation.name) == name.lower(), Organisation.country == country
    )
    if other_than is not None:
        query = query.where(Organisation.id != other_than)
    if db.session.scalar(query.limit(1)) is not None:
        raise _duplicate_error(name)


def _flush_unique(organisation: Organisation) -> None:
    """Flush in a savepoint, turning a concurrent duplicate into a Conflict."""
    try:
        with db.session.begin_nested():
            db.session.add(organisation)
    except IntegrityError:
        raise _duplicate_error(organisation.name) from None


def create_organisation(
    name: str, kind: OrganisationKind, country: str, *, by: User
) -> Organisation:
    """A new, active organisation.  Raises Conflict when (name, country) is taken."""
    name, country = _checked(name, country)
    kind = OrganisationKind(kind)
    _refuse_duplicate(name, country)
    organisation = Organisation(name=name, kind=kind, country=country)
    _flush_unique(organisation)
    audit.record(by, "organisation.created", organisation, kind=kind.value, country=country)
    return organisation


def update_organisation(
    organisation: Organisation,
    *,
    name: str,
    kind: OrganisationKind,
    country: str,
    by: User,
) -> None:
    """Change an organisation's name, kind or country; audited with old and new values."""
    name, country = _checked(name, country)
    _refuse_duplicate(name, country, other_than=organisation.id)
    kind = OrganisationKind(kind)
    changes: dict[str, Any] = {
        field: [old, new]
        for field, old, new in (
            ("name", organisation.name, name),
            ("kind", organisation.kind.value, kind.value),
            ("country", organisation.country, country),
        )
        if old != new
    }
    if not changes:
        return
    organisation.name, organisation.kind, organisation.country = name, kind, country
    _flush_unique(organisation)
    audit.record(by, "organisation.updated", organisation, **changes)


def set_organisation_active(organisation: Organisation, active: bool, *, by: User) -> None:
    """Offer the organisation at sign-up again, or stop offering it (users keep it)."""
    if organisation.active == active:
        return
    organisation.active = active
    db.session.flush()
    action = "organisation.reactivated" if active else "organisation.deactivated"
    audit.record(by, action, organisation)


# --- audit log -------------------------------------------------------------------------


def audit_query(
    *,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    since: datetime | None = None,
    before: datetime | None = None,
) -> sa.Select[Any]:
    """Audit events, newest first; ``actor`` is part of the actor's email."""
    query = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    actor = actor.strip()
    if actor:
        emails = sa.select(User.id).where(User.email.icontains(actor, autoescape=True))
        query = query.where(AuditEvent.actor_id.in_(emails))
    if action:
        query = query.where(AuditEvent.action == action)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if before is not None:
        query = query.where(AuditEvent.at < before)
    return query


def audit_actions() -> list[str]:
    """The distinct actions present in the log, sorted."""
    query = sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(query))


def audit_target_types() -> list[str]:
    """The distinct, non-empty target types present in the log, sorted."""
    column = AuditEvent.target_type
    query = sa.select(column).where(column != "").distinct().order_by(column)
    return list(db.session.scalars(query))
