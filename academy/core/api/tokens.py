"""Create, look up and revoke API bearer tokens (services: flush, never commit)."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from academy.core.accounts.models import User
from academy.core.api.models import ApiToken
from academy.core.audit import services as audit
from academy.core.db import utcnow
from academy.extensions import db

TOKEN_PREFIX = "acd_"  # noqa: S105 - a public prefix


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, *, name: str = "", by: User | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the secret, shown once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name[:100], token_hash=_digest(secret), prefix=secret[:12]
    )
    db.session.add(token)
    db.session.flush()
    if by is not None and by.id != user.id:
        audit.record(by, "token.created", user, token_id=token.id)
    return token, secret


def user_for_token(secret: str) -> User | None:
    """The active user a valid, unrevoked token belongs to; records its use."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    token.last_used_at = utcnow()
    return token.user


def revoke_token(token: ApiToken, *, by: User | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        if by is not None and by.id != token.user_id:
            audit.record(by, "token.revoked", token.user, token_id=token.id)


def tokens_of(user: User) -> list[ApiToken]:
    query = sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    return list(db.session.scalars(query))
