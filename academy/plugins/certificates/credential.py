"""The Open Badges 3.0 ``OpenBadgeCredential`` of a certificate, and the issuer's profile.

The credential follows the W3C VC Data Model 2.0 and Open Badges 3.0
(context 3.0.3).  URLs are built from the academy's base URL:

- credential: ``<base>/certificates/<code>/credential.json``
- issuer profile: ``<base>/issuer`` (keys: ``<base>/issuer#<multikey>``)
- achievement (the course at a version): ``<base>/courses/<slug>#v<version>``
- revocation status list: ``<base>/certificates/status/revocation``

**Privacy.**  The credential carries no e-mail address, user id or other
account data.  The holder is named, in plain text, by an ``IdentityObject``
of type ``name`` (``hashed: false``): the name is what the certificate
certifies and what the public verification page shows, so hashing it would
hide nothing and stop a reader from seeing whose certificate it is.  The
subject's ``id`` is an opaque ``urn:uuid:`` derived from the certificate's own
URL, unique to this certificate, so two certificates of one person cannot be
linked through it.

Texts (the credential's name and the achievement's description) are written
in the holder's language; build the credential inside an application context.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from academy.plugins.certificates.claims import CertificateClaims
from academy.plugins.certificates.jsonld import CID_V1, CREDENTIALS_V2, OB_V3P0
from academy.plugins.certificates.multikey import to_multikey, verification_method_id

CONTEXT: list[str] = [CREDENTIALS_V2, OB_V3P0]
PROFILE_CONTEXT: list[str] = [CREDENTIALS_V2, OB_V3P0, CID_V1]
CREDENTIAL_TYPE: list[str] = ["VerifiableCredential", "OpenBadgeCredential"]
STATUS_PURPOSE = "revocation"
ACHIEVEMENT_TYPE = "CertificateOfCompletion"


def credential_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/certificates/{code}/credential.json"


def issuer_url(base: str) -> str:
    return f"{base.rstrip('/')}/issuer"


def status_list_url(base: str, purpose: str = STATUS_PURPOSE) -> str:
    return f"{base.rstrip('/')}/certificates/status/{purpose}"


def achievement_url(base: str, slug: str, version: str) -> str:
    return f"{base.rstrip('/')}/courses/{quote(slug, safe='')}#v{quote(version, safe='.-_')}"


def subject_id(base: str, code: str) -> str:
    """An opaque id for the holder, stable for this certificate and for no other."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, credential_url(base, code) + '#holder')}"


def verification_method(base: str, key: Ed25519PublicKey) -> str:
    """The URL of an issuer key, used as a proof's ``verificationMethod``."""
    return verification_method_id(issuer_url(base), key)


def _texts(claims: CertificateClaims) -> tuple[str, str, str]:
    """(credential name, achievement description, fallback criteria), in the holder's language."""
    with force_locale(claims.language):
        name = _("Certificate: %(course)s", course=claims.course_title)
        description = _(
            "Completion of the course %(course)s, version %(version)s: %(hours)s hours of study.",
            course=claims.course_title,
            version=claims.course_version,
            hours=format_decimal(claims.hours),
        )
        criteria = _("Complete the course %(course)s.", course=claims.course_title)
    return str(name), str(description), str(criteria)


def _subject(claims: CertificateClaims, description: str, criteria: str) -> dict[str, Any]:
    base = claims.base_url
    subject: dict[str, Any] = {
        "id": subject_id(base, claims.code),
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": claims.holder_name,
            }
        ],
        "achievement": {
            "id": achievement_url(base, claims.course_slug, claims.course_version),
            "type": ["Achievement"],
            "achievementType": ACHIEVEMENT_TYPE,
            "name": claims.course_title,
            "description": description,
            "criteria": {"narrative": claims.criteria_text.strip() or criteria},
            "version": claims.course_version,
            "inLanguage": claims.language,
        },
    }
    if claims.cohort_name.strip():
        subject["term"] = claims.cohort_name
    if claims.start_date:
        subject["activityStartDate"] = claims.start_date.isoformat()
    if claims.end_date:
        subject["activityEndDate"] = claims.end_date.isoformat()
    return subject


def build_credential(claims: CertificateClaims) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` stating ``claims``.

    Sign it with :func:`academy.plugins.certificates.proof.sign` and keep the
    signed document: it is the certificate's credential from then on, and is
    never rebuilt (texts and translations may change, signatures must not).
    """
    base = claims.base_url
    name, description, criteria = _texts(claims)
    return {
        "@context": list(CONTEXT),
        "id": credential_url(base, claims.code),
        "type": list(CREDENTIAL_TYPE),
        "issuer": {
            "id": issuer_url(base),
            "type": ["Profile"],
            "name": claims.academy_name,
            "url": base,
        },
        "validFrom": claims.issued_at_text,
        "name": name,
        "credentialSubject": _subject(claims, description, criteria),
        "credentialStatus": {
            "id": f"{status_list_url(base)}#{claims.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(claims.status_index),
            "statusListCredential": status_list_url(base),
        },
    }


def issuer_profile(base: str, name: str, keys: Iterable[Ed25519PublicKey]) -> dict[str, Any]:
    """The issuer's ``Profile`` served at ``<base>/issuer``, listing its public keys.

    Give every key the instance has signed with, newest last, rotated ones
    included (a key that was compromised must be left out by the caller).
    Each key is a ``Multikey`` verification method usable for assertions.
    """
    issuer = issuer_url(base)
    methods = [
        {
            "id": verification_method_id(issuer, key),
            "type": "Multikey",
            "controller": issuer,
            "publicKeyMultibase": to_multikey(key),
        }
        for key in keys
    ]
    return {
        "@context": list(PROFILE_CONTEXT),
        "id": issuer,
        "type": ["Profile"],
        "name": name,
        "url": base.rstrip("/"),
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
