"""What the public verification of a certificate says, as one record for the page, JSON and API.

Every claim of the certificate and its status; nothing private (no email,
no user or enrolment id, no manager's name, no reason for a manual issue).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from academy.plugins.certificates.credential import (
    credential_url,
    issuer_url,
    status_list_url,
)
from academy.plugins.certificates.documents import academy_name, base_url
from academy.plugins.certificates.models import Certificate


class CourseClaim(BaseModel):
    title: str
    slug: str
    version: str = Field(description="The course version the certificate was earned on")


class CohortClaim(BaseModel):
    name: str
    start_date: date | None
    end_date: date | None


class IssuerClaim(BaseModel):
    id: str
    name: str
    url: str


class CredentialLinks(BaseModel):
    json_ld: str = Field(description="OpenBadgeCredential with a Data Integrity proof")
    jwt: str = Field(description="The same credential as a VC-JWT (EdDSA)")
    issuer: str
    jwks: str
    status_list: str
    status_list_index: int | None


class VerificationOut(BaseModel):
    code: str
    status: str = Field(description='"valid" or "revoked"')
    revoked_at: datetime | None
    revocation_reason: str | None
    holder_name: str
    course: CourseClaim
    cohort: CohortClaim
    issued_at: datetime
    hours: float = Field(description="Estimated hours of study of the course's lessons")
    language: str
    issuer: IssuerClaim
    verification_url: str
    credentials: CredentialLinks


def verification_record(certificate: Certificate) -> VerificationOut:
    base = base_url()
    code = certificate.code
    return VerificationOut(
        code=code,
        status=certificate.status,
        revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason if certificate.revoked else None,
        holder_name=certificate.holder_name,
        course=CourseClaim(
            title=certificate.course_title,
            slug=certificate.course_slug,
            version=certificate.course_version,
        ),
        cohort=CohortClaim(
            name=certificate.cohort_name,
            start_date=certificate.start_date,
            end_date=certificate.end_date,
        ),
        issued_at=certificate.issued_at,
        hours=certificate.hours,
        language=certificate.language,
        issuer=IssuerClaim(
            id=issuer_url(base), name=certificate.issuer_name or academy_name(), url=base
        ),
        verification_url=f"{base}/verify/{code}",
        credentials=CredentialLinks(
            json_ld=credential_url(base, code),
            jwt=f"{base}/certificates/{code}/credential.jwt",
            issuer=issuer_url(base),
            jwks=f"{base}/.well-known/jwks.json",
            status_list=status_list_url(base),
            status_list_index=certificate.status_index,
        ),
    )
