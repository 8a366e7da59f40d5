"""Bitstring status lists: encoding, reading, and the status list credential."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.plugins.certificates import proof, statuslist
from academy.plugins.certificates.credential import verification_method
from academy.plugins.certificates.multikey import resolver_for
from academy.plugins.certificates.statuslist import StatusListError, is_revoked
from tests.plugins.certificates.support import BASE


def _encoded(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_an_empty_list_has_the_minimum_size_and_nothing_revoked() -> None:
    encoded = statuslist.encode([])
    assert encoded.startswith("u") and "=" not in encoded
    assert len(statuslist.decode(encoded)) == 16 * 1024
    assert statuslist.revoked_indexes(encoded) == []
    assert not is_revoked(encoded, 0)
    assert not is_revoked(encoded, statuslist.MIN_ENTRIES - 1)


def test_index_zero_is_the_leftmost_bit() -> None:
    bits = statuslist.decode(statuslist.encode([0, 9]))
    assert bits[0] == 0b1000_0000
    assert bits[1] == 0b0100_0000


def test_revoked_indexes_are_set_and_others_are_not() -> None:
    encoded = statuslist.encode([3, 42, 131_071])
    assert [i for i in range(50) if is_revoked(encoded, i)] == [3, 42]
    assert is_revoked(encoded, 131_071)
    assert statuslist.revoked_indexes(encoded) == [3, 42, 131_071]


def test_the_list_grows_to_hold_a_large_index_and_is_deterministic() -> None:
    encoded = statuslist.encode([200_000])
    assert len(statuslist.decode(encoded)) * 8 >= 200_001
    assert is_revoked(encoded, 200_000)
    assert statuslist.encode([5, 1]) == statuslist.encode([1, 5, 5])
    with pytest.raises(StatusListError, match="outside"):
        is_revoked(statuslist.encode([]), statuslist.MIN_ENTRIES)
    with pytest.raises(StatusListError, match="zero or more"):
        statuslist.encode([-1])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sets(st.integers(0, statuslist.MIN_ENTRIES - 1), max_size=40))
def test_any_set_of_indexes_round_trips(revoked: set[int]) -> None:
    assert statuslist.revoked_indexes(statuslist.encode(revoked)) == sorted(revoked)


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        ("zABC", "multibase base64url"),
        ("u!!!!", "GZIP"),
        (_encoded(b"not gzip at all"), "GZIP"),
        (_encoded(gzip.compress(bytes(16384))[:40]), "cut short"),
    ],
)
def test_unreadable_lists_are_refused(encoded: str, reason: str) -> None:
    with pytest.raises(StatusListError, match=reason):
        is_revoked(encoded, 0)


def test_a_compression_bomb_is_refused() -> None:
    bomb = _encoded(gzip.compress(bytes(statuslist.MAX_BYTES + 1)))
    with pytest.raises(StatusListError, match="larger than allowed"):
        statuslist.decode(bomb)


def test_the_status_list_credential_signs_and_verifies() -> None:
    document = statuslist.status_list_credential(BASE, [7], datetime(2026, 3, 14, tzinfo=UTC))
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert document["id"] == f"{BASE}/certificates/status/revocation"
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == f"{BASE}/issuer"
    assert document["validFrom"] == "2026-03-14T00:00:00Z"
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert is_revoked(subject["encodedList"], 7)
    key = Ed25519PrivateKey.generate()
    signed = proof.sign(
        document, key, verification_method(BASE, key.public_key()), datetime.now(UTC)
    )
    assert proof.verify(signed, resolver_for(f"{BASE}/issuer", [key.public_key()]))
    signed["credentialSubject"]["encodedList"] = statuslist.encode([])
    assert not proof.verify(signed, resolver_for(f"{BASE}/issuer", [key.public_key()]))
