"""Data Integrity proofs (eddsa-rdfc-2022): the official test vector, samples and tampering."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.plugins.certificates import proof
from academy.plugins.certificates.credential import build_credential, verification_method
from academy.plugins.certificates.multikey import embedded_key, resolver_for
from academy.plugins.certificates.proof import ProofError
from tests.plugins.certificates.support import (
    BASE,
    SIGNED_SAMPLES,
    make_claims,
    official_loader,
    sample,
    spec_key,
)

SIGNED_AT = datetime(2026, 3, 14, 10, 31, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
RESOLVER = resolver_for(f"{BASE}/issuer", [KEY.public_key()])


def _signed(**overrides: Any) -> dict[str, Any]:
    credential = build_credential(make_claims(**overrides))
    return proof.sign(credential, KEY, verification_method(BASE, KEY.public_key()), SIGNED_AT)


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


def _with_leaf(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _one_character_changed(text: str) -> str:
    last = text[-1]
    return text[:-1] + ("b" if last == "a" else "a") if text else "a"


@pytest.mark.parametrize("name", SIGNED_SAMPLES)
def test_verify_accepts_the_signed_samples(name: str) -> None:
    assert proof.verify(sample(name), embedded_key)
    assert proof.verify(sample(name), embedded_key, loader=official_loader())


def test_signing_the_spec_vector_with_the_spec_key_reproduces_its_proof() -> None:
    signed = sample("ob3_spec-testvector_signed.json")
    published = signed.pop("proof")
    created = datetime.fromisoformat(published["created"])
    ours = proof.sign(signed, spec_key(), published["verificationMethod"], created)
    assert ours["proof"] == published


def test_our_credential_signs_and_verifies() -> None:
    signed = _signed()
    assert signed["proof"]["type"] == "DataIntegrityProof"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert signed["proof"]["proofPurpose"] == "assertionMethod"
    assert signed["proof"]["created"] == "2026-03-14T10:31:00Z"
    assert signed["proof"]["proofValue"].startswith("z")
    assert proof.verify(signed, RESOLVER)
    proof.check(signed, RESOLVER)


def test_signing_does_not_change_the_document_given() -> None:
    credential = build_credential(make_claims())
    before = copy.deepcopy(credential)
    proof.sign(credential, KEY, verification_method(BASE, KEY.public_key()), SIGNED_AT)
    assert credential == before


@pytest.mark.parametrize("language", ["en", "mn"])
def test_one_changed_character_anywhere_breaks_the_proof(language: str) -> None:
    signed = _signed(language=language, holder_name="Өлзий Үүрийнтуяа")
    leaves = list(_leaves(signed))
    assert len(leaves) > 25
    for path, text in leaves:
        tampered = _with_leaf(signed, path, _one_character_changed(text))
        assert not proof.verify(tampered, RESOLVER), path


def test_one_changed_character_breaks_the_spec_vector() -> None:
    signed = sample("ob3_spec-testvector_signed.json")
    for path, text in _leaves(signed):
        tampered = _with_leaf(signed, path, _one_character_changed(text))
        assert not proof.verify(tampered, embedded_key), path


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update({"description": "An extra, unsigned claim"}),
        lambda d: d.update({"madeUp": "an undefined term"}),
        lambda d: d["credentialSubject"]["achievement"].update({"version": "9"}),
        lambda d: d["credentialSubject"].pop("term"),
        lambda d: d["credentialStatus"].update({"statusListIndex": "43"}),
        lambda d: d.update({"validFrom": "2026-03-14T10:30:06Z"}),
    ],
)
def test_adding_removing_or_changing_claims_breaks_the_proof(change: Any) -> None:
    signed = _signed()
    change(signed)
    assert not proof.verify(signed, RESOLVER)


def test_an_unknown_or_wrong_key_fails() -> None:
    signed = _signed()
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ProofError, match="not known"):
        proof.check(signed, resolver_for(f"{BASE}/issuer", [other]))
    assert not proof.verify(signed, lambda _method: other)
    assert proof.verify(signed, lambda _method: KEY.public_key())


def test_a_forger_key_in_our_issuers_name_is_refused() -> None:
    forger = Ed25519PrivateKey.generate()
    forged = proof.sign(
        build_credential(make_claims()),
        forger,
        verification_method(BASE, forger.public_key()),  # <base>/issuer#<forger's key>
        SIGNED_AT,
    )
    assert proof.verify(forged, embedded_key)  # embedded keys prove no issuer
    assert not proof.verify(forged, RESOLVER)


def test_rotated_keys_still_verify_older_credentials() -> None:
    old, new = KEY, Ed25519PrivateKey.generate()
    resolver = resolver_for(f"{BASE}/issuer", [old.public_key(), new.public_key()])
    by_old = _signed()
    by_new = proof.sign(
        build_credential(make_claims()),
        new,
        verification_method(BASE, new.public_key()),
        SIGNED_AT,
    )
    assert proof.verify(by_old, resolver) and proof.verify(by_new, resolver)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda p: p.update({"type": "Ed25519Signature2020"}), "only DataIntegrityProof"),
        (lambda p: p.update({"cryptosuite": "ecdsa-rdfc-2019"}), "only DataIntegrityProof"),
        (lambda p: p.update({"proofPurpose": "authentication"}), "purpose"),
        (lambda p: p.update({"proofValue": "u" + p["proofValue"][1:]}), "base58btc"),
        (lambda p: p.update({"proofValue": "z0OIl"}), "not base58btc"),
        (lambda p: p.update({"proofValue": "z3yZe7d"}), "not an Ed25519 signature"),
        (lambda p: p.update({"expires": "2020-01-01T00:00:00Z"}), "expired"),
        (lambda p: p.update({"@context": ["https://www.w3.org/ns/credentials/v2"]}), "@context"),
        (lambda p: p.pop("verificationMethod"), "verificationMethod"),
    ],
)
def test_malformed_proofs_are_refused_with_a_reason(change: Any, reason: str) -> None:
    signed = _signed()
    change(signed["proof"])
    with pytest.raises(ProofError, match=reason):
        proof.check(signed, RESOLVER)


def test_documents_without_proofs_or_context() -> None:
    signed = _signed()
    with pytest.raises(ProofError, match="no proof"):
        proof.check({k: v for k, v in signed.items() if k != "proof"}, RESOLVER)
    with pytest.raises(ProofError, match="no proof"):
        proof.check(signed | {"proof": []}, RESOLVER)
    with pytest.raises(ProofError, match="not a JSON-LD"):
        proof.check({"proof": signed["proof"]}, RESOLVER)
    assert not proof.verify(["not", "a", "document"], RESOLVER)  # type: ignore[arg-type]


def test_a_document_with_an_unknown_context_fails_to_verify() -> None:
    signed = _signed()
    signed["@context"] = [*signed["@context"], "https://evil.example/context.json"]
    with pytest.raises(ProofError, match="canonicalise"):
        proof.check(signed, RESOLVER)


def test_proof_sets_need_every_proof_valid() -> None:
    signed = _signed()
    second = Ed25519PrivateKey.generate()
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    other = proof.sign(unsigned, second, f"{BASE}/issuer#second", SIGNED_AT)["proof"]
    keys = {
        signed["proof"]["verificationMethod"]: KEY.public_key(),
        f"{BASE}/issuer#second": second.public_key(),
    }
    both = unsigned | {"proof": [signed["proof"], other]}
    assert proof.verify(both, keys.get)
    broken = copy.deepcopy(both)
    broken["proof"][1]["created"] = "2026-03-14T10:31:01Z"
    assert not proof.verify(broken, keys.get)


def test_sign_refuses_a_signed_or_context_less_document() -> None:
    signed = _signed()
    method = verification_method(BASE, KEY.public_key())
    with pytest.raises(ProofError, match="already"):
        proof.sign(signed, KEY, method, SIGNED_AT)
    with pytest.raises(ProofError, match="@context"):
        proof.sign({"name": "x"}, KEY, method, SIGNED_AT)
