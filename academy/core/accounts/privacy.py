"""Privacy use cases: export my data, delete my account (flush, never commit)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from academy.core.accounts.models import Organisation, Role, User, UserRole, new_login_id
from academy.core.api.models import ApiToken
from academy.core.api.tokens import revoke_token, tokens_of
from academy.core.audit import services as audit
from academy.core.audit.models import AuditEvent
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.core.mail.models import OutboxMessage
from academy.core.signals import user_data_export, user_deleted
from academy.extensions import db

DELETED_NAME = "Deleted user"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _profile_data(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "job_function": user.job_function,
        "preferred_language": user.locale,
        "created_at": _iso(user.created_at),
        "email_confirmed_at": _iso(user.email_confirmed_at),
        "last_login_at": _iso(user.last_login_at),
    }


def _organisation_data(organisation: Organisation | None) -> dict[str, Any] | None:
    if organisation is None:
        return None
    return {
        "name": organisation.name,
        "country": organisation.country,
        "kind": organisation.kind.value,
    }


def _token_data(token: ApiToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "created_at": _iso(token.created_at),
        "last_used_at": _iso(token.last_used_at),
        "revoked_at": _iso(token.revoked_at),
    }


def _about_user(user: User) -> sa.ColumnElement[bool]:
    return sa.and_(AuditEvent.target_type == "user", AuditEvent.target_id == str(user.id))


def _audit_data(user: User) -> list[dict[str, Any]]:
    query = sa.select(AuditEvent).where(sa.or_(AuditEvent.actor_id == user.id, _about_user(user)))
    return [
        {
            "at": _iso(event.at),
            "action": event.action,
            "by_you": event.actor_id == user.id,
            "target_type": event.target_type,
            "target": event.target_label,
            "details": event.details,
        }
        for event in db.session.scalars(query.order_by(AuditEvent.at, AuditEvent.id))
    ]


def _email_data(user: User) -> list[dict[str, Any]]:
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    return [
        {
            "subject": m.subject,
            "kind": m.kind,
            "queued_at": _iso(m.created_at),
            "sent_at": _iso(m.sent_at),
        }
        for m in db.session.scalars(query.order_by(OutboxMessage.id))
    ]


def export_data(user: User) -> dict[str, Any]:
    """Everything the academy holds about ``user``, as JSON-ready data.

    Plugins add their sections through ``user_data_export``; a section may not
    replace one of the core's.
    """
    data: dict[str, Any] = {
        "exported_at": _iso(utcnow()),
        "profile": _profile_data(user),
        "roles": sorted(role.value for role in user.roles),
        "organisation": _organisation_data(user.organisation),
        "api_tokens": [_token_data(token) for token in tokens_of(user)],
        "audit_events": _audit_data(user),
        "emails": _email_data(user),
    }
    for _receiver, result in user_data_export.send(user):
        if result is None:
            continue
        section, value = result
        if section in data:
            raise RuntimeError(f"export section {section!r} is already taken")
        data[section] = value
    return data


def _check_not_last_admin(user: User) -> None:
    if Role.ADMIN not in user.roles:
        return
    others = sa.select(sa.func.count()).select_from(UserRole).join(User)
    others = others.where(
        UserRole.role == Role.ADMIN,
        User.id != user.id,
        User.active.is_(True),
        User.deleted_at.is_(None),
    )
    if not db.session.scalar(others):
        raise DomainError(
            _(
                "You are the only administrator. Give another person the administrator "
                "role before you delete your account."
            )
        )


def delete_account(user: User) -> None:
    """Erase the person: plugins anonymise their data, then the account is emptied.

    The row stays (as "Deleted user") so that audit entries and issued
    certificates keep pointing at something; nothing in it identifies the person.
    """
    _check_not_last_admin(user)
    user_deleted.send(user)
    old_email = user.email
    for token in tokens_of(user):
        revoke_token(token)
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.recipient == old_email))
    db.session.execute(
        sa.update(AuditEvent).where(_about_user(user)).values(target_label=DELETED_NAME)
    )
    _anonymise(user)
    db.session.flush()
    audit.record(user, "user.deleted", user)


def _anonymise(user: User) -> None:
    user.email = f"deleted-{user.id}@invalid.invalid"
    user.name = DELETED_NAME
    user.password_hash = None
    user.job_function = ""
    user.organisation = None
    user.locale = None
    user.role_rows = []
    user.active = False
    user.deleted_at = utcnow()
    user.login_id = new_login_id()
    user.last_login_at = None
