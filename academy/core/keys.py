"""The instance's Ed25519 signing keys, kept as PEM files in the instance folder.

The newest key signs; older keys stay so that what they signed still
verifies.  Private key files are created readable by their owner only.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from academy.core.db import utcnow


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    created: str  # ISO date-time, from the file name

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def public_raw(self) -> bytes:
        return self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_dir(instance_path: str | Path) -> Path:
    return Path(instance_path) / "keys"


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest()[:12]).decode().rstrip("=")


def create_key(instance_path: str | Path) -> SigningKey:
    folder = key_dir(instance_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = Ed25519PrivateKey.generate()
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    kid = key_id(private.public_key())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = folder / f"{stamp}_{kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return SigningKey(kid=kid, private=private, created=stamp)


def all_keys(instance_path: str | Path) -> list[SigningKey]:
    """Every key, oldest first."""
    keys = []
    for path in sorted(key_dir(instance_path).glob("*.pem")):
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private, Ed25519PrivateKey):
            continue
        stamp = path.stem.split("_", 1)[0]
        keys.append(SigningKey(kid=key_id(private.public_key()), private=private, created=stamp))
    return keys


def current_key(instance_path: str | Path) -> SigningKey:
    keys = all_keys(instance_path)
    if not keys:
        raise LookupError("this instance has no signing key yet: run `academy init`")
    return keys[-1]


def ensure_key(instance_path: str | Path) -> tuple[SigningKey, bool]:
    """The current key, creating the first one if there is none; (key, created)."""
    keys = all_keys(instance_path)
    if keys:
        return keys[-1], False
    return create_key(instance_path), True
