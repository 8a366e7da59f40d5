"""The facts a certificate states, taken from an enrolment, and the documents made from them.

Everything here runs once, at issue: the holder's name, the course title in
the holder's language, the course version, the cohort and its dates, the
hours of study and the criteria are read from the database as they are now;
the credential is built, signed (Data Integrity proof and VC-JWT) and the PDF
rendered.  Later changes to the course or the person never reach an issued
certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from academy.core.keys import SigningKey, all_keys, ensure_key
from academy.core.storage import storage
from academy.extensions import db
from academy.plugins.certificates import proof
from academy.plugins.certificates.claims import LANGUAGES, CertificateClaims
from academy.plugins.certificates.credential import (
    build_credential,
    issuer_url,
    verification_method,
)
from academy.plugins.certificates.models import Certificate
from academy.plugins.certificates.multikey import KeyResolver, resolver_for
from academy.plugins.certificates.pdf import render_pdf
from academy.plugins.certificates.vcjwt import encode_jwt
from academy.plugins.cohorts.models import Enrolment
from academy.plugins.courses.models import Course, Item, ItemType, Module, TextScope
from academy.plugins.courses.queries import localised_text


def base_url() -> str:
    return str(current_app.config["ACADEMY_BASE_URL"]).rstrip("/")


def academy_name() -> str:
    return str(current_app.config["ACADEMY_NAME"])


def signing_key() -> SigningKey:
    """The instance's current key (created if `academy init` has not made one yet)."""
    key, _created = ensure_key(current_app.instance_path)
    return key


def trusted_keys() -> KeyResolver:
    """Resolves a proof's verificationMethod to one of this issuer's keys, rotated ones too."""
    keys = [key.public for key in all_keys(current_app.instance_path)]
    return resolver_for(issuer_url(base_url()), keys)


def holder_language(enrolment: Enrolment) -> str:
    """The holder's language: their own choice, else the cohort's, else the default."""
    offered = set(current_app.config["LANGUAGES"]) & set(LANGUAGES)
    for candidate in (enrolment.user.locale, enrolment.cohort.language):
        if candidate in offered:
            return str(candidate)
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    return default if default in LANGUAGES else "en"


def _live(course_id: int) -> Any:
    return (
        sa.select(Item)
        .join(Module, Item.module_id == Module.id)
        .where(Item.course_id == course_id)
        .where(Item.archived_at.is_(None), Module.archived_at.is_(None))
    )


def study_hours(course_id: int) -> float:
    """The estimated time of the course's live lessons, in hours (two decimals): one query."""
    lessons = _live(course_id).where(Item.type == ItemType.LESSON).subquery()
    minutes = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(lessons.c.minutes), 0)))
    return round(int(minutes or 0) / 60, 2)


def criteria_text(course: Course, language: str) -> str:
    """What the course asks for a certificate, in ``language``: one query."""
    required = _live(course.id).where(Item.required.is_(True)).subquery()
    rows = db.session.execute(sa.select(required.c.type, sa.func.count()).group_by(required.c.type))
    counts: dict[str, int] = {str(kind): int(number) for kind, number in rows}
    lessons, quizzes = counts.get(ItemType.LESSON, 0), counts.get(ItemType.QUIZ, 0)
    assignments = counts.get(ItemType.ASSIGNMENT, 0)
    with force_locale(language):
        parts = []
        if lessons:
            parts.append(
                ngettext(
                    "Complete the required lesson.",
                    "Complete the %(num)d required lessons.",
                    lessons,
                )
            )
        if quizzes:
            parts.append(
                ngettext("Pass the required quiz.", "Pass the %(num)d required quizzes.", quizzes)
            )
        if assignments:
            parts.append(
                ngettext(
                    "Have the required assignment accepted.",
                    "Have the %(num)d required assignments accepted.",
                    assignments,
                )
            )
        if course.requires_signoff:
            parts.append(_("A moderator of the cohort signs off the completion."))
        return " ".join(str(part) for part in parts)


def course_title(course: Course, language: str) -> str:
    """The course's title in ``language``, else in its source language (one query)."""
    text = localised_text(course, TextScope.COURSE, "", language)
    return str(text.fields.get("title") or course.slug)


def facts_of(enrolment: Enrolment) -> dict[str, Any]:
    """The claims of a certificate for this enrolment, as they are now (column values)."""
    cohort, user = enrolment.cohort, enrolment.user
    course = cohort.course
    language = holder_language(enrolment)
    return {
        "enrolment_id": enrolment.id,
        "user_id": user.id,
        "course_id": course.id,
        "cohort_id": cohort.id,
        "holder_name": user.name,
        "course_title": course_title(course, language),
        "course_slug": course.slug,
        "course_version": course.version,
        "cohort_name": cohort.name,
        "start_date": cohort.starts_on,
        "end_date": cohort.ends_on,
        "language": language,
        "hours": study_hours(course.id),
    }


def claims_of(certificate: Certificate, criteria: str = "") -> CertificateClaims:
    """The claims of an issued (or being issued) certificate, from its row."""
    assert certificate.status_index is not None, "the certificate has no status index yet"
    return CertificateClaims(
        code=certificate.code,
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        course_slug=certificate.course_slug,
        course_version=certificate.course_version,
        cohort_name=certificate.cohort_name,
        language=certificate.language,
        issued_at=certificate.issued_at,
        hours=certificate.hours,
        criteria_text=criteria,
        academy_name=academy_name(),
        academy_url=base_url(),
        status_index=certificate.status_index,
        start_date=certificate.start_date,
        end_date=certificate.end_date,
    )


@dataclass(frozen=True)
class Documents:
    credential: dict[str, Any]
    jwt: str
    key_id: str
    pdf: bytes


def make_documents(claims: CertificateClaims, key: SigningKey) -> Documents:
    """The signed credential (Data Integrity proof), its VC-JWT and the PDF."""
    unsigned = build_credential(claims)
    method = verification_method(claims.base_url, key.public)
    signed = proof.sign(unsigned, key.private, method, claims.issued_at)
    token = encode_jwt(unsigned, key.private, key.kid)
    return Documents(credential=signed, jwt=token, key_id=key.kid, pdf=render_pdf(claims))


def pdf_key(code: str) -> str:
    return f"certificates/pdf/{code}.pdf"


def write_documents(certificate: Certificate, criteria: str) -> None:
    """Make and keep the documents of a certificate whose row has its status index."""
    documents = make_documents(claims_of(certificate, criteria), signing_key())
    key = pdf_key(certificate.code)
    storage().put(key, documents.pdf)
    certificate.credential = documents.credential
    certificate.credential_jwt = documents.jwt
    certificate.key_id = documents.key_id
    certificate.pdf_key = key
