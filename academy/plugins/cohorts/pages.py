"""Pages for learners: find a cohort, join, apply, use an invitation, withdraw.

Refusals from the services re-show the page with the message and status 422
(409 when already in the cohort), so the request's transaction rolls back.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from academy.core.accounts.services import active_organisations
from academy.core.errors import Conflict, DomainError
from academy.core.permissions import is_signed_in, require
from academy.plugins.cohorts import invitations, queries, selection, services
from academy.plugins.cohorts.blueprint import bp, field_error, me, visible_cohort
from academy.plugins.cohorts.expertise import active_fields, chosen_fields, field_label
from academy.plugins.cohorts.forms import ActionForm, ApplicationForm, WithdrawForm
from academy.plugins.cohorts.models import Cohort, Enrolment, EnrolmentMode, EnrolmentStatus


def refused_status(error: DomainError) -> int:
    return 409 if isinstance(error, Conflict) else 422


def joined_message(enrolment: Enrolment) -> str:
    """What to tell someone who just joined, applied or asked to join."""
    if enrolment.status == EnrolmentStatus.ACTIVE:
        return _("You are enrolled in %(cohort)s.", cohort=enrolment.cohort.name)
    if enrolment.status == EnrolmentStatus.WAITING:
        return _(
            "%(cohort)s is full: you are number %(position)d on the waiting list. We will "
            "email you when a place is yours.",
            cohort=enrolment.cohort.name,
            position=services.waiting_position(enrolment) or 1,
        )
    return _("Your request was sent. We will email you the answer.")


@bp.get("", endpoint="index")
@require(is_signed_in)
def index() -> ResponseReturnValue:
    """The cohorts open to everyone, and the ones I am in."""
    cohorts = queries.listed_cohorts()
    enrolments = queries.my_enrolments(me())
    courses = [c.course for c in cohorts] + [e.cohort.course for e in enrolments]
    return render_template(
        "cohorts/index.html",
        cohorts=cohorts,
        enrolments=enrolments,
        mine={e.cohort_id: e for e in enrolments},
        positions=queries.waiting_positions(enrolments),
        titles=queries.course_titles(courses),
        taken=queries.taken_counts([c.id for c in cohorts]),
    )


def cohort_page(cohort: Cohort, *, error: str | None = None, code: int = 200) -> Any:
    enrolment = services.enrolment_of(me(), cohort)
    return render_template(
        "cohorts/cohort.html",
        cohort=cohort,
        title=queries.course_titles([cohort.course]).get(cohort.course_id, cohort.course.slug),
        enrolment=enrolment,
        position=services.waiting_position(enrolment) if enrolment else None,
        application=selection.application_of(me(), cohort),
        places_left=services.places_left(cohort),
        closed=services.why_not_taking_enrolments(cohort),
        withdraw_form=WithdrawForm(),
        join_form=ActionForm(),
        error=error,
    ), code


@bp.get("/<int:cohort_id>")
@require(is_signed_in)
def cohort(cohort_id: int) -> ResponseReturnValue:
    """A cohort: what it is, when it runs, places left, and my enrolment."""
    return cohort_page(visible_cohort(cohort_id))


@bp.post("/<int:cohort_id>/join")
@require(is_signed_in)
def join(cohort_id: int) -> ResponseReturnValue:
    """Join an open cohort, or ask to join an approval cohort."""
    found = visible_cohort(cohort_id)
    try:
        enrolment = services.enrol(me(), found, by=me())
    except DomainError as error:
        return cohort_page(found, error=error.message, code=refused_status(error))
    flash(joined_message(enrolment), "success")
    return redirect(url_for("cohorts.cohort", cohort_id=found.id))


@bp.post("/<int:cohort_id>/withdraw")
@require(is_signed_in)
def withdraw(cohort_id: int) -> ResponseReturnValue:
    """Leave the cohort, or take back my request or application."""
    found = visible_cohort(cohort_id)
    enrolment = services.enrolment_of(me(), found)
    if enrolment is None:
        abort(404)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return cohort_page(found, error=_("Please check the reason."), code=422)
    try:
        services.withdraw(enrolment, by=me(), reason=form.reason.data or "")
    except DomainError as error:
        return cohort_page(found, error=error.message, code=refused_status(error))
    flash(_("You have left %(cohort)s.", cohort=found.name), "success")
    return redirect(url_for("cohorts.cohort", cohort_id=found.id))


def _application_form(form: ApplicationForm) -> None:
    form.expertise.choices = [(field.id, field_label(field)) for field in active_fields()]
    organisations = [(str(o.id), o.name) for o in active_organisations()]
    form.organisation.choices = [("", _("No organisation")), *organisations]


def _apply_page(cohort: Cohort, form: ApplicationForm, error: str | None = None) -> Any:
    code = 422 if form.is_submitted() else 200
    return render_template("cohorts/apply.html", cohort=cohort, form=form, error=error), code


@bp.route("/<int:cohort_id>/apply", methods=["GET", "POST"])
@require(is_signed_in)
def apply(cohort_id: int) -> ResponseReturnValue:
    """The application form of a selection cohort."""
    found = visible_cohort(cohort_id)
    if found.mode != EnrolmentMode.SELECTION:
        abort(404)
    organisation = me().organisation_id
    form = ApplicationForm(data={"organisation": str(organisation) if organisation else ""})
    _application_form(form)
    if not form.validate_on_submit():
        return _apply_page(found, form)
    try:
        chosen = chosen_fields(form.expertise.data or [])
        selection.apply(
            me(),
            found,
            motivation=form.motivation.data or "",
            expertise=chosen,
            organisation=_organisation(form.organisation.data),
            international_experience=form.international_experience.data or "",
        )
    except DomainError as error:
        return _apply_page(found, form, field_error(form, error))
    flash(_("Your application was sent to the selection committee."), "success")
    return redirect(url_for("cohorts.cohort", cohort_id=found.id))


def _organisation(value: str | None) -> Any:
    if not value:
        return None
    found = next((o for o in active_organisations() if str(o.id) == value), None)
    if found is None:
        raise DomainError(_("Please choose an organisation from the list."), field="organisation")
    return found


def _invitation(code: str) -> Any:
    invitation = invitations.invitation_by_code(code)
    if invitation is None:
        abort(404)
    return invitation


def _invitation_page(invitation: Any, error: str | None = None, status: int = 200) -> Any:
    cohort = invitation.cohort
    return render_template(
        "cohorts/invitation.html",
        invitation=invitation,
        cohort=cohort,
        title=queries.course_titles([cohort.course]).get(cohort.course_id, cohort.course.slug),
        problem=error or invitations.invitation_problem(invitation, me()),
        enrolment=services.enrolment_of(me(), cohort),
        form=ActionForm(),
    ), status


@bp.get("/invitations/<code>")
@require(is_signed_in)
def invitation(code: str) -> ResponseReturnValue:
    """What an invitation is for, and the button that uses it."""
    return _invitation_page(_invitation(code))


@bp.post("/invitations/<code>")
@require(is_signed_in)
def redeem(code: str) -> ResponseReturnValue:
    found = _invitation(code)
    try:
        enrolment = invitations.redeem(found, me())
    except DomainError as error:
        return _invitation_page(found, error.message, refused_status(error))
    flash(joined_message(enrolment), "success")
    return redirect(url_for("cohorts.cohort", cohort_id=enrolment.cohort_id))
