"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C VC Data Integrity EdDSA).

Signing a credential:

1. canonicalise the credential without ``proof`` (RDFC-1.0 N-Quads);
2. canonicalise the proof options (the proof without ``proofValue``) under the
   credential's ``@context``;
3. sign ``sha256(proof options) ‖ sha256(credential)`` with Ed25519;
4. write the 64-byte signature as multibase base58btc (``z…``) in ``proofValue``.

Verifying repeats steps 1-3 with the public key that the proof's
``verificationMethod`` names.  Which keys are trusted is the caller's choice,
through a resolver (see :mod:`academy.plugins.certificates.multikey`).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.plugins.certificates.claims import xsd_datetime
from academy.plugins.certificates.jsonld import CanonicalisationError, OfflineLoader, canonicalize
from academy.plugins.certificates.multikey import KeyResolver, b58decode, b58encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PURPOSE = "assertionMethod"


class ProofError(ValueError):
    """A proof is missing, malformed, made with an unknown key, or does not match."""


def _hash_data(
    unsecured: Mapping[str, Any], options: Mapping[str, Any], loader: OfflineLoader | None
) -> bytes:
    try:
        proof_canon = canonicalize(options, loader)
        document_canon = canonicalize(unsecured, loader)
    except CanonicalisationError as exc:
        raise ProofError(f"cannot canonicalise the document: {exc}") from exc
    return (
        hashlib.sha256(proof_canon.encode()).digest()
        + hashlib.sha256(document_canon.encode()).digest()
    )


def sign(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    *,
    loader: OfflineLoader | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with a ``DataIntegrityProof`` (eddsa-rdfc-2022) added.

    ``verification_method`` is the URL of the public key, e.g.
    ``<base>/issuer#z6Mk…``; ``created`` an aware datetime (written in UTC, to
    the second).  The document must not have a proof yet.
    """
    if "proof" in document:
        raise ProofError("the document already has a proof")
    if "@context" not in document:
        raise ProofError("the document has no @context")
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "created": xsd_datetime(created),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": PURPOSE,
    }
    options = {"@context": document["@context"], **proof}
    signature = private_key.sign(_hash_data(document, options, loader))
    signed = copy.deepcopy(dict(document))
    signed["proof"] = proof | {"proofValue": "z" + b58encode(signature)}
    return signed


def _proofs(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    proof = document.get("proof")
    items = proof if isinstance(proof, list) else [proof]
    proofs = [item for item in items if isinstance(item, Mapping)]
    if not proofs or len(proofs) != len(items):
        raise ProofError("the document has no proof")
    return proofs


def _check_one(
    unsecured: Mapping[str, Any],
    proof: Mapping[str, Any],
    resolver: KeyResolver,
    loader: OfflineLoader | None,
) -> None:
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"only {PROOF_TYPE} proofs with {CRYPTOSUITE} are supported")
    if proof.get("proofPurpose") != PURPOSE:
        raise ProofError(f"the proof's purpose is not {PURPOSE}")
    if "@context" in proof and proof["@context"] != unsecured["@context"]:
        raise ProofError("the proof's @context differs from the document's")
    if "expires" in proof and _parse_time(proof["expires"]) < datetime.now(UTC):
        raise ProofError("the proof has expired")
    method, value = proof.get("verificationMethod"), proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("the proof lacks a verificationMethod or a base58btc proofValue")
    key = resolver(method)
    if key is None:
        raise ProofError(f"the key {method} is not known")
    try:
        signature = b58decode(value[1:])
    except ValueError as exc:
        raise ProofError("the proofValue is not base58btc") from exc
    if len(signature) != 64:
        raise ProofError("the proofValue is not an Ed25519 signature")
    options = {"@context": unsecured["@context"]} | {
        name: item for name, item in proof.items() if name not in {"proofValue", "@context"}
    }
    try:
        key.verify(signature, _hash_data(unsecured, options, loader))
    except InvalidSignature:
        raise ProofError("the signature does not match the document") from None


def _parse_time(text: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError as exc:
        raise ProofError(f"{text!r} is not a date-time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check(
    document: Mapping[str, Any], resolver: KeyResolver, *, loader: OfflineLoader | None = None
) -> None:
    """Raise :class:`ProofError` unless every proof of ``document`` is valid.

    A proof set (a list of proofs) is valid when each proof verifies against
    the document without its proofs.
    """
    if not isinstance(document, Mapping) or "@context" not in document:
        raise ProofError("not a JSON-LD document")
    proofs = _proofs(document)
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    for proof in proofs:
        _check_one(unsecured, proof, resolver, loader)


def verify(
    document: Mapping[str, Any],
    public_key_resolver: KeyResolver,
    *,
    loader: OfflineLoader | None = None,
) -> bool:
    """True when every proof of ``document`` verifies with the keys the resolver trusts."""
    try:
        check(document, public_key_resolver, loader=loader)
    except ProofError:
        return False
    return True
