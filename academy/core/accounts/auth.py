"""Flask-Login wiring and signed, expiring tokens for email links.

The session stores ``User.login_id``; a password change or "log out
everywhere" replaces it, which invalidates every other session and every
reset link made before.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from academy.core.accounts.models import User
from academy.extensions import db, login_manager


def load_user(login_id: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.login_id == login_id))
    if user is None or not user.is_active:
        return None
    return user


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"academy-{purpose}")


def make_token(user: User, purpose: str) -> str:
    """A token for ``purpose`` ("confirm" or "reset"), bound to the current login_id."""
    return _serializer(purpose).dumps({"u": user.id, "l": user.login_id, "e": user.email})


def read_token(token: str, purpose: str, max_age: int) -> User | None:
    """The user a valid, unexpired token names, else None."""
    try:
        data: Any = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or user.login_id != data.get("l") or user.email != data.get("e"):
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "account.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
