"""Multikey, base58btc and finding the key of a proof."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.plugins.certificates import multikey
from tests.plugins.certificates.support import SPEC_PUBLIC_MULTIKEY, spec_key


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=80))
def test_base58_round_trips(data: bytes) -> None:
    assert multikey.b58decode(multikey.b58encode(data)) == data


def test_base58_known_values() -> None:
    assert multikey.b58encode(b"") == ""
    assert multikey.b58encode(b"\0\0\x01") == "112"
    assert multikey.b58encode(b"hello world") == "StV1DL6CwTryKyV"
    with pytest.raises(ValueError, match="base58btc"):
        multikey.b58decode("0OIl")


def test_spec_key_has_the_published_multikey() -> None:
    public = spec_key().public_key()
    assert multikey.to_multikey(public) == SPEC_PUBLIC_MULTIKEY
    assert multikey.raw_public_key(multikey.from_multikey(SPEC_PUBLIC_MULTIKEY)) == (
        multikey.raw_public_key(public)
    )
    assert multikey.did_key(public) == f"did:key:{SPEC_PUBLIC_MULTIKEY}"


@pytest.mark.parametrize(
    "text", ["6Mkj", "z", "zzzz", "z" + multikey.b58encode(b"\xec\x01" + bytes(32))]
)
def test_from_multikey_refuses_other_things(text: str) -> None:
    with pytest.raises(ValueError):
        multikey.from_multikey(text)


def test_embedded_key_reads_did_key_and_fragments() -> None:
    raw = multikey.raw_public_key
    expected = raw(spec_key().public_key())
    for method in (
        f"did:key:{SPEC_PUBLIC_MULTIKEY}",
        f"did:key:{SPEC_PUBLIC_MULTIKEY}#{SPEC_PUBLIC_MULTIKEY}",
        f"https://example.edu/issuers/565049#{SPEC_PUBLIC_MULTIKEY}",
    ):
        key = multikey.embedded_key(method)
        assert key is not None and raw(key) == expected
    assert multikey.embedded_key("https://example.edu/issuers/565049") is None
    assert multikey.embedded_key("https://example.edu/issuers/565049#key-1") is None


def test_resolver_for_knows_only_its_keys() -> None:
    old, new, stranger = (Ed25519PrivateKey.generate().public_key() for _ in range(3))
    resolve = multikey.resolver_for("https://a.example/issuer", [old, new])
    for key in (old, new):
        method = multikey.verification_method_id("https://a.example/issuer", key)
        assert resolve(method) is key
    assert resolve(multikey.verification_method_id("https://a.example/issuer", stranger)) is None
    assert resolve(multikey.verification_method_id("https://b.example/issuer", old)) is None
