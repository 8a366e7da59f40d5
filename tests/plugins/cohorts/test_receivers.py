"""Receivers: expertise fields at init, demo cohorts, export and deletion of a person's data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from academy.core.accounts import privacy
from academy.core.accounts.models import Role, User
from academy.extensions import db
from academy.plugins.cohorts import invitations, receivers, selection, services
from academy.plugins.cohorts.expertise import (
    DEFAULT_FIELDS,
    active_fields,
    all_fields,
    set_archived,
)
from academy.plugins.cohorts.models import (
    Cohort,
    EnrolmentMode,
    EnrolmentStatus,
    ExpertiseField,
    Invitation,
)
from academy.plugins.courses.models import Course
from tests.factories import make_organisation, make_user
from tests.plugins.cohorts.support import make_cohort, outbox
from tests.plugins.courses.factories import make_course


def test_init_adds_the_seven_fields_once(app_ctx: Flask) -> None:
    lines = receivers.on_instance_initialised(app_ctx)
    assert lines == ["Added 7 fields of expertise"]
    assert sorted(f.name for f in all_fields()) == sorted(DEFAULT_FIELDS)
    ecotourism = db.session.scalar(
        sa.select(ExpertiseField).where(ExpertiseField.name == "Ecotourism")
    )
    set_archived(ecotourism, True, by=make_user(roles=[Role.MANAGER]))
    assert receivers.on_instance_initialised(app_ctx) == []
    assert len(all_fields()) == 7 and ecotourism not in active_fields()


def test_field_labels(app_ctx: Flask) -> None:
    from academy.plugins.cohorts.expertise import field_label

    assert field_label(ExpertiseField(name="Food security")) == "Food security"
    assert field_label(ExpertiseField(name="Public transport")) == "Public transport"


def demo_users() -> dict[str, User]:
    return {
        "moderator": make_user(roles=[Role.MODERATOR]),
        "reviewer": make_user(roles=[Role.REVIEWER]),
        "learner": make_user(roles=[Role.LEARNER]),
        "manager": make_user(roles=[Role.MANAGER]),
        "admin": make_user(roles=[Role.ADMIN]),
    }


def test_demo_cohorts_are_added_once(app_ctx: Flask) -> None:
    make_course("online-moderation")
    make_course("exchange-methodology")
    users = demo_users()
    first = receivers.on_demo_requested(app_ctx, users=users)
    second = receivers.on_demo_requested(app_ctx, users=users)
    assert len(first) == 2 and first == second
    cohorts = {c.name: c for c in db.session.scalars(sa.select(Cohort))}
    assert set(cohorts) == {receivers.DEMO_OPEN, receivers.DEMO_SELECTION}
    opened, chosen = cohorts[receivers.DEMO_OPEN], cohorts[receivers.DEMO_SELECTION]
    assert opened.mode == EnrolmentMode.OPEN and opened.moderators == [users["moderator"]]
    assert chosen.mode == EnrolmentMode.SELECTION and chosen.reviewers == [users["reviewer"]]
    enrolment = services.enrolment_of(users["learner"], opened)
    assert enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE
    assert len(active_fields()) == 7


def test_demo_without_the_courses_adds_nothing(app_ctx: Flask) -> None:
    assert receivers.on_demo_requested(app_ctx, users=demo_users()) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Cohort)) == 0


def test_export_lists_enrolments_applications_and_reviews(
    app_ctx: Flask, course: Course, moderator: User
) -> None:
    person = make_user(organisation=make_organisation("Lisboa"))
    cohort = make_cohort(course)
    enrolment = services.enrol(person, cohort, by=person)
    services.withdraw(enrolment, by=person, reason="Moving")
    chosen = make_cohort(course, mode=EnrolmentMode.SELECTION)
    selection.apply(
        person,
        chosen,
        motivation="My motivation",
        expertise=active_fields()[:1],
        organisation=person.organisation,
        international_experience="Twinning with Maputo",
    )
    data = privacy.export_data(person)["cohorts"]
    (first, second) = data["enrolments"]
    assert first["cohort"] == cohort.name and first["status"] == "withdrawn"
    assert [h["to"] for h in first["history"]] == ["active", "withdrawn"]
    assert first["history"][1]["reason"] == "Moving" and first["history"][1]["by_you"]
    assert second["status"] == "applied"
    (application,) = data["applications"]
    assert application["motivation"] == "My motivation"
    assert application["international_experience"] == "Twinning with Maputo"
    assert application["organisation"] == "Lisboa"
    assert data["reviews_written"] == []


def test_deleting_an_account_frees_places_and_erases_applications(
    app_ctx: Flask, course: Course, moderator: User
) -> None:
    person = make_user("leaving@example.org", roles=[Role.LEARNER, Role.MODERATOR])
    next_in_line = make_user()
    cohort = make_cohort(course, capacity=1, moderators=[person, moderator])
    held = services.enrol(person, cohort, by=person)
    services.enrol(next_in_line, cohort, by=next_in_line)
    chosen = make_cohort(course, mode=EnrolmentMode.SELECTION)
    application = selection.apply(
        person, chosen, motivation="Private", expertise=active_fields()[:1], organisation=None
    )
    hidden = make_cohort(course, mode=EnrolmentMode.INVITATION)
    invitations.invite_emails(hidden, ["leaving@example.org"], expires_at=None, by=moderator)
    privacy.delete_account(person)
    assert held.status == EnrolmentStatus.WITHDRAWN
    assert held.events[-1].reason == services.ACCOUNT_DELETED
    assert services.enrolment_of(next_in_line, cohort).status == EnrolmentStatus.ACTIVE
    assert outbox("cohorts-promoted", to=next_in_line.email)
    assert application.motivation == "" and application.expertise == []
    assert application.enrolment.status == EnrolmentStatus.WITHDRAWN
    db.session.expire(cohort)
    assert cohort.moderators == [moderator]
    assert db.session.scalar(sa.select(Invitation).where(Invitation.email.is_not(None))) is None


def test_receivers_do_nothing_when_the_plugin_is_off(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(receivers, "is_enabled", lambda _app, _name: False)
    assert receivers.on_instance_initialised(app_ctx) == []
    assert receivers.on_user_data_export(make_user()) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExpertiseField)) == 0
