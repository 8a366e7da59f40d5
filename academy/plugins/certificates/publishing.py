"""What the issuer publishes for verifiers: its profile, its keys and its revocation list.

- ``/issuer``: the Open Badges ``Profile`` with every public key as a Multikey;
- ``/.well-known/jwks.json``: the same keys as a JWKS, for VC-JWTs;
- ``/certificates/status/revocation``: the signed ``BitstringStatusListCredential``.

Rotated keys stay published, so everything they signed still verifies.  The
status list is signed once per set of revoked certificates and kept in the
instance's storage under a name derived from that set (and the signing key
and base URL), so a revocation makes a new list and every other request reads
a file.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from flask import current_app

from academy.core.db import utcnow
from academy.core.keys import all_keys
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.certificates import proof
from academy.plugins.certificates.credential import issuer_profile, verification_method
from academy.plugins.certificates.documents import academy_name, base_url, signing_key
from academy.plugins.certificates.jwks import build_jwks
from academy.plugins.certificates.models import Certificate
from academy.plugins.certificates.statuslist import status_list_credential

STATUS_FOLDER = "certificates/status"


def issuer_document() -> dict[str, Any]:
    keys = [key.public for key in all_keys(current_app.instance_path)]
    return issuer_profile(base_url(), academy_name(), keys)


def jwks_document() -> dict[str, Any]:
    return build_jwks((key.kid, key.public) for key in all_keys(current_app.instance_path))


def revoked_indexes() -> list[int]:
    """The status-list positions of every revoked certificate: one query."""
    query = sa.select(Certificate.status_index).where(
        Certificate.revoked_at.is_not(None), Certificate.status_index.is_not(None)
    )
    return sorted(index for index in db.session.scalars(query) if index is not None)


def _storage_key(indexes: list[int], kid: str) -> str:
    identity = json.dumps([base_url(), kid, indexes], separators=(",", ":"))
    return f"{STATUS_FOLDER}/revocation-{hashlib.sha256(identity.encode()).hexdigest()[:40]}.json"


def publish_status_list() -> dict[str, Any]:
    """The signed status list for the current revocations, signing a new one when they changed."""
    indexes = revoked_indexes()
    key = signing_key()
    files = storage()
    name = _storage_key(indexes, key.kid)
    if files.exists(name):
        with files.open(name) as handle:
            cached: dict[str, Any] = json.load(handle)
        return cached
    now = utcnow().replace(microsecond=0)
    unsigned = status_list_credential(base_url(), indexes, now)
    signed = proof.sign(unsigned, key.private, verification_method(base_url(), key.public), now)
    files.put(name, json.dumps(signed, ensure_ascii=False, indent=2).encode())
    return signed
