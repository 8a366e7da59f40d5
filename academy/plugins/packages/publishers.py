"""Trusted publishers: who may sign the packages this instance imports.

A publisher id is bound to one public key.  A package from an unknown
publisher is refused unless the importer trusts it; a package that claims a
known publisher id but is signed with another key is always refused.
"""

from __future__ import annotations

import enum
import json

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.core.accounts.models import User
from academy.core.audit.services import record
from academy.core.db import utcnow
from academy.extensions import db
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.models import Publisher
from academy.plugins.packages.signing import PublisherKey, Signer

KEY_FILE_LIMIT = 64 * 1024


class TrustStatus(enum.StrEnum):
    SELF = "self"
    TRUSTED = "trusted"
    UNKNOWN = "unknown"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return str(TRUST_LABELS[self])


TRUST_LABELS = {
    TrustStatus.SELF: _l("this academy"),
    TrustStatus.TRUSTED: _l("trusted"),
    TrustStatus.UNKNOWN: _l("not trusted yet"),
    TrustStatus.REVOKED: _l("revoked"),
}


def publisher_by_id(publisher_id: str) -> Publisher | None:
    return db.session.scalar(sa.select(Publisher).where(Publisher.publisher_id == publisher_id))


def list_publishers() -> list[Publisher]:
    query = sa.select(Publisher).order_by(Publisher.is_self.desc(), Publisher.name, Publisher.id)
    return list(db.session.scalars(query))


def self_publisher_ids() -> set[str]:
    return set(db.session.scalars(sa.select(Publisher.publisher_id).where(Publisher.is_self)))


def key_mismatch(publisher_id: str) -> PackageError:
    return PackageError(
        _(
            "The publisher %(id)s is already known here with another key: this package or key "
            "is refused.",
            id=publisher_id,
        )
    )


def trust_status(key: PublisherKey) -> TrustStatus:
    """How this instance regards ``key``; a known id with another key is refused."""
    row = publisher_by_id(key.id)
    if row is None:
        return TrustStatus.UNKNOWN
    if row.public_key != key.public_key:
        raise key_mismatch(key.id)
    if row.revoked_at is not None:
        return TrustStatus.REVOKED
    return TrustStatus.SELF if row.is_self else TrustStatus.TRUSTED


def trust_publisher(key: PublisherKey, *, by: User | None) -> Publisher:
    """Trust ``key`` (new, or a revoked publisher again); an active other key is refused."""
    row = publisher_by_id(key.id)
    if row is not None and row.revoked_at is None:
        if row.public_key != key.public_key:
            raise key_mismatch(key.id)
        return row
    if row is None:
        row = Publisher(publisher_id=key.id, name=key.name, public_key=key.public_key)
        db.session.add(row)
    row.name, row.public_key, row.revoked_at = key.name, key.public_key, None
    row.trusted_by_id = by.id if by is not None else None
    db.session.flush()
    if by is not None:
        record(by, "publisher.trusted", row, label=row.name, publisher_id=key.id)
    return row


def revoke_publisher(row: Publisher, *, by: User | None) -> None:
    """Stop accepting packages signed by ``row`` (not this instance's own key)."""
    if row.is_self:
        raise PackageError(_("This academy's own publisher key cannot be revoked."))
    if row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    db.session.flush()
    if by is not None:
        record(by, "publisher.revoked", row, label=row.name, publisher_id=row.publisher_id)


def ensure_self_publisher(signer: Signer) -> Publisher:
    """This instance's own Publisher row (is_self), created or brought up to date."""
    key = signer.publisher
    row = publisher_by_id(key.id)
    if row is None:
        row = Publisher(publisher_id=key.id, name=key.name, public_key=key.public_key)
        db.session.add(row)
    values = {"name": key.name, "public_key": key.public_key, "is_self": True, "revoked_at": None}
    for attribute, value in values.items():
        if getattr(row, attribute) != value:
            setattr(row, attribute, value)
    db.session.flush()
    return row


def parse_key_file(raw: bytes) -> PublisherKey:
    """A publisher key file: JSON {"id", "name", "public_key"}."""
    if len(raw) > KEY_FILE_LIMIT:
        raise PackageError(_("The key file is too large."))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackageError(_("The key file is not valid JSON.")) from None
    return PublisherKey.from_dict(data)


def key_file(key: PublisherKey) -> bytes:
    return (json.dumps(key.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
