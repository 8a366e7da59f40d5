"""A certificate's credential as a VC-JWT (Open Badges 3.0, "JSON Web Token Proof Format").

The JOSE header is ``{"alg": "EdDSA", "typ": "JWT", "kid": <key id>}``, the
``kid`` naming a key of the issuer's JWKS (``/.well-known/jwks.json``).  The
payload carries the credential under ``vc`` and repeats its facts as JWT
claims: ``iss`` = ``issuer.id``, ``jti`` = ``id``, ``sub`` =
``credentialSubject.id``, ``nbf`` = ``validFrom`` (and ``exp`` =
``validUntil`` when there is one).  A verifier checks the signature and that
the claims and the credential agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.plugins.certificates.jwks import ALGORITHM, JwksError, find_key

#: Seconds of clock difference tolerated on ``nbf`` and ``exp``.
LEEWAY = 60


class VcJwtError(ValueError):
    """A VC-JWT that is malformed, signed by an unknown key, or inconsistent."""


def _timestamp(text: Any) -> int:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError as exc:
        raise VcJwtError(f"{text!r} is not a date-time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _issuer_id(credential: Mapping[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


def _subject_id(credential: Mapping[str, Any]) -> Any:
    subject = credential.get("credentialSubject")
    return subject.get("id") if isinstance(subject, Mapping) else None


def claims_for(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The JWT payload for a credential (which needs ``id``, ``issuer.id``,
    ``credentialSubject.id`` and ``validFrom``)."""
    payload = {
        "iss": _issuer_id(credential),
        "jti": credential.get("id"),
        "sub": _subject_id(credential),
        "nbf": _timestamp(credential.get("validFrom")),
    }
    missing = [name for name, value in payload.items() if not isinstance(value, str | int)]
    if missing:
        raise VcJwtError(f"the credential lacks what the JWT claims {missing} need")
    if credential.get("validUntil"):
        payload["exp"] = _timestamp(credential["validUntil"])
    return payload | {"vc": dict(credential)}


def encode_jwt(credential: Mapping[str, Any], private_key: Ed25519PrivateKey, kid: str) -> str:
    """The compact JWS of ``credential``, signed with EdDSA (Ed25519)."""
    headers = {"typ": "JWT", "kid": kid}
    return jwt.encode(claims_for(credential), private_key, algorithm=ALGORITHM, headers=headers)


def verify_jwt(token: str, jwks: Mapping[str, Any], *, leeway: int = LEEWAY) -> dict[str, Any]:
    """The credential inside a VC-JWT whose signature and claims are valid.

    ``jwks`` is the issuer's key set (see :mod:`academy.plugins.certificates.jwks`);
    the token's ``kid`` must name one of its keys.  Raises :class:`VcJwtError`.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise VcJwtError(f"not a JWT: {exc}") from exc
    if header.get("alg") != ALGORITHM or header.get("typ", "JWT") != "JWT":
        raise VcJwtError("only EdDSA-signed JWTs are accepted")
    if not isinstance(header.get("kid"), str):
        raise VcJwtError("the JWT does not name its key (kid)")
    try:
        key = find_key(jwks, header["kid"])
        payload = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["iss", "jti", "sub", "nbf", "vc"]},
            leeway=leeway,
        )
    except (JwksError, jwt.PyJWTError) as exc:
        raise VcJwtError(str(exc)) from exc
    credential = payload["vc"]
    if not isinstance(credential, dict):
        raise VcJwtError("the vc claim is not a credential")
    expected = {name: value for name, value in claims_for(credential).items() if name != "vc"}
    actual = {name: payload.get(name) for name in expected}
    if actual != expected:
        raise VcJwtError("the JWT claims do not match the credential inside it")
    return credential
