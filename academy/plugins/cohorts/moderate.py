"""Pages for a cohort's moderators (and managers): my cohorts, the enrolments with their
history, accepting and declining requests, removing people, invitations, CSV import.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.core.errors import DomainError
from academy.core.permissions import is_signed_in, require
from academy.core.urls import page_arg
from academy.extensions import db
from academy.plugins.cohorts import bulk, invitations, queries, services
from academy.plugins.cohorts.access import has_cohort_duties
from academy.plugins.cohorts.blueprint import bp, enrolment_in, field_error, me, moderated_cohort
from academy.plugins.cohorts.forms import (
    ActionForm,
    ImportForm,
    InvitationCodeForm,
    InvitationEmailsForm,
    ReasonForm,
    end_of,
)
from academy.plugins.cohorts.models import (
    Cohort,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
    Invitation,
)
from academy.plugins.cohorts.pages import refused_status

PER_PAGE = 50
REASON_ACTIONS = {
    "decline": (
        _l("Decline the request"),
        _l("The person is told by email that their request was not accepted."),
    ),
    "remove": (
        _l("Remove from the cohort"),
        _l("The person is told by email, with your reason. A place frees for the waiting list."),
    ),
}


@bp.get("/mine")
@require(has_cohort_duties)
def mine() -> ResponseReturnValue:
    """The cohorts I moderate and the ones whose applications I review."""
    moderated, reviewed = queries.moderated_cohorts(me()), queries.reviewed_cohorts(me())
    cohorts = moderated + reviewed
    return render_template(
        "cohorts/mine.html",
        moderated=moderated,
        reviewed=reviewed,
        titles=queries.course_titles([c.course for c in cohorts]),
        taken=queries.taken_counts([c.id for c in cohorts]),
    )


def _status_filter() -> EnrolmentStatus | None:
    value = request.args.get("status", "")
    return EnrolmentStatus(value) if value in set(EnrolmentStatus) else None


def _enrolments_page(cohort: Cohort, error: str | None = None, code: int = 200) -> Any:
    status = _status_filter()
    page = db.paginate(
        queries.cohort_enrolments_query(cohort, status),
        page=page_arg(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
    )
    return render_template(
        "cohorts/enrolments.html",
        cohort=cohort,
        page=page,
        status=status,
        statuses=list(EnrolmentStatus),
        counts=queries.status_counts(cohort),
        waiting=queries.waiting_order(cohort),
        form=ActionForm(),
        approval=cohort.mode == EnrolmentMode.APPROVAL,
        error=error,
    ), code


@bp.get("/<int:cohort_id>/enrolments")
@require(is_signed_in)
def enrolments(cohort_id: int) -> ResponseReturnValue:
    """Everyone in the cohort, by status; requests to answer come first."""
    return _enrolments_page(moderated_cohort(cohort_id))


@bp.get("/<int:cohort_id>/enrolments/<int:enrolment_id>")
@require(is_signed_in)
def enrolment(cohort_id: int, enrolment_id: int) -> ResponseReturnValue:
    """One person's enrolment and every change of its status: who, when, why."""
    cohort = moderated_cohort(cohort_id)
    found = enrolment_in(cohort, enrolment_id)
    return render_template(
        "cohorts/enrolment.html",
        cohort=cohort,
        enrolment=found,
        events=queries.events_of(found),
        position=services.waiting_position(found),
    )


def _back(cohort: Cohort) -> ResponseReturnValue:
    return redirect(url_for("cohorts.enrolments", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/enrolments/<int:enrolment_id>/approve")
@require(is_signed_in)
def approve(cohort_id: int, enrolment_id: int) -> ResponseReturnValue:
    cohort = moderated_cohort(cohort_id)
    found = enrolment_in(cohort, enrolment_id)
    try:
        services.approve(found, by=me())
    except DomainError as error:
        return _enrolments_page(cohort, error.message, refused_status(error))
    message = _(
        "%(name)s was accepted (%(status)s).", name=found.user.name, status=found.status.label
    )
    flash(message, "success")
    return _back(cohort)


def _reason_page(
    cohort: Cohort, found: Enrolment, action: str, form: ReasonForm, error: str | None = None
) -> Any:
    heading, hint = REASON_ACTIONS.get(action, (_l("Answer the request"), ""))
    code = 422 if form.is_submitted() or error else 200
    return render_template(
        "cohorts/reason.html",
        cohort=cohort,
        enrolment=found,
        action=action,
        heading=heading,
        hint=hint,
        form=form,
        error=error,
    ), code


def _with_reason(cohort_id: int, enrolment_id: int, action: str) -> ResponseReturnValue:
    cohort = moderated_cohort(cohort_id)
    found = enrolment_in(cohort, enrolment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _reason_page(cohort, found, action, form)
    change = services.decline if action == "decline" else services.remove
    try:
        change(found, reason=form.reason.data or "", by=me())
    except DomainError as error:
        return _reason_page(cohort, found, action, form, field_error(form, error))
    if action == "decline":
        flash(_("The request of %(name)s was declined.", name=found.user.name), "success")
    else:
        flash(_("%(name)s was removed from the cohort.", name=found.user.name), "success")
    return _back(cohort)


@bp.route("/<int:cohort_id>/enrolments/<int:enrolment_id>/decline", methods=["GET", "POST"])
@require(is_signed_in)
def decline(cohort_id: int, enrolment_id: int) -> ResponseReturnValue:
    return _with_reason(cohort_id, enrolment_id, "decline")


@bp.route("/<int:cohort_id>/enrolments/<int:enrolment_id>/remove", methods=["GET", "POST"])
@require(is_signed_in)
def remove(cohort_id: int, enrolment_id: int) -> ResponseReturnValue:
    return _with_reason(cohort_id, enrolment_id, "remove")


# -- invitations --------------------------------------------------------------------------


def _invitations_page(
    cohort: Cohort,
    code_form: InvitationCodeForm | None = None,
    emails_form: InvitationEmailsForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> Any:
    return render_template(
        "cohorts/invitations.html",
        cohort=cohort,
        invitations=invitations.invitations_of(cohort),
        link=invitations.invitation_link,
        problem=invitations.invitation_problem,
        code_form=code_form or InvitationCodeForm(formdata=None),
        emails_form=emails_form or InvitationEmailsForm(formdata=None),
        action_form=ActionForm(),
        error=error,
    ), status


@bp.get("/<int:cohort_id>/invitations")
@require(is_signed_in)
def invitations_page(cohort_id: int) -> ResponseReturnValue:
    """Invitation codes and links, and personal invitations sent by email."""
    return _invitations_page(moderated_cohort(cohort_id))


@bp.post("/<int:cohort_id>/invitations")
@require(is_signed_in)
def create_code(cohort_id: int) -> ResponseReturnValue:
    cohort = moderated_cohort(cohort_id)
    form = InvitationCodeForm()
    if not form.validate_on_submit():
        return _invitations_page(cohort, code_form=form, status=422)
    try:
        invitations.create_code(
            cohort, max_uses=form.max_uses.data, expires_at=end_of(form.expires_on.data), by=me()
        )
    except DomainError as error:
        return _invitations_page(cohort, code_form=form, error=field_error(form, error), status=422)
    flash(_("A new invitation link is ready: copy it from the list below."), "success")
    return redirect(url_for("cohorts.invitations_page", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/invitations/email")
@require(is_signed_in)
def email_invitations(cohort_id: int) -> ResponseReturnValue:
    cohort = moderated_cohort(cohort_id)
    form = InvitationEmailsForm()
    if not form.validate_on_submit():
        return _invitations_page(cohort, emails_form=form, status=422)
    addresses = re.split(r"[\s,;]+", form.emails.data or "")
    try:
        result = invitations.invite_emails(
            cohort, addresses, expires_at=end_of(form.expires_on.data), by=me()
        )
    except DomainError as error:
        error_text = field_error(form, error)
        return _invitations_page(cohort, emails_form=form, error=error_text, status=422)
    flash(_("Invitations sent: %(count)d.", count=len(result.sent)), "success")
    if result.already_invited or result.already_in:
        skipped = ", ".join(result.already_invited + result.already_in)
        flash(
            _("Already invited or in the cohort, so not sent: %(emails)s", emails=skipped), "info"
        )
    return redirect(url_for("cohorts.invitations_page", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/invitations/<int:invitation_id>/revoke")
@require(is_signed_in)
def revoke_invitation(cohort_id: int, invitation_id: int) -> ResponseReturnValue:
    cohort = moderated_cohort(cohort_id)
    found = db.get_or_404(Invitation, invitation_id)
    if found.cohort_id != cohort.id:
        abort(404)
    invitations.revoke(found, by=me())
    flash(_("The invitation no longer works."), "success")
    return redirect(url_for("cohorts.invitations_page", cohort_id=cohort.id))


# -- CSV import ---------------------------------------------------------------------------


def _import_page(cohort: Cohort, form: ImportForm, **context: Any) -> Any:
    code = 422 if form.errors or context.get("error") else 200
    return render_template(
        "cohorts/import.html", cohort=cohort, form=form, columns=bulk.COLUMNS, **context
    ), code


@bp.route("/<int:cohort_id>/import", methods=["GET", "POST"])
@require(is_signed_in)
def import_csv(cohort_id: int) -> ResponseReturnValue:
    """Enrol people from a CSV file, with a report per row."""
    cohort = moderated_cohort(cohort_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(cohort, form)
    try:
        rows = bulk.parse_csv(form.file.data.read(bulk.MAX_BYTES + 1))
    except DomainError as error:
        return _import_page(cohort, form, error=error.message)
    results = bulk.bulk_enrol(cohort, rows, by=me())
    return _import_page(cohort, form, results=results, outcomes=bulk.Outcome)
