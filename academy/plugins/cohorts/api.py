"""The cohorts API under /api/v1: find cohorts, enrol, my enrolments, withdraw, and the
enrolments of a cohort for its moderators.  Every route is in the OpenAPI document.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import request
from pydantic import BaseModel, Field

from academy.core.accounts.models import Organisation, User
from academy.core.api import ApiProblem, api_blueprint, api_user, paginate, parse_body, require_api
from academy.core.api.openapi import operation
from academy.extensions import db
from academy.plugins.cohorts import invitations, queries, selection, services
from academy.plugins.cohorts.access import can_moderate, can_view_cohort
from academy.plugins.cohorts.expertise import chosen_fields
from academy.plugins.cohorts.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
)

bp = api_blueprint("cohorts", __name__)
TAG = "cohorts"


class CohortOut(BaseModel):
    id: int
    name: str
    course_id: int
    course_slug: str
    language: str
    status: CohortStatus
    mode: EnrolmentMode
    capacity: int | None = Field(description="Places; null means no limit.")
    places_left: int | None = Field(description="Free places; null means no limit.")
    starts_on: date | None
    ends_on: date | None
    enrol_opens_at: datetime | None
    enrol_closes_at: datetime | None
    description: str


class CohortPage(BaseModel):
    items: list[CohortOut]
    page: int
    per_page: int
    total: int


class CohortEnrolmentIn(BaseModel):
    """Empty for open and approval cohorts; the application for selection cohorts; the
    code for invitation cohorts."""

    motivation: str | None = Field(default=None, max_length=10_000)
    expertise: list[int] = Field(default_factory=list, description="Field of expertise ids.")
    organisation_id: int | None = None
    international_experience: str = Field(default="", max_length=10_000)
    invitation_code: str | None = Field(default=None, max_length=40)


class CohortEnrolmentCreated(BaseModel):
    id: int
    status: EnrolmentStatus


class MyEnrolmentOut(BaseModel):
    id: int
    cohort_id: int
    cohort_name: str
    course_slug: str
    status: EnrolmentStatus
    waiting_position: int | None
    created_at: datetime


class MyEnrolmentList(BaseModel):
    items: list[MyEnrolmentOut]


class CohortEnrolmentOut(BaseModel):
    id: int
    user_id: int
    name: str
    email: str
    organisation: str | None
    status: EnrolmentStatus
    waiting_position: int | None
    created_at: datetime
    updated_at: datetime


class CohortEnrolmentPage(BaseModel):
    items: list[CohortEnrolmentOut]
    page: int
    per_page: int
    total: int


def _cohort_out(cohort: Cohort, taken: int) -> dict[str, Any]:
    left = None if cohort.capacity is None else max(0, cohort.capacity - taken)
    return CohortOut(
        id=cohort.id,
        name=cohort.name,
        course_id=cohort.course_id,
        course_slug=cohort.course.slug,
        language=cohort.language,
        status=cohort.status,
        mode=cohort.mode,
        capacity=cohort.capacity,
        places_left=left,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        enrol_opens_at=cohort.enrol_opens_at,
        enrol_closes_at=cohort.enrol_closes_at,
        description=cohort.description,
    ).model_dump(mode="json")


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise ApiProblem(404, "There is no such cohort.")
    return cohort


@bp.get("/cohorts")
@operation(
    "Cohorts I can see: those open to everyone, and those I am in, moderate or review",
    tag=TAG,
    response=CohortPage,
    query=(
        ("page", "integer", "Page number, from 1"),
        ("per_page", "integer", "Cohorts per page"),
    ),
)
def list_cohorts() -> dict[str, Any]:
    result = paginate(queries.visible_cohorts_query(api_user()), lambda cohort: cohort)
    taken = queries.taken_counts([cohort.id for cohort in result["items"]])
    result["items"] = [_cohort_out(c, taken.get(c.id, 0)) for c in result["items"]]
    return result


@bp.get("/cohorts/<int:cohort_id>")
@operation("One cohort", tag=TAG, response=CohortOut, errors=(403, 404))
def get_cohort(cohort_id: int) -> dict[str, Any]:
    cohort = _cohort(cohort_id)
    require_api(can_view_cohort, cohort)
    return _cohort_out(cohort, services.places_taken(cohort))


def _enrolment_body() -> CohortEnrolmentIn:
    if not request.get_data():
        return CohortEnrolmentIn()
    return parse_body(CohortEnrolmentIn)


def _organisation(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.active:
        raise ApiProblem(422, "organisation_id is not an organisation of this academy.")
    return organisation


def _join(user: User, cohort: Cohort, body: CohortEnrolmentIn) -> Enrolment:
    if body.invitation_code:
        invitation = invitations.invitation_by_code(body.invitation_code)
        if invitation is None or invitation.cohort_id != cohort.id:
            raise ApiProblem(404, "There is no such invitation for this cohort.")
        return invitations.redeem(invitation, user)
    require_api(can_view_cohort, cohort)
    if cohort.mode == EnrolmentMode.SELECTION:
        application = selection.apply(
            user,
            cohort,
            motivation=body.motivation or "",
            expertise=chosen_fields(body.expertise),
            organisation=_organisation(body.organisation_id),
            international_experience=body.international_experience,
        )
        return application.enrolment
    return services.enrol(user, cohort, by=user)


@bp.post("/cohorts/<int:cohort_id>/enrolments")
@operation(
    "Enrol in a cohort (or apply, or ask to join): active, waiting or applied",
    tag=TAG,
    request=CohortEnrolmentIn,
    response=CohortEnrolmentCreated,
    status=201,
    errors=(403, 404, 409),
)
def enrol(cohort_id: int) -> tuple[dict[str, Any], int]:
    user = api_user()
    cohort = _cohort(cohort_id)
    enrolment = _join(user, cohort, _enrolment_body())
    out = CohortEnrolmentCreated(id=enrolment.id, status=enrolment.status)
    return out.model_dump(mode="json"), 201


@bp.get("/me/enrolments")
@operation("My enrolments in every cohort, newest first", tag=TAG, response=MyEnrolmentList)
def my_enrolments() -> dict[str, Any]:
    enrolments = queries.my_enrolments(api_user())
    positions = queries.waiting_positions(enrolments)
    items = [
        MyEnrolmentOut(
            id=e.id,
            cohort_id=e.cohort_id,
            cohort_name=e.cohort.name,
            course_slug=e.cohort.course.slug,
            status=e.status,
            waiting_position=positions.get(e.id),
            created_at=e.created_at,
        )
        for e in enrolments
    ]
    return MyEnrolmentList(items=items).model_dump(mode="json")


@bp.post("/enrolments/<int:enrolment_id>/withdraw")
@operation(
    "Withdraw from a cohort (or take back a request or application)",
    tag=TAG,
    response=CohortEnrolmentCreated,
    errors=(400, 403, 404),
)
def withdraw(enrolment_id: int) -> dict[str, Any]:
    user = api_user()
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise ApiProblem(404, "There is no such enrolment.")
    if enrolment.user_id != user.id:
        raise ApiProblem(403, "You can only withdraw your own enrolments.")
    services.withdraw(enrolment, by=user)
    return CohortEnrolmentCreated(id=enrolment.id, status=enrolment.status).model_dump(mode="json")


def _status_filter() -> EnrolmentStatus | None:
    value = request.args.get("status", "")
    if not value:
        return None
    if value not in set(EnrolmentStatus):
        raise ApiProblem(400, f"status must be one of: {', '.join(EnrolmentStatus)}.")
    return EnrolmentStatus(value)


@bp.get("/cohorts/<int:cohort_id>/enrolments")
@operation(
    "The enrolments of a cohort (for its moderators)",
    tag=TAG,
    response=CohortEnrolmentPage,
    errors=(400, 403, 404),
    query=(
        ("status", "string", "Only enrolments with this status"),
        ("page", "integer", "Page number, from 1"),
        ("per_page", "integer", "Enrolments per page"),
    ),
)
def cohort_enrolments(cohort_id: int) -> dict[str, Any]:
    cohort = _cohort(cohort_id)
    require_api(can_moderate, cohort)
    waiting = queries.waiting_order(cohort)

    def item(enrolment: Enrolment) -> dict[str, Any]:
        user = enrolment.user
        return CohortEnrolmentOut(
            id=enrolment.id,
            user_id=user.id,
            name=user.name,
            email=user.email,
            organisation=user.organisation.name if user.organisation else None,
            status=enrolment.status,
            waiting_position=waiting.get(enrolment.id),
            created_at=enrolment.created_at,
            updated_at=enrolment.updated_at,
        ).model_dump(mode="json")

    return paginate(queries.cohort_enrolments_query(cohort, _status_filter()), item)
