"""Certificate use cases: issue (on completion or by hand), revoke, find.

Services never commit and never read the request; they flush, record audit
events for managers' actions and raise :class:`~academy.core.errors.DomainError`
with a translated message.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from academy.core.accounts.models import User
from academy.core.audit import services as audit
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError, NotFound
from academy.extensions import db
from academy.plugins.certificates import codes, documents
from academy.plugins.certificates.models import Certificate
from academy.plugins.certificates.publishing import publish_status_list
from academy.plugins.cohorts.models import PLACE_HOLDING, Enrolment

REASON_MAX = 2000
#: Fresh codes tried when one is already taken (55 random bits: it never happens twice).
CODE_ATTEMPTS = 3


@dataclass(frozen=True)
class Issued:
    certificate: Certificate
    #: False when the enrolment already had its certificate (nothing was issued).
    created: bool


def by_code(text: str) -> Certificate | None:
    """The certificate whose code this is, typed loosely; None for a bad or unknown code."""
    code = codes.parse(text)
    if code is None:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def certificate_of(enrolment_id: int) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.enrolment_id == enrolment_id))


def _insert(facts: dict[str, object], by: User | None, reason: str) -> Certificate | None:
    """Insert the row inside a savepoint; None when the unique constraints refuse it."""
    certificate = Certificate(
        code=codes.new_code(),
        issued_at=utcnow().replace(microsecond=0),
        issued_by_id=by.id if by is not None else None,
        issue_reason=reason,
        **facts,
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        return None
    return certificate


def issue(enrolment: Enrolment, *, by: User | None = None, reason: str = "") -> Issued:
    """The enrolment's certificate, issued now unless it already has one.

    Exactly one per enrolment, also when two requests race: the row is
    inserted first, in a savepoint, and the unique ``enrolment_id`` refuses
    the second; that caller gets the first one's certificate.
    """
    found = certificate_of(enrolment.id)
    if found is not None:
        return Issued(found, created=False)
    facts = documents.facts_of(enrolment)
    criteria = documents.criteria_text(enrolment.cohort.course, str(facts["language"]))
    for _attempt in range(CODE_ATTEMPTS):
        certificate = _insert(facts, by, reason)
        if certificate is None:
            found = certificate_of(enrolment.id)
            if found is not None:
                return Issued(found, created=False)
            continue  # the code was taken: draw another
        certificate.status_index = certificate.id
        documents.write_documents(certificate, criteria)
        db.session.flush()
        return Issued(certificate, created=True)
    raise RuntimeError("could not draw a free certificate code")


def _reason(reason: str, field: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise DomainError(_("Please give a reason."), field=field)
    if len(cleaned) > REASON_MAX:
        raise DomainError(
            _("The reason is too long (at most %(max)d characters).", max=REASON_MAX), field=field
        )
    return cleaned


def issue_by_hand(enrolment: Enrolment, reason: str, *, by: User | None) -> Certificate:
    """A manager issues the enrolment's certificate, with a recorded reason."""
    cleaned = _reason(reason, "reason")
    if certificate_of(enrolment.id) is not None:
        raise Conflict(_("This enrolment already has a certificate."))
    if enrolment.status not in PLACE_HOLDING:
        raise DomainError(
            _("Only an enrolment that holds a place in its cohort can get a certificate."),
            field="enrolment_id",
        )
    result = issue(enrolment, by=by, reason=cleaned)
    if not result.created:
        raise Conflict(_("This enrolment already has a certificate."))
    certificate = result.certificate
    audit.record(
        by,
        "certificate.issued_by_hand",
        certificate,
        label=f"{certificate.code} {certificate.holder_name}"[:255],
        enrolment_id=enrolment.id,
        reason=cleaned,
    )
    return certificate


def revoke(certificate: Certificate, reason: str, *, by: User | None) -> Certificate:
    """Revoke a certificate for good, with a reason shown on its verification page."""
    cleaned = _reason(reason, "reason")
    if certificate.revoked_at is not None:
        raise Conflict(_("This certificate was already revoked."))
    certificate.revoked_at = utcnow().replace(microsecond=0)
    certificate.revocation_reason = cleaned
    certificate.revoked_by_id = by.id if by is not None else None
    audit.record(
        by,
        "certificate.revoked",
        certificate,
        label=f"{certificate.code} {certificate.holder_name}"[:255],
        reason=cleaned,
    )
    db.session.flush()
    publish_status_list()
    return certificate


def enrolment_for_issue(enrolment_id: int | None) -> Enrolment:
    """The enrolment a manager named, or a NotFound on the form's field."""
    enrolment = db.session.get(Enrolment, enrolment_id) if enrolment_id else None
    if enrolment is None:
        raise NotFound(_("There is no enrolment with this number."), field="enrolment_id")
    return enrolment
