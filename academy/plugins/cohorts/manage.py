"""Pages for academy managers: every cohort, creating and editing cohorts (moderators,
reviewers, criteria included), and the list of fields of expertise.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from academy.core.accounts.models import User
from academy.core.errors import DomainError
from academy.core.permissions import require
from academy.core.urls import page_arg
from academy.extensions import db
from academy.plugins.cohorts import editing, expertise, queries
from academy.plugins.cohorts.blueprint import bp, field_error, managed_cohort, me
from academy.plugins.cohorts.criteria import criteria_text, parse_criteria
from academy.plugins.cohorts.forms import (
    ActionForm,
    CohortForm,
    ExpertiseForm,
    end_of,
    language_choices,
    start_of,
)
from academy.plugins.cohorts.models import Cohort, CohortStatus, EnrolmentMode, ExpertiseField
from academy.plugins.cohorts.permissions import can_manage_cohorts
from academy.plugins.courses.models import Course
from academy.plugins.courses.queries import all_courses, course_languages

PER_PAGE = 50


@bp.get("/manage")
@require(can_manage_cohorts)
def manage() -> ResponseReturnValue:
    """Every cohort, newest first, with its places taken."""
    page = db.paginate(
        queries.all_cohorts_query(), page=page_arg(), per_page=PER_PAGE, max_per_page=PER_PAGE
    )
    cohorts = list(page.items)
    return render_template(
        "cohorts/manage.html",
        page=page,
        titles=queries.course_titles([c.course for c in cohorts]),
        taken=queries.taken_counts([c.id for c in cohorts]),
    )


def _choices(form: CohortForm, cohort: Cohort | None) -> None:
    courses = [
        c for c in all_courses() if c.archived_at is None or (cohort and c.id == cohort.course_id)
    ]
    titles = queries.course_titles(courses)
    form.course.choices = [(c.id, titles.get(c.id, c.slug)) for c in courses]
    found = course_languages([c.id for c in courses])
    form.language.choices = language_choices(
        sorted({code for codes in found.values() for code in codes})
    )
    moderators = editing.staff_candidates(editing.MODERATOR_ROLES)
    reviewers = editing.staff_candidates(editing.REVIEWER_ROLES)
    form.moderators.choices = [(u.id, _person(u)) for u in moderators]
    form.reviewers.choices = [(u.id, _person(u)) for u in reviewers]


def _person(user: User) -> str:
    return f"{user.name} ({user.organisation.name})" if user.organisation else user.name


def _details(form: CohortForm, cohort: Cohort | None) -> editing.CohortDetails:
    criteria = parse_criteria(form.criteria.data or "", cohort.criteria if cohort else None)
    return editing.CohortDetails(
        name=form.name.data or "",
        language=form.language.data or "",
        mode=EnrolmentMode(form.mode.data),
        status=CohortStatus(form.status.data),
        capacity=form.capacity.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        enrol_opens_at=start_of(form.enrol_opens_on.data),
        enrol_closes_at=end_of(form.enrol_closes_on.data),
        description=form.description.data or "",
        criteria=criteria,
    )


def _staff(ids: list[int] | None) -> list[User]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.name)))


def _form_page(form: CohortForm, cohort: Cohort | None, error: str | None = None) -> Any:
    code = 422 if form.is_submitted() else 200
    return render_template("cohorts/cohort_form.html", form=form, cohort=cohort, error=error), code


def _save(form: CohortForm, cohort: Cohort | None) -> Cohort:
    details = _details(form, cohort)
    if cohort is None:
        course = db.session.get(Course, form.course.data)
        if course is None:
            raise DomainError(_("Please choose a course from the list."), field="course")
        cohort = editing.create_cohort(course, details, by=me())
        promoted = []
    else:
        promoted = editing.update_cohort(cohort, details, by=me())
    editing.set_staff(
        cohort,
        moderators=_staff(form.moderators.data),
        reviewers=_staff(form.reviewers.data),
        by=me(),
    )
    if promoted:
        flash(_("Promoted from the waiting list: %(count)d.", count=len(promoted)), "success")
    return cohort


@bp.route("/new", methods=["GET", "POST"])
@require(can_manage_cohorts)
def new() -> ResponseReturnValue:
    """Create a cohort of a course."""
    form = CohortForm(data={"status": CohortStatus.DRAFT.value, "mode": EnrolmentMode.OPEN.value})
    _choices(form, None)
    if not form.validate_on_submit():
        return _form_page(form, None)
    try:
        cohort = _save(form, None)
    except DomainError as error:
        return _form_page(form, None, field_error(form, error))
    flash(_("The cohort %(name)s was created.", name=cohort.name), "success")
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))


def _initial(cohort: Cohort) -> dict[str, Any]:
    return {
        "course": cohort.course_id,
        "name": cohort.name,
        "language": cohort.language,
        "description": cohort.description,
        "mode": cohort.mode.value,
        "status": cohort.status.value,
        "capacity": cohort.capacity,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "enrol_opens_on": cohort.enrol_opens_at.date() if cohort.enrol_opens_at else None,
        "enrol_closes_on": cohort.enrol_closes_at.date() if cohort.enrol_closes_at else None,
        "moderators": [u.id for u in cohort.moderators],
        "reviewers": [u.id for u in cohort.reviewers],
        "criteria": criteria_text(cohort.criteria),
    }


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@require(can_manage_cohorts)
def edit(cohort_id: int) -> ResponseReturnValue:
    """Change a cohort: dates, places, status, moderators, reviewers, criteria."""
    cohort = managed_cohort(cohort_id)
    form = CohortForm(data=_initial(cohort))
    _choices(form, cohort)
    form.course.data = cohort.course_id  # the course of a cohort does not change
    if not form.validate_on_submit():
        return _form_page(form, cohort)
    try:
        _save(form, cohort)
    except DomainError as error:
        return _form_page(form, cohort, field_error(form, error))
    flash(_("The cohort %(name)s was saved.", name=cohort.name), "success")
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))


# -- fields of expertise ------------------------------------------------------------------


def _expertise_page(form: ExpertiseForm, error: str | None = None) -> Any:
    code = 422 if form.is_submitted() else 200
    return render_template(
        "cohorts/expertise.html",
        form=form,
        fields=expertise.all_fields(),
        action_form=ActionForm(),
        error=error,
    ), code


@bp.route("/expertise", methods=["GET", "POST"])
@require(can_manage_cohorts)
def expertise_fields() -> ResponseReturnValue:
    """The fields of expertise applicants choose from: add, archive, bring back."""
    form = ExpertiseForm()
    if not form.validate_on_submit():
        return _expertise_page(form)
    try:
        field = expertise.create_field(form.name.data or "", by=me())
    except DomainError as error:
        return _expertise_page(form, field_error(form, error))
    flash(_("“%(name)s” was added to the list.", name=field.name), "success")
    return redirect(url_for("cohorts.expertise_fields"))


def _set_archived(field_id: int, archived: bool) -> ResponseReturnValue:
    field = db.get_or_404(ExpertiseField, field_id)
    expertise.set_archived(field, archived, by=me())
    label = expertise.field_label(field)
    if archived:
        flash(_("“%(name)s” is no longer offered to applicants.", name=label), "success")
    else:
        flash(_("“%(name)s” is offered to applicants again.", name=label), "success")
    return redirect(url_for("cohorts.expertise_fields"))


@bp.post("/expertise/<int:field_id>/archive")
@require(can_manage_cohorts)
def archive_expertise(field_id: int) -> ResponseReturnValue:
    return _set_archived(field_id, True)


@bp.post("/expertise/<int:field_id>/unarchive")
@require(can_manage_cohorts)
def unarchive_expertise(field_id: int) -> ResponseReturnValue:
    return _set_archived(field_id, False)
