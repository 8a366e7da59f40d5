"""Certificates API: my certificates, public verification, and managers' issue and revoke."""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import BaseModel, Field

from academy.core.api import ApiProblem, api_blueprint, api_user, paginate, parse_body, require_api
from academy.core.api.openapi import operation
from academy.extensions import db
from academy.plugins.certificates import services
from academy.plugins.certificates.blueprint import verify_limit
from academy.plugins.certificates.documents import base_url
from academy.plugins.certificates.models import Certificate
from academy.plugins.certificates.permissions import can_manage_certificates
from academy.plugins.certificates.queries import my_certificates, search_query
from academy.plugins.certificates.verification import VerificationOut, verification_record
from academy.plugins.cohorts.models import Enrolment

bp = api_blueprint("certificates", __name__)


class MyCertificateOut(VerificationOut):
    pdf_url: str = Field(description="The PDF, for its holder (signed-in pages)")


class MyCertificatesOut(BaseModel):
    items: list[MyCertificateOut]


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=services.REASON_MAX)


class CertificatePageOut(BaseModel):
    items: list[VerificationOut]
    page: int
    per_page: int
    total: int


def _mine(certificate: Certificate) -> MyCertificateOut:
    record = verification_record(certificate).model_dump()
    return MyCertificateOut(**record, pdf_url=f"{base_url()}/certificates/{certificate.code}.pdf")


def _found(code: str) -> Certificate:
    certificate = services.by_code(code)
    if certificate is None:
        raise ApiProblem(404, "No certificate has this code.")
    return certificate


@bp.get("/me/certificates")
@operation("My certificates, newest first", tag="certificates", response=MyCertificatesOut)
def my_list() -> dict[str, Any]:
    items = [_mine(c) for c in my_certificates(api_user().id)]
    return MyCertificatesOut(items=items).model_dump(mode="json")


@bp.get("/certificates/<code>")
@operation(
    "Verify a certificate: all its claims and whether it is valid or revoked (public)",
    tag="certificates",
    response=VerificationOut,
    errors=(404, 429),
    public=True,
)
@verify_limit
def verify(code: str) -> dict[str, Any]:
    return verification_record(_found(code)).model_dump(mode="json")


@bp.get("/certificates")
@operation(
    "Every certificate, newest first, with search (managers)",
    tag="certificates",
    response=CertificatePageOut,
    errors=(403,),
    query=(
        ("q", "string", "Part of a code, holder's name, course or cohort"),
        ("status", "string", "valid or revoked"),
        ("page", "integer", "Page number, from 1"),
        ("per_page", "integer", "Items per page"),
    ),
)
def list_all() -> dict[str, Any]:
    require_api(can_manage_certificates)
    query = search_query(request.args.get("q", "")[:200], request.args.get("status", ""))
    return paginate(query, lambda c: verification_record(c).model_dump(mode="json"))


@bp.post("/certificates/<code>/revoke")
@operation(
    "Revoke a certificate with a reason shown to verifiers (managers)",
    tag="certificates",
    request=ReasonIn,
    response=VerificationOut,
    errors=(403, 404, 409),
)
def revoke(code: str) -> dict[str, Any]:
    user = require_api(can_manage_certificates)
    certificate = _found(code)
    body = parse_body(ReasonIn)
    services.revoke(certificate, body.reason, by=user)
    return verification_record(certificate).model_dump(mode="json")


@bp.post("/enrolments/<int:enrolment_id>/certificate")
@operation(
    "Issue an enrolment's certificate by hand, with a reason for the audit log (managers)",
    tag="certificates",
    request=ReasonIn,
    response=VerificationOut,
    status=201,
    errors=(403, 404, 409),
)
def issue(enrolment_id: int) -> tuple[dict[str, Any], int]:
    user = require_api(can_manage_certificates)
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise ApiProblem(404, "No such enrolment.")
    body = parse_body(ReasonIn)
    certificate = services.issue_by_hand(enrolment, body.reason, by=user)
    return verification_record(certificate).model_dump(mode="json"), 201
