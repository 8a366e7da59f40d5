"""VC-JWT credentials and the issuer's JWKS, rotated keys included."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.core import keys as core_keys
from academy.plugins.certificates.credential import build_credential
from academy.plugins.certificates.jwks import (
    JwksError,
    build_jwks,
    find_key,
    key_from_jwk,
    public_jwk,
)
from academy.plugins.certificates.multikey import raw_public_key
from academy.plugins.certificates.vcjwt import VcJwtError, claims_for, encode_jwt, verify_jwt
from tests.plugins.certificates.support import BASE, make_claims

OLD, NEW = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
JWKS = build_jwks([("old-kid", OLD.public_key()), ("new-kid", NEW.public_key())])


def _segments(token: str) -> list[dict[str, Any]]:
    def part(text: str) -> dict[str, Any]:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))

    header, payload, _signature = token.split(".")
    return [part(header), part(payload)]


def test_jwks_lists_every_key_as_an_ed25519_signing_jwk() -> None:
    assert [jwk["kid"] for jwk in JWKS["keys"]] == ["old-kid", "new-kid"]
    for jwk, key in zip(JWKS["keys"], (OLD, NEW), strict=True):
        assert set(jwk) == {"kty", "crv", "x", "kid", "use", "alg"}
        assert (jwk["kty"], jwk["crv"], jwk["use"], jwk["alg"]) == (
            "OKP",
            "Ed25519",
            "sig",
            "EdDSA",
        )
        assert "=" not in jwk["x"]
        assert raw_public_key(key_from_jwk(jwk)) == raw_public_key(key.public_key())


def test_jwks_from_the_instance_key_store(tmp_path: Path) -> None:
    core_keys.create_key(tmp_path)
    core_keys.create_key(tmp_path)  # rotation: a newer key signs, the old one stays
    stored = core_keys.all_keys(tmp_path)
    document = build_jwks((key.kid, key.public) for key in stored)
    assert [jwk["kid"] for jwk in document["keys"]] == [key.kid for key in stored]
    assert len(document["keys"]) == 2


def test_jwks_refuses_duplicate_kids_and_bad_jwks() -> None:
    with pytest.raises(JwksError, match="share"):
        build_jwks([("k", OLD.public_key()), ("k", NEW.public_key())])
    good = public_jwk("k", OLD.public_key())
    for bad in (
        good | {"d": "secret"},
        good | {"crv": "X25519"},
        good | {"kty": "EC"},
        good | {"alg": "RS256"},
        good | {"use": "enc"},
        good | {"x": "AAAA"},
        {key: value for key, value in good.items() if key != "x"},
    ):
        with pytest.raises(JwksError):
            key_from_jwk(bad)
    with pytest.raises(JwksError, match="no key"):
        find_key(JWKS, "missing")
    with pytest.raises(JwksError, match="list of keys"):
        find_key({"keys": "nope"}, "old-kid")


def test_the_token_has_the_ob3_header_and_claims() -> None:
    credential = build_credential(make_claims())
    token = encode_jwt(credential, NEW, "new-kid")
    header, payload = _segments(token)
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": "new-kid"}
    assert payload["iss"] == f"{BASE}/issuer"
    assert payload["jti"] == credential["id"]
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["nbf"] == int(datetime(2026, 3, 14, 10, 30, 5, tzinfo=UTC).timestamp())
    assert "exp" not in payload
    assert payload["vc"] == credential


def test_tokens_of_old_and_new_keys_verify() -> None:
    credential = build_credential(make_claims())
    for key, kid in ((OLD, "old-kid"), (NEW, "new-kid")):
        assert verify_jwt(encode_jwt(credential, key, kid), JWKS) == credential


def _forge(payload: dict[str, Any], key: Ed25519PrivateKey = NEW, **header: Any) -> str:
    return jwt.encode(payload, key, algorithm="EdDSA", headers={"kid": "new-kid"} | header)


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda c: "not.a.jwt", "not a JWT"),
        (lambda c: encode_jwt(c, NEW, "unknown-kid"), "no key"),
        (lambda c: encode_jwt(c, OLD, "new-kid"), "Signature"),
        (
            lambda c: jwt.encode(
                claims_for(c),
                "secret-secret-secret-secret-secret",
                algorithm="HS256",
                headers={"kid": "new-kid"},
            ),
            "only EdDSA",
        ),
        (lambda c: _forge(claims_for(c), typ="vc+ld+json"), "only EdDSA"),
        (lambda c: jwt.encode(claims_for(c), NEW, algorithm="EdDSA"), "kid"),
        (lambda c: _forge(claims_for(c) | {"jti": "urn:other"}), "do not match"),
        (lambda c: _forge(claims_for(c) | {"sub": "urn:other"}), "do not match"),
        (lambda c: _forge(claims_for(c) | {"iss": "https://elsewhere.example"}), "do not match"),
        (lambda c: _forge(claims_for(c) | {"nbf": claims_for(c)["nbf"] - 1}), "do not match"),
        (lambda c: _forge({k: v for k, v in claims_for(c).items() if k != "sub"}), "sub"),
        (lambda c: _forge(claims_for(c) | {"vc": "a string"}), "not a credential"),
    ],
)
def test_bad_tokens_are_refused(make_token: Any, reason: str) -> None:
    credential = build_credential(make_claims())
    with pytest.raises(VcJwtError, match=reason):
        verify_jwt(make_token(credential), JWKS)


def test_a_changed_payload_breaks_the_signature() -> None:
    token = encode_jwt(build_credential(make_claims()), NEW, "new-kid")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(VcJwtError, match="Signature"):
        verify_jwt(f"{header}.{forged}.{signature}", JWKS)


def test_not_yet_valid_and_expired_credentials_are_refused() -> None:
    future = datetime.now(UTC) + timedelta(days=1)
    credential = build_credential(make_claims(issued_at=future))
    with pytest.raises(VcJwtError, match="not yet valid"):
        verify_jwt(encode_jwt(credential, NEW, "new-kid"), JWKS)
    ended = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
    expired = build_credential(make_claims()) | {"validUntil": ended.isoformat()}
    token = encode_jwt(expired, NEW, "new-kid")
    assert _segments(token)[1]["exp"] == int(ended.timestamp())
    with pytest.raises(VcJwtError, match="expired"):
        verify_jwt(token, JWKS)


def test_claims_need_the_credentials_ids() -> None:
    credential = build_credential(make_claims())
    del credential["credentialSubject"]["id"]
    with pytest.raises(VcJwtError, match="sub"):
        claims_for(credential)
    with pytest.raises(VcJwtError, match="date-time"):
        claims_for(build_credential(make_claims()) | {"validFrom": "yesterday"})
