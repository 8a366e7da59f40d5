"""Account use cases.  Each function flushes, never commits, and raises DomainError."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from academy.core.accounts.models import Organisation, Role, User, UserRole, new_login_id
from academy.core.audit import services as audit
from academy.core.errors import Conflict, DomainError
from academy.core.signals import user_registered
from academy.extensions import db


def normalise_email(email: str) -> str:
    """The email in the form we store (domain lower-cased, surrounding space removed)."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(_("Please enter a valid email address."), field="email") from None
    local, _sep, domain = result.normalized.rpartition("@")
    return f"{local.lower()}@{domain.lower()}"


def user_by_email(email: str) -> User | None:
    try:
        normalised = normalise_email(email)
    except DomainError:
        return None
    return db.session.scalar(sa.select(User).where(User.email == normalised))


def check_password_rules(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise DomainError(
            _("The password must have at least %(count)d characters.", count=minimum),
            field="password",
        )
    if len(password) > 1024:
        raise DomainError(_("The password is too long."), field="password")


def set_password(user: User, password: str) -> None:
    """Store a new password hash and rotate the login id (other sessions end)."""
    check_password_rules(password)
    user.password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    user.login_id = new_login_id()


def password_matches(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash or "", password)


def create_user(
    email: str,
    name: str,
    password: str,
    *,
    roles: Iterable[Role] = (Role.LEARNER,),
    organisation: Organisation | None = None,
    job_function: str = "",
    locale: str | None = None,
    confirmed: bool = False,
    by: User | None = None,
) -> User:
    """A new account.  Raises Conflict when the email is taken."""
    normalised = normalise_email(email)
    name = name.strip()
    if not name:
        raise DomainError(_("Please enter your name."), field="name")
    if db.session.scalar(sa.select(User.id).where(User.email == normalised)) is not None:
        raise Conflict(_("An account with this email address already exists."), field="email")
    user = User(
        email=normalised,
        name=name[:200],
        organisation=organisation,
        job_function=job_function.strip()[:200],
        locale=locale,
    )
    set_password(user, password)
    user.role_rows = [UserRole(role=role) for role in dict.fromkeys(roles)]
    if confirmed:
        from academy.core.db import utcnow

        user.email_confirmed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    if by is not None:
        audit.record(by, "user.created", user, roles=sorted(r.value for r in user.roles))
    user_registered.send(user, by=by)
    return user


def set_roles(user: User, roles: Iterable[Role], *, by: User) -> None:
    """Replace the user's global roles; an admin cannot remove their own admin role."""
    wanted = set(roles)
    if user.id == by.id and Role.ADMIN in user.roles and Role.ADMIN not in wanted:
        raise DomainError(_("You cannot remove your own administrator role."), field="roles")
    old = user.roles
    if wanted == old:
        return
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=role) for role in sorted(wanted - old)
    ]
    db.session.flush()
    audit.record(
        by,
        "user.roles_changed",
        user,
        old=sorted(r.value for r in old),
        new=sorted(r.value for r in wanted),
    )
