"""Offline contexts: our own context files canonicalise exactly like the official ones."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from academy.plugins.certificates import jsonld
from academy.plugins.certificates.credential import build_credential, issuer_profile
from academy.plugins.certificates.jsonld import CanonicalisationError, canonicalize
from academy.plugins.certificates.statuslist import status_list_credential
from tests.plugins.certificates.support import (
    BASE,
    OFFICIAL_CONTEXTS,
    SIGNED_SAMPLES,
    badges,
    make_claims,
    official_loader,
    sample,
)

PACKAGE_CONTEXTS = Path(jsonld.__file__).parent / "contexts"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _our_documents() -> dict[str, dict[str, Any]]:
    from datetime import UTC, datetime

    from academy.plugins.certificates import proof
    from tests.plugins.certificates.support import spec_key

    credential = build_credential(make_claims(language="mn", holder_name="Өлзий Үүрийнтуяа"))
    signed = proof.sign(
        credential, spec_key(), f"{BASE}/issuer#z6Mk", datetime(2026, 3, 14, tzinfo=UTC)
    )
    status = status_list_credential(BASE, [3, 42], datetime(2026, 3, 14, tzinfo=UTC))
    bare = build_credential(make_claims(start_date=None, end_date=None, cohort_name=""))
    return {"credential": credential, "signed": signed, "status": status, "bare": bare}


def test_loader_answers_only_its_contexts(no_network: None) -> None:
    loader = jsonld.default_loader()
    assert loader.urls == set(jsonld.CONTEXT_FILES)
    document = loader(jsonld.OB_V3P0)["document"]
    assert "@context" in document
    for url in ("https://www.w3.org/2018/credentials/v1", "https://evil.example/context.json"):
        with pytest.raises(Exception, match="not available offline"):
            loader(url)


def test_a_document_with_an_unknown_context_fails_offline(no_network: None) -> None:
    document = {"@context": ["https://evil.example/context.json"], "name": "x"}
    with pytest.raises(CanonicalisationError):
        canonicalize(document)


def test_the_spec_test_vector_canonicalises_to_the_published_nquads(no_network: None) -> None:
    credential = sample("ob3_spec-testvector_signed.json")
    proof = credential.pop("proof")
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    options["@context"] = credential["@context"]
    folder = badges()
    assert (
        canonicalize(credential) == (folder / "ob3_spec-testvector_document-canon.nq").read_text()
    )
    assert canonicalize(options) == (folder / "ob3_spec-testvector_proof-canon.nq").read_text()


def test_official_contexts_give_the_published_nquads_too() -> None:
    credential = sample("ob3_spec-testvector_signed.json")
    credential.pop("proof")
    expected = (badges() / "ob3_spec-testvector_document-canon.nq").read_text()
    assert canonicalize(credential, official_loader()) == expected


@pytest.mark.parametrize("name", ["credential", "signed", "status", "bare"])
def test_our_documents_canonicalise_as_with_the_official_contexts(name: str) -> None:
    official = official_loader()
    document = _our_documents()[name]
    ours = canonicalize(document)
    assert ours == canonicalize(document, official)
    assert ours.count("\n") >= 8


@pytest.mark.parametrize("name", SIGNED_SAMPLES)
def test_the_samples_canonicalise_as_with_the_official_contexts(name: str) -> None:
    document = sample(name)
    assert canonicalize(document) == canonicalize(document, official_loader())


def _terms(context: dict[str, Any], prefix: str = "") -> dict[str, tuple[Any, ...]]:
    """Every term definition, scoped ones included, as path -> (IRI, type, container)."""
    found: dict[str, tuple[Any, ...]] = {}
    top = context
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        entry: dict[str, Any] = (
            {"@id": definition} if isinstance(definition, str) else dict(definition)
        )
        iri = entry.get("@id")
        if isinstance(iri, str) and ":" not in iri and iri in top:  # a term used as IRI
            target = top[iri]
            iri = target if isinstance(target, str) else target["@id"]
        found[prefix + term] = (iri, entry.get("@type"), entry.get("@container"))
        if isinstance(entry.get("@context"), dict):
            found |= _terms(entry["@context"], f"{prefix}{term}/")
    return found


@pytest.mark.parametrize(
    ("ours", "official"),
    [
        ("credentials-v2.jsonld", "credentials-v2.jsonld"),
        ("ob-v3p0-3.0.3.jsonld", "ob-v3p0-3.0.3.json"),
        ("ob-v3p0-extensions.jsonld", "ob-v3p0-extensions.json"),
    ],
)
def test_every_term_we_define_has_the_official_mapping(ours: str, official: str) -> None:
    theirs = json.loads((badges() / "contexts" / official).read_text())["@context"]
    mine = json.loads((PACKAGE_CONTEXTS / ours).read_text())["@context"]
    official_terms = _terms(theirs)
    for path, mapping in _terms(mine).items():
        assert official_terms.get(path) == mapping, path
    assert mine.get("@protected") == theirs.get("@protected")


def test_our_context_files_are_our_own() -> None:
    official = {path.read_bytes() for path in (badges() / "contexts").iterdir()}
    for path in PACKAGE_CONTEXTS.glob("*.jsonld"):
        assert path.read_bytes() not in official
    assert set(OFFICIAL_CONTEXTS) >= set(jsonld.CONTEXT_FILES) - {jsonld.CID_V1}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update({"favouriteColour": "blue"}), "favouriteColour"),
        (lambda d: d["credentialSubject"].update({"email": "a@b.example"}), "email"),
        (lambda d: d.update({"type": ["VerifiableCredential", "MadeUpCredential"]}), "MadeUp"),
        (lambda d: d.update({"id": "just-a-word"}), "absolute IRI"),
    ],
)
def test_safe_mode_refuses_what_the_contexts_do_not_define(change: Any, message: str) -> None:
    document = build_credential(make_claims())
    change(document)
    with pytest.raises(CanonicalisationError, match=message):
        canonicalize(document)


def test_the_issuer_profile_expands_without_dropping_anything() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    profile = issuer_profile(BASE, "Academy", [Ed25519PrivateKey.generate().public_key()])
    expanded = jsonld.expand(profile)
    node = expanded[0]
    assert node["@id"] == f"{BASE}/issuer"
    assert "https://w3id.org/security#assertionMethod" in node
    method = node["https://w3id.org/security#verificationMethod"][0]
    assert method["@type"] == ["https://w3id.org/security#Multikey"]


def test_loaders_keep_their_own_context_caches() -> None:
    mine = jsonld.default_loader()
    text = (PACKAGE_CONTEXTS / "credentials-v2.jsonld").read_text()
    altered = jsonld.OfflineLoader(
        {url: (PACKAGE_CONTEXTS / name).read_text() for url, name in jsonld.CONTEXT_FILES.items()}
        | {jsonld.CREDENTIALS_V2: text.replace("https://schema.org/name", "urn:other:name")}
    )
    document = {"@context": [jsonld.CREDENTIALS_V2], "id": "urn:x", "name": "N"}
    before = canonicalize(document, mine)
    assert "urn:other:name" in canonicalize(document, altered)
    assert canonicalize(document, mine) == before
    assert "https://schema.org/name" in before


def test_the_context_cache_is_bounded() -> None:
    loader = jsonld.OfflineLoader({})
    for number in range(200):
        canonicalize({"@context": {"name": f"urn:term:{number}"}, "name": "x"}, loader)
    assert len(loader._cache) <= 64


def test_verifying_a_sample_needs_no_network(no_network: None) -> None:
    from academy.plugins.certificates import proof
    from academy.plugins.certificates.multikey import embedded_key

    assert proof.verify(sample("ob3_simple_did-key_eddsa-rdfc-2022.json"), embedded_key)
