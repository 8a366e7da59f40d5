"""The OpenBadgeCredential of a certificate and the issuer profile."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask_babel import get_locale

from academy.plugins.certificates import credential as module
from academy.plugins.certificates import proof
from academy.plugins.certificates.codes import check_symbol
from academy.plugins.certificates.credential import build_credential, issuer_profile
from academy.plugins.certificates.multikey import from_multikey, raw_public_key, to_multikey
from tests.plugins.certificates.support import BASE, CODE, make_claims


def test_the_credential_is_an_open_badge_3_credential() -> None:
    document = build_credential(make_claims())
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"{BASE}/certificates/{CODE}/credential.json"
    assert document["issuer"] == {
        "id": f"{BASE}/issuer",
        "type": ["Profile"],
        "name": "Local Government e-Academy",
        "url": BASE,
    }
    assert document["validFrom"] == "2026-03-14T10:30:05Z"
    assert "validUntil" not in document
    assert document["name"] == "Certificate: Colleague to colleague: the exchange methodology"


def test_the_subject_names_the_holder_and_the_course_at_its_version() -> None:
    subject = build_credential(make_claims())["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["id"].startswith("urn:uuid:")
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "Ana Conceição Núñez",
        }
    ]
    assert subject["term"] == "Spring 2026"
    assert subject["activityStartDate"] == "2026-02-01"
    assert subject["activityEndDate"] == "2026-03-10"
    achievement = subject["achievement"]
    assert achievement["id"] == f"{BASE}/courses/exchange-methodology#v2.1"
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["name"] == "Colleague to colleague: the exchange methodology"
    assert achievement["criteria"] == {
        "narrative": "Complete every lesson and pass the final quiz."
    }
    assert achievement["version"] == "2.1"
    assert achievement["inLanguage"] == "en"
    assert "12.5 hours" in achievement["description"]


def test_the_status_entry_points_into_the_revocation_list() -> None:
    status = build_credential(make_claims(status_index=1234))["credentialStatus"]
    assert status == {
        "id": f"{BASE}/certificates/status/revocation#1234",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "1234",
        "statusListCredential": f"{BASE}/certificates/status/revocation",
    }


def test_optional_parts_are_left_out() -> None:
    document = build_credential(
        make_claims(cohort_name=" ", start_date=None, end_date=None, criteria_text="")
    )
    subject = document["credentialSubject"]
    assert not {"term", "activityStartDate", "activityEndDate"} & set(subject)
    assert subject["achievement"]["criteria"]["narrative"] == (
        "Complete the course Colleague to colleague: the exchange methodology."
    )


def test_no_private_data_in_the_credential() -> None:
    text = json.dumps(build_credential(make_claims()), ensure_ascii=False)
    assert "@" not in text.replace('"@context"', "")
    assert "email" not in text.lower()
    assert text.count("Ana Conceição Núñez") == 1  # the name, once, as the holder's identifier


def test_subject_ids_are_per_certificate() -> None:
    first = build_credential(make_claims())["credentialSubject"]["id"]
    again = build_credential(make_claims(holder_name="Renamed"))["credentialSubject"]["id"]
    other_code = "0123-4567-89A" + check_symbol("0123456789A")
    other = build_credential(make_claims(code=other_code))["credentialSubject"]["id"]
    assert first == again != other


def test_slugs_and_versions_are_quoted_in_the_achievement_url() -> None:
    url = module.achievement_url(BASE, "a b/c", "1.0 beta#2")
    assert url == f"{BASE}/courses/a%20b%2Fc#v1.0%20beta%232"


@pytest.mark.parametrize("language", ["en", "fr", "pt", "es", "mn"])
def test_texts_are_written_in_the_holders_language(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def tagged(text: str, **values: Any) -> str:
        return f"[{get_locale()}] " + text % values

    monkeypatch.setattr(module, "_", tagged)
    document = build_credential(make_claims(language=language))
    assert document["name"].startswith(f"[{language}] ")
    assert document["credentialSubject"]["achievement"]["description"].startswith(f"[{language}] ")
    assert str(get_locale()) == "en"  # the forced language does not leak


def test_hours_are_formatted_for_the_language() -> None:
    description = build_credential(make_claims(language="fr"))["credentialSubject"]["achievement"][
        "description"
    ]
    assert "12,5" in description


def test_the_issuer_profile_lists_every_key_as_a_multikey() -> None:
    old, new = (Ed25519PrivateKey.generate().public_key() for _ in range(2))
    profile = issuer_profile(BASE + "/", "Local Government e-Academy", [old, new])
    assert profile["id"] == f"{BASE}/issuer"
    assert profile["type"] == ["Profile"]
    assert profile["@context"][-1] == "https://www.w3.org/ns/cid/v1"
    methods = profile["verificationMethod"]
    assert [method["publicKeyMultibase"] for method in methods] == [
        to_multikey(old),
        to_multikey(new),
    ]
    for method, key in zip(methods, (old, new), strict=True):
        assert method == {
            "id": f"{BASE}/issuer#{to_multikey(key)}",
            "type": "Multikey",
            "controller": f"{BASE}/issuer",
            "publicKeyMultibase": to_multikey(key),
        }
        assert raw_public_key(from_multikey(method["publicKeyMultibase"])) == raw_public_key(key)
    assert profile["assertionMethod"] == [method["id"] for method in methods]


def test_a_resolver_built_from_the_profile_verifies_our_credentials() -> None:
    key = Ed25519PrivateKey.generate()
    profile = issuer_profile(BASE, "Academy", [key.public_key()])
    trusted = {
        method["id"]: from_multikey(method["publicKeyMultibase"])
        for method in profile["verificationMethod"]
        if method["id"] in profile["assertionMethod"]
    }
    signed = proof.sign(
        build_credential(make_claims()),
        key,
        module.verification_method(BASE, key.public_key()),
        datetime(2026, 3, 14, tzinfo=UTC),
    )
    assert proof.verify(signed, trusted.get)
