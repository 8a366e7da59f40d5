"""The issuer's public keys as a JSON Web Key Set, served at ``/.well-known/jwks.json``.

Each key is an OKP/Ed25519 JWK with its ``kid`` (the key id that the instance's
key store gives it, see :func:`academy.core.keys.key_id`), ``use: "sig"`` and
``alg: "EdDSA"``.  Rotated keys stay in the set so that VC-JWTs they signed
still verify; a compromised key must be left out by the caller.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from academy.plugins.certificates.multikey import raw_public_key

ALGORITHM = "EdDSA"


class JwksError(ValueError):
    """A key set or a key in it is not a usable Ed25519 signing key."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_jwk(kid: str, key: Ed25519PublicKey) -> dict[str, str]:
    """One public key as a JWK (never anything private: no ``d``)."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(raw_public_key(key)),
        "kid": kid,
        "use": "sig",
        "alg": ALGORITHM,
    }


def build_jwks(keys: Iterable[tuple[str, Ed25519PublicKey]]) -> dict[str, list[dict[str, str]]]:
    """The JWKS document for ``(kid, public key)`` pairs, in the order given.

    From the key store: ``build_jwks((k.kid, k.public) for k in all_keys(path))``.
    """
    seen: set[str] = set()
    entries = []
    for kid, key in keys:
        if kid in seen:
            raise JwksError(f"two keys share the kid {kid!r}")
        seen.add(kid)
        entries.append(public_jwk(kid, key))
    return {"keys": entries}


def key_from_jwk(jwk: Mapping[str, Any]) -> Ed25519PublicKey:
    """The Ed25519 public key of a JWK; :class:`JwksError` for anything else."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk:
        raise JwksError("not a public OKP/Ed25519 JWK")
    if jwk.get("alg", ALGORITHM) != ALGORITHM or jwk.get("use", "sig") != "sig":
        raise JwksError("the key is not meant for EdDSA signatures")
    try:
        raw = _unb64url(str(jwk["x"]))
        return Ed25519PublicKey.from_public_bytes(raw)
    except (KeyError, ValueError) as exc:
        raise JwksError("the JWK's x is not a 32-byte Ed25519 key") from exc


def find_key(jwks: Mapping[str, Any], kid: str) -> Ed25519PublicKey:
    """The key with this ``kid`` in a JWKS document; :class:`JwksError` if absent."""
    keys = jwks.get("keys")
    if not isinstance(keys, list):
        raise JwksError("a JWKS document has a list of keys")
    for jwk in keys:
        if isinstance(jwk, Mapping) and jwk.get("kid") == kid:
            return key_from_jwk(jwk)
    raise JwksError(f"no key {kid!r} in the key set")
