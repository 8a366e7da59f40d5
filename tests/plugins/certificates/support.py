"""Helpers of the certificates tests: claims, the samples beside the project, the spec key."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.plugins.certificates.claims import CertificateClaims
from academy.plugins.certificates.codes import check_symbol
from academy.plugins.certificates.jsonld import OfflineLoader

SHARED = Path(__file__).resolve().parents[4] / "shared"
BADGES = SHARED / "samples" / "badges"

#: The official context files in ../shared/samples/badges/contexts (third-party, read-only).
OFFICIAL_CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "2018-credentials-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
}

SIGNED_SAMPLES = (
    "ob3_spec-testvector_signed.json",
    "ob3_simple_eddsa-rdfc-2022.json",
    "ob3_simple_did-key_eddsa-rdfc-2022.json",
)

#: The Open Badges 3.0 test-vector key pair, published in the 1EdTech implementation
#: guide's "Linked Data Proof Test Vector" page: private key = seed ‖ public key (hex).
SPEC_SEED = bytes.fromhex("6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4")
SPEC_PUBLIC_MULTIKEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"

BASE = "https://academy.example.org"
CODE = "7KQ2-M9XD-4TR" + check_symbol("7KQ2M9XD4TR")


def badges() -> Path:
    """The Open Badges samples; skip the test when ../shared is not on this machine."""
    if not BADGES.is_dir():
        pytest.skip("../shared/samples/badges is not available on this machine")
    return BADGES


def sample(name: str) -> dict[str, Any]:
    return json.loads((badges() / name).read_text("utf-8"))


def official_loader() -> OfflineLoader:
    folder = badges() / "contexts"
    return OfflineLoader(
        {url: (folder / name).read_text("utf-8") for url, name in OFFICIAL_CONTEXTS.items()}
    )


def spec_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SPEC_SEED)


def make_claims(**overrides: Any) -> CertificateClaims:
    values: dict[str, Any] = {
        "code": CODE,
        "holder_name": "Ana Conceição Núñez",
        "course_title": "Colleague to colleague: the exchange methodology",
        "course_slug": "exchange-methodology",
        "course_version": "2.1",
        "cohort_name": "Spring 2026",
        "language": "en",
        "issued_at": datetime(2026, 3, 14, 10, 30, 5, tzinfo=UTC),
        "hours": 12.5,
        "criteria_text": "Complete every lesson and pass the final quiz.",
        "academy_name": "Local Government e-Academy",
        "academy_url": BASE,
        "status_index": 42,
        "start_date": date(2026, 2, 1),
        "end_date": date(2026, 3, 10),
    }
    values.update(overrides)
    return CertificateClaims(**values)
