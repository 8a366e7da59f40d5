"""Account use cases.  Each function flushes, never commits, and raises DomainError.

Sign-up, email confirmation, sign-in checks, password reset and change,
profile edits, "export my data" and "delete my account" live here; the views
in ``views.py`` only validate forms and call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from academy.core.accounts.auth import make_token, read_token
from academy.core.accounts.models import Organisation, Role, User, UserRole, new_login_id
from academy.core.audit import services as audit
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError
from academy.core.mail.services import queue_template
from academy.core.signals import user_registered
from academy.core.urls import public_url
from academy.extensions import db

#: The name a deleted account keeps (stored as is, shown untranslated).
#: Hashes compared against when no account matches, so timing does not tell.
_DUMMY_HASHES: dict[str, str] = {}


class EmailNotConfirmed(DomainError):
    """The password is right but the email address has not been confirmed yet."""


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


# Sign-up and email confirmation


def active_organisations() -> list[Organisation]:
    """The organisations people may choose, by name."""
    query = sa.select(Organisation).where(Organisation.active.is_(True))
    return list(db.session.scalars(query.order_by(Organisation.name, Organisation.id)))


def _chosen_organisation(
    organisation_id: int | None, current: Organisation | None = None
) -> Organisation | None:
    """The organisation for ``organisation_id``: active, or the one already held."""
    if organisation_id is None:
        return None
    if current is not None and current.id == organisation_id:
        return current
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.active:
        raise DomainError(_("Please choose an organisation from the list."), field="organisation")
    return organisation


def _chosen_locale(locale: str | None) -> str | None:
    if locale and locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Please choose a language from the list."), field="language")
    return locale or None


def register(
    *,
    email: str,
    name: str,
    password: str,
    organisation_id: int | None,
    job_function: str,
    locale: str | None,
) -> User:
    """Self sign-up: an unconfirmed learner, and the email that confirms the address."""
    user = create_user(
        email,
        name,
        password,
        organisation=_chosen_organisation(organisation_id),
        job_function=job_function,
        locale=_chosen_locale(locale),
    )
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    """Queue the email with the link that confirms ``user``'s address."""
    link = public_url("account.confirm", token=make_token(user, "confirm"))
    subject = _l("Confirm your email address for %(academy)s", academy=_academy())
    days = max(1, current_app.config["TOKEN_MAX_AGE_CONFIRM"] // 86400)
    queue_template(user, "confirm-email", subject, link=link, days=days, academy=_academy())


def resend_confirmation(email: str) -> None:
    """Send a new confirmation link if ``email`` belongs to an unconfirmed account.

    Says nothing either way, so the answer does not tell who has an account.
    """
    user = user_by_email(email)
    if user is not None and user.is_active and user.email_confirmed_at is None:
        send_confirmation(user)


def user_for_confirm_token(token: str) -> User:
    """The active account a confirmation link names, else DomainError."""
    user = read_token(token, "confirm", current_app.config["TOKEN_MAX_AGE_CONFIRM"])
    if user is None or not user.is_active:
        raise DomainError(_("This confirmation link is not valid or has expired."))
    return user


def confirm_email(token: str) -> User:
    """Mark the address confirmed (a second use changes nothing)."""
    user = user_for_confirm_token(token)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.flush()
    return user


def _academy() -> str:
    return str(current_app.config["ACADEMY_NAME"])


# Signing in


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(new_login_id(), method=method)
    return _DUMMY_HASHES[method]


def authenticate(email: str, password: str) -> User:
    """The account ``email`` and ``password`` open, else DomainError.

    Unknown email, wrong password and deactivated account get the same message;
    only someone who knows the password learns that the address is unconfirmed.
    """
    user = user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
    if user is None or not password_matches(user, password) or not user.is_active:
        raise DomainError(_("The email or password is not correct."))
    if user.email_confirmed_at is None:
        raise EmailNotConfirmed(
            _("Please confirm your email address first: open the link we sent you.")
        )
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.flush()


def require_current_password(user: User, password: str, *, field: str = "password") -> None:
    """DomainError on ``field`` unless ``password`` is the user's current one."""
    if not password_matches(user, password):
        raise DomainError(_("This is not your current password."), field=field)


# Password reset and change


def request_password_reset(email: str) -> None:
    """Email a reset link if ``email`` belongs to an active account; silent otherwise."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        return
    link = public_url("account.reset_password", token=make_token(user, "reset"))
    subject = _l("Choose a new password for %(academy)s", academy=_academy())
    hours = max(1, current_app.config["TOKEN_MAX_AGE_RESET"] // 3600)
    queue_template(user, "reset-password", subject, link=link, hours=hours, academy=_academy())


def user_for_reset_token(token: str) -> User:
    """The active account a reset link names, else DomainError."""
    user = read_token(token, "reset", current_app.config["TOKEN_MAX_AGE_RESET"])
    if user is None or not user.is_active:
        raise DomainError(_("This link to choose a new password is not valid or has expired."))
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link; the link then stops working.

    Opening the link proves the address works, so it also confirms it.
    """
    user = user_for_reset_token(token)
    set_password(user, password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password; every other session of the user ends."""
    require_current_password(user, current_password, field="current_password")
    set_password(user, new_password)
    db.session.flush()


# Profile


def update_profile(
    user: User,
    *,
    name: str,
    organisation_id: int | None,
    job_function: str,
    locale: str | None,
) -> None:
    """Save what the person may change about themselves."""
    name = name.strip()
    if not name:
        raise DomainError(_("Please enter your name."), field="name")
    organisation = _chosen_organisation(organisation_id, user.organisation)
    user.locale = _chosen_locale(locale)
    user.organisation = organisation
    user.name = name[:200]
    user.job_function = job_function.strip()[:200]
    db.session.flush()
