"""Managers' pages: every certificate with search, one certificate with its revoke form,
and issuing a certificate by hand for an enrolment, with a reason."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from academy.core.errors import DomainError
from academy.core.permissions import require
from academy.core.urls import MAX_ID, page_arg
from academy.extensions import db
from academy.plugins.certificates import services
from academy.plugins.certificates.blueprint import bp, managed, me
from academy.plugins.certificates.forms import IssueForm, RevokeForm
from academy.plugins.certificates.models import Certificate
from academy.plugins.certificates.permissions import can_manage_certificates
from academy.plugins.certificates.queries import (
    PER_PAGE,
    completed_without_certificate,
    search_query,
)
from academy.plugins.cohorts.models import Enrolment

STATUSES = ("valid", "revoked")


@bp.get("/certificates/manage", endpoint="manage")
@require(can_manage_certificates)
def manage() -> str:
    text = request.args.get("q", "")[:200]
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    page = db.paginate(
        search_query(text, status), page=page_arg(), per_page=PER_PAGE, max_per_page=PER_PAGE
    )
    return render_template(
        "certificates/manage.html",
        page=page,
        q=text,
        status=status,
        missing=completed_without_certificate(),
    )


def _detail(certificate: Certificate, form: RevokeForm, status: int = 200) -> Any:
    return render_template("certificates/detail.html", certificate=certificate, form=form), status


@bp.get("/certificates/manage/<code>", endpoint="detail")
def detail(code: str) -> Any:
    return _detail(managed(code), RevokeForm())


@bp.post("/certificates/manage/<code>/revoke", endpoint="revoke")
def revoke(code: str) -> Any:
    certificate = managed(code)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _detail(certificate, form, 422)
    try:
        services.revoke(certificate, form.reason.data or "", by=me())
    except DomainError as exc:
        form.reason.errors = [*form.reason.errors, exc.message]
        return _detail(certificate, form, 422 if exc.status < 409 else exc.status)
    flash(_("Certificate %(code)s is revoked.", code=certificate.code), "success")
    return redirect(url_for("certificates.detail", code=certificate.code))


def _issue_page(form: IssueForm, enrolment: Enrolment | None, status: int = 200) -> Any:
    existing = services.certificate_of(enrolment.id) if enrolment is not None else None
    return render_template(
        "certificates/issue.html", form=form, enrolment=enrolment, existing=existing
    ), status


def _enrolment(number: int | None) -> Enrolment | None:
    """The enrolment with this number, if there is one (no query for impossible numbers)."""
    return db.session.get(Enrolment, number) if number and 0 < number <= MAX_ID else None


@bp.route("/certificates/manage/issue", methods=["GET", "POST"], endpoint="issue")
@require(can_manage_certificates)
def issue() -> Any:
    form = IssueForm(data={"enrolment_id": request.args.get("enrolment_id", type=int)})
    if request.method == "GET":
        return _issue_page(form, _enrolment(form.enrolment_id.data))
    enrolment = _enrolment(form.enrolment_id.data)
    if not form.validate_on_submit():
        return _issue_page(form, enrolment, 422)
    try:
        enrolment = services.enrolment_for_issue(form.enrolment_id.data)
        certificate = services.issue_by_hand(enrolment, form.reason.data or "", by=me())
    except DomainError as exc:
        field = getattr(form, exc.field or "reason", form.reason)
        field.errors = [*field.errors, exc.message]
        return _issue_page(form, enrolment, 422 if exc.status < 409 else exc.status)
    flash(_("Certificate %(code)s is issued.", code=certificate.code), "success")
    return redirect(url_for("certificates.detail", code=certificate.code))
