"""Receivers of core signals: issue on completion, the "My learning" panel, personal data,
and the demo certificate.

Signals are connected once for every app; each receiver checks that this
plugin is enabled in the running app.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from markupsafe import Markup

from academy.core.accounts.models import User
from academy.core.plugins import is_enabled
from academy.extensions import db
from academy.plugins.certificates import services
from academy.plugins.certificates.models import Certificate
from academy.plugins.cohorts.models import Enrolment

log = logging.getLogger(__name__)


def _enabled() -> bool:
    return is_enabled(current_app, "certificates")


def on_course_completed(enrolment: Enrolment, **_: Any) -> None:
    """Issue the enrolment's certificate (once: a second signal finds it issued).

    Issuing runs in a savepoint: if it fails (no font, a full disk) the
    completion still counts, the failure is logged, and the enrolment is listed
    on the managers' page as completed without a certificate, to issue by hand.
    """
    if not _enabled():
        return
    try:
        with db.session.begin_nested():
            services.issue(enrolment)
    except Exception:
        log.exception("could not issue the certificate of enrolment %s", enrolment.id)


def enrolment_panel(user: Any, enrolment_ids: Sequence[int]) -> dict[int, Markup | str]:
    """On "My learning": each enrolment's certificate, with its download link (one query)."""
    if not _enabled() or not enrolment_ids:
        return {}
    query = sa.select(Certificate).where(
        Certificate.enrolment_id.in_(list(enrolment_ids)), Certificate.user_id == user.id
    )
    return {
        certificate.enrolment_id: Markup(  # noqa: S704 - a template rendered with autoescape
            render_template("certificates/_panel.html", certificate=certificate)
        )
        for certificate in db.session.scalars(query)
        if certificate.enrolment_id is not None
    }


def on_user_data_export(user: User, **_: Any) -> tuple[str, Any] | None:
    """The "certificates" section of "export my data"."""
    if not _enabled():
        return None
    base = str(current_app.config["ACADEMY_BASE_URL"]).rstrip("/")
    query = sa.select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
    return "issued_certificates", [
        {
            "code": c.code,
            "holder_name": c.holder_name,
            "course": c.course_title,
            "course_version": c.course_version,
            "cohort": c.cohort_name,
            "issued_at": c.issued_at.isoformat(),
            "status": c.status,
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            "revocation_reason": c.revocation_reason or None,
            "verification_url": f"{base}/verify/{c.code}",
        }
        for c in db.session.scalars(query)
    ]


def on_demo_requested(_sender: Any, *, users: dict[str, User], **_: Any) -> list[str]:
    """A finished demo cohort the demo learner completed, and their certificate; idempotent."""
    if not _enabled() or "learner" not in users:
        return []
    from academy.plugins.certificates.demo import demo_certificate

    certificate = demo_certificate(users["learner"], users.get("moderator"))
    if certificate is None:
        return ["No built-in course to make a demo certificate with"]
    base = str(current_app.config["ACADEMY_BASE_URL"]).rstrip("/")
    return [
        f"Demo certificate {certificate.code} of {certificate.holder_name}: "
        f"{base}/verify/{certificate.code}"
    ]
