"""Ed25519 public keys as Multikey strings (``z6Mk…``), and finding the key of a proof.

A Multikey is the multicodec prefix ``0xed 0x01`` followed by the 32 raw
bytes of the key, written in multibase base58btc (a leading ``z``).  The same
string is the method-specific part of a ``did:key`` identifier.

No small, maintained base58 library is installed, so the dozen lines of
base58btc (Bitcoin alphabet) are written here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_VALUE = {symbol: value for value, symbol in enumerate(B58_ALPHABET)}
ED25519_PREFIX = b"\xed\x01"

#: Given a proof's verificationMethod, the public key to check it with, or None.
KeyResolver = Callable[[str], Ed25519PublicKey | None]


def b58encode(data: bytes) -> str:
    """Base58btc: the number in base 58, one ``1`` per leading zero byte."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(B58_ALPHABET[remainder])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """The bytes of a base58btc string; ValueError on a symbol outside the alphabet."""
    number = 0
    for symbol in text:
        if symbol not in _B58_VALUE:
            raise ValueError(f"{symbol!r} is not a base58btc symbol")
        number = number * 58 + _B58_VALUE[symbol]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def to_multikey(key: Ed25519PublicKey) -> str:
    """The Multikey form of an Ed25519 public key, e.g. ``z6MkjZRZ…``."""
    return "z" + b58encode(ED25519_PREFIX + raw_public_key(key))


def from_multikey(text: str) -> Ed25519PublicKey:
    """The Ed25519 public key in a Multikey string; ValueError if it is not one."""
    if not text.startswith("z"):
        raise ValueError("a Multikey is base58btc multibase and starts with 'z'")
    data = b58decode(text[1:])
    if len(data) != 34 or not data.startswith(ED25519_PREFIX):
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def did_key(key: Ed25519PublicKey) -> str:
    """The ``did:key`` identifier of a public key."""
    return f"did:key:{to_multikey(key)}"


def embedded_key(verification_method: str) -> Ed25519PublicKey | None:
    """The key written in a verification method itself, without looking anything up.

    Reads ``did:key:z6Mk…`` (with or without its ``#z6Mk…`` fragment) and any
    URL whose fragment is an Ed25519 Multikey (``https://issuer.example#z6Mk…``).
    This proves only that the document was signed by *that* key: for an https
    issuer, whether the key belongs to the issuer must be checked separately
    (use :func:`resolver_for` with keys you trust instead).
    """
    if verification_method.startswith("did:key:"):
        candidate = verification_method.removeprefix("did:key:").split("#", 1)[0]
    elif "#" in verification_method:
        candidate = verification_method.rsplit("#", 1)[1]
    else:
        return None
    try:
        return from_multikey(candidate)
    except ValueError:
        return None


def verification_method_id(controller: str, key: Ed25519PublicKey) -> str:
    """The id of a key within its controller's document: ``<controller>#<multikey>``."""
    return f"{controller}#{to_multikey(key)}"


def resolver_for(controller: str, keys: Iterable[Ed25519PublicKey]) -> KeyResolver:
    """A resolver that knows only these keys, as methods of ``controller`` (e.g. ``<base>/issuer``).

    Pass every key the instance has ever signed with (rotated keys included),
    so that older certificates still verify.
    """
    known = {verification_method_id(controller, key): key for key in keys}
    return known.get
