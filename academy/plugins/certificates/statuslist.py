"""Revocation as a W3C Bitstring Status List.

Each certificate owns one position (its ``status_index``) in a long string of
bits; bit 1 means revoked.  The list is published as a
``BitstringStatusListCredential`` whose ``encodedList`` is the bitstring,
GZIP-compressed, in multibase base64url without padding (a leading ``u``).
Index 0 is the most significant (left-most) bit of the first byte.  The list
has at least 131,072 entries (16 KiB) so that a revoked index does not stand
out among few; it is padded to a whole number of bytes.

A verifier decompresses at most :data:`MAX_BYTES`, so a hostile list cannot
exhaust memory.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from academy.plugins.certificates.claims import xsd_datetime
from academy.plugins.certificates.credential import issuer_url, status_list_url
from academy.plugins.certificates.jsonld import CREDENTIALS_V2

MIN_ENTRIES = 131_072
MAX_BYTES = 16 * 1024 * 1024
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


class StatusListError(ValueError):
    """An encoded list that cannot be read, or an index outside it."""


def encode(revoked: Iterable[int], size: int = MIN_ENTRIES) -> str:
    """The ``encodedList`` value for a list with the ``revoked`` indexes set.

    ``size`` is raised to the minimum and to fit the largest index.  The
    output is deterministic (no timestamp in the GZIP header).
    """
    indexes = sorted(set(revoked))
    if indexes and indexes[0] < 0:
        raise StatusListError("status list indexes are zero or more")
    entries = max(size, MIN_ENTRIES, (indexes[-1] + 1) if indexes else 0)
    bits = bytearray((entries + 7) // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode(encoded_list: str) -> bytes:
    """The raw bitstring of an ``encodedList``; :class:`StatusListError` if it is not one."""
    if not encoded_list.startswith("u"):
        raise StatusListError("the encoded list is not multibase base64url ('u…')")
    text = encoded_list[1:]
    if not _BASE64URL.match(text):
        raise StatusListError("the encoded list is not GZIP data in base64url")
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        bits = inflater.decompress(compressed, MAX_BYTES)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise StatusListError("the encoded list is not GZIP data in base64url") from exc
    if inflater.unconsumed_tail:
        raise StatusListError("the status list is larger than allowed")
    if not inflater.eof:
        raise StatusListError("the encoded list is cut short")
    return bits


def is_revoked(encoded_list: str, index: int) -> bool:
    """True when the bit at ``index`` is set in the encoded list."""
    bits = decode(encoded_list)
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index} is outside the status list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def revoked_indexes(encoded_list: str) -> list[int]:
    """Every index whose bit is set (for tests and administration)."""
    bits = decode(encoded_list)
    return [
        position * 8 + offset
        for position, byte in enumerate(bits)
        if byte
        for offset in range(8)
        if byte & (0x80 >> offset)
    ]


def status_list_credential(
    base: str,
    revoked: Iterable[int],
    valid_from: datetime,
    *,
    size: int = MIN_ENTRIES,
    purpose: str = "revocation",
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` of the issuer's revocations.

    It is served at ``<base>/certificates/status/<purpose>``.  Sign it with
    :func:`academy.plugins.certificates.proof.sign` like a certificate's credential.
    """
    url = status_list_url(base, purpose)
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(base),
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode(revoked, size),
        },
    }
