"""MANIFEST.sha256 and SIGNATURE.json: the integrity and the publisher of a built package.

MANIFEST.sha256 lists ``<sha256>  <path>`` for every other file, sorted by
path; SIGNATURE.json holds the publisher (id, name, public key) and an Ed25519
signature over ``b"academy-package-v1\\n" + publisher id + b"\\n" + manifest``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Flask
from flask_babel import gettext as _

from academy.core.keys import current_key
from academy.plugins.packages.checks import HASH_PATTERN
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.manifest import PUBLISHER_ID
from academy.plugins.packages.texts import sha256

MANIFEST = "MANIFEST.sha256"
SIGNATURE = "SIGNATURE.json"
DOMAIN = b"academy-package-v1\n"
SIGNATURE_FORMAT = 1
ALGORITHM = "Ed25519"


@dataclass(frozen=True)
class PublisherKey:
    """Who signs packages: an id, a display name and an Ed25519 public key (base64)."""

    id: str
    name: str
    public_key: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "public_key": self.public_key}

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key))

    @classmethod
    def from_dict(cls, data: Any) -> PublisherKey:
        """A validated key from a key file or SIGNATURE.json's publisher object."""
        if not isinstance(data, dict) or set(data) != {"id", "name", "public_key"}:
            raise PackageError(_("The publisher key must have exactly id, name and public_key."))
        ident, name, key = data["id"], data["name"], data["public_key"]
        if not isinstance(ident, str) or not PUBLISHER_ID.match(ident):
            raise PackageError(_("The publisher id %(id)s is not valid.", id=repr(ident)[:130]))
        if not isinstance(name, str) or not 0 < len(name) <= 200:
            raise PackageError(_("The publisher name must be text of 1 to 200 characters."))
        if not isinstance(key, str) or len(_b64(key, 32)) != 32:
            raise PackageError(_("The publisher's public key is not a base64 Ed25519 key."))
        return cls(ident, name, key)


@dataclass(frozen=True)
class Signer:
    publisher: PublisherKey
    private: Ed25519PrivateKey

    @classmethod
    def from_private(cls, publisher_id: str, name: str, private: Ed25519PrivateKey) -> Signer:
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return cls(PublisherKey(publisher_id, name, base64.b64encode(raw).decode()), private)


def instance_signer(app: Flask) -> Signer:
    """This instance as a publisher, with its current signing key."""
    try:
        key = current_key(app.instance_path)
    except LookupError:
        raise PackageError(_("This instance has no signing key yet: run academy init.")) from None
    publisher_id = app.config.get("ACADEMY_PUBLISHER_ID") or f"academy-{key.kid}"
    name = str(app.config.get("ACADEMY_NAME") or "Academy")[:200]
    return Signer.from_private(publisher_id, name, key.private)


def _b64(value: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return b""
    return raw if len(raw) == size else b""


def manifest_bytes(files: dict[str, bytes]) -> bytes:
    lines = [f"{sha256(files[path])}  {path}\n" for path in sorted(files)]
    return "".join(lines).encode("utf-8")


def sign_files(files: dict[str, bytes], signer: Signer) -> dict[str, bytes]:
    """``files`` plus MANIFEST.sha256 and SIGNATURE.json."""
    manifest = manifest_bytes(files)
    message = DOMAIN + signer.publisher.id.encode() + b"\n" + manifest
    signature = {
        "format": SIGNATURE_FORMAT,
        "algorithm": ALGORITHM,
        "publisher": signer.publisher.to_dict(),
        "signature": base64.b64encode(signer.private.sign(message)).decode(),
    }
    text = json.dumps(signature, indent=2, ensure_ascii=False) + "\n"
    return {**files, MANIFEST: manifest, SIGNATURE: text.encode("utf-8")}


def verify_files(files: dict[str, bytes]) -> tuple[dict[str, bytes], PublisherKey]:
    """Check every hash and the signature; the content files and the signing publisher."""
    if MANIFEST not in files:
        raise PackageError(_("The package has no MANIFEST.sha256: it is not a built package."))
    if SIGNATURE not in files:
        raise PackageError(_("The package is not signed: SIGNATURE.json is missing."))
    content = {path: data for path, data in files.items() if path not in {MANIFEST, SIGNATURE}}
    _check_manifest(files[MANIFEST], content)
    publisher, signature = _read_signature(files[SIGNATURE])
    message = DOMAIN + publisher.id.encode() + b"\n" + files[MANIFEST]
    try:
        publisher.verifier().verify(signature, message)
    except (InvalidSignature, ValueError):
        raise PackageError(
            _(
                "The signature is not valid: the package was changed after it was signed, or "
                "%(publisher)s did not sign it.",
                publisher=publisher.id,
            )
        ) from None
    return content, publisher


def _check_manifest(raw: bytes, content: dict[str, bytes]) -> None:
    listed = _parse_manifest(raw)
    for path in sorted(content):
        if path not in listed:
            raise PackageError(_("The file %(path)s is not listed in MANIFEST.sha256.", path=path))
        if listed[path] != sha256(content[path]):
            raise PackageError(
                _("The file %(path)s does not match its hash in MANIFEST.sha256.", path=path)
            )
    for path in sorted(set(listed) - set(content)):
        raise PackageError(
            _("MANIFEST.sha256 lists %(path)s, which is not in the package.", path=path)
        )


def _parse_manifest(raw: bytes) -> dict[str, str]:
    """{path: hash} from MANIFEST.sha256, refusing any deviation from the format."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PackageError(_("MANIFEST.sha256 is not valid UTF-8.")) from None
    if not text.endswith("\n"):
        raise PackageError(_("MANIFEST.sha256 must end with a line break."))
    listed: dict[str, str] = {}
    previous = ""
    for number, line in enumerate(text[:-1].split("\n"), start=1):
        digest, gap, path = line[:64], line[64:66], line[66:]
        if not HASH_PATTERN.match(digest) or gap != "  " or not path or path <= previous:
            raise PackageError(
                _("MANIFEST.sha256, line %(number)s: malformed or out of order.", number=number)
            )
        listed[path] = digest
        previous = path
    return listed


def _read_signature(raw: bytes) -> tuple[PublisherKey, bytes]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackageError(_("SIGNATURE.json is not valid JSON.")) from None
    if not isinstance(data, dict) or set(data) != {"format", "algorithm", "publisher", "signature"}:
        raise PackageError(
            _("SIGNATURE.json must have format, algorithm, publisher and signature.")
        )
    if data["format"] != SIGNATURE_FORMAT or isinstance(data["format"], bool):
        raise PackageError(_("SIGNATURE.json: unknown signature format."))
    if data["algorithm"] != ALGORITHM:
        raise PackageError(_("SIGNATURE.json: the algorithm must be Ed25519."))
    publisher = PublisherKey.from_dict(data["publisher"])
    signature = _b64(data["signature"], 64) if isinstance(data["signature"], str) else b""
    if not signature:
        raise PackageError(_("SIGNATURE.json: the signature is not a base64 Ed25519 signature."))
    return publisher, signature
