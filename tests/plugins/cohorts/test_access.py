"""Every cohort page refuses anonymous visitors (sign-in page) and people outside the
cohort (403); moderators see only their own cohorts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from academy.core.accounts.models import Role, User
from academy.extensions import db
from academy.plugins.cohorts import invitations, selection, services
from academy.plugins.cohorts.expertise import active_fields
from academy.plugins.cohorts.models import (
    Application,
    Cohort,
    Enrolment,
    EnrolmentMode,
    ExpertiseField,
    Invitation,
)
from academy.plugins.courses.models import Course
from tests.conftest import login
from tests.factories import make_organisation, make_user
from tests.plugins.cohorts.support import make_cohort, redirects_to_login, text

#: Pages anyone signed in may use on a cohort they can see (the rest is for its staff).
FOR_EVERYONE = {"index", "cohort", "join", "withdraw", "apply", "invitation", "redeem"}
#: Pages of the selection committee (on the selection cohort).
COMMITTEE = {"applications", "application", "save_review", "decide", "report", "report_file"}


@dataclass
class World:
    open: Cohort
    selection: Cohort
    hidden: Cohort
    enrolment: Enrolment
    application: Application
    invitation: Invitation
    field: ExpertiseField
    moderator: User
    reviewer: User


@pytest.fixture
def world(app: Flask, course: Course, moderator: User) -> World:
    lisboa = make_organisation("Lisboa")
    reviewer = make_user(roles=[Role.REVIEWER], organisation=lisboa)
    opened = make_cohort(course, capacity=5, moderators=[moderator])
    chosen = make_cohort(course, mode=EnrolmentMode.SELECTION, reviewers=[reviewer])
    hidden = make_cohort(course, mode=EnrolmentMode.INVITATION, moderators=[moderator])
    member = make_user()
    enrolment = services.enrol(member, opened, by=member)
    applicant = make_user(organisation=make_organisation("Porto"))
    application = selection.apply(
        applicant, chosen, motivation="M", expertise=active_fields()[:1], organisation=None
    )
    code = invitations.create_code(hidden, max_uses=5, expires_at=None, by=moderator)
    db.session.commit()
    return World(
        opened,
        chosen,
        hidden,
        enrolment,
        application,
        code,
        active_fields()[0],
        moderator,
        reviewer,
    )


def _args(endpoint: str, world: World, cohort: Cohort | None = None) -> dict[str, Any]:
    if endpoint in COMMITTEE:
        cohort = world.selection
    cohort = cohort or world.open
    values: dict[str, Any] = {"cohort_id": cohort.id}
    values |= {
        "enrolment_id": world.enrolment.id,
        "application_id": world.application.id,
        "invitation_id": world.invitation.id,
        "code": world.invitation.code,
        "field_id": world.field.id,
    }
    return values


def routes(app: Flask, world: World, cohort: Cohort | None = None) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every cohorts page, built with real ids."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("cohorts.") or rule.endpoint == "cohorts.static":
                continue
            name = rule.endpoint.split(".", 1)[1]
            values = {k: v for k, v in _args(name, world, cohort).items() if k in rule.arguments}
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((name, method, url_for(rule.endpoint, **values)))
    return found


def call(client: FlaskClient, method: str, url: str) -> Any:
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_the_route_list_covers_every_page(app: Flask, world: World) -> None:
    names = {name for name, _method, _url in routes(app, world)}
    assert len(names) >= 25
    assert names >= FOR_EVERYONE | COMMITTEE


def test_anonymous_visitors_are_sent_to_sign_in(
    app: Flask, client: FlaskClient, world: World
) -> None:
    for name, method, url in routes(app, world):
        response = call(client, method, url)
        assert redirects_to_login(response), f"{method} {url} ({name}): {response.status_code}"
    assert db.session.get(Enrolment, world.enrolment.id).status == "active"


def test_people_outside_the_cohort_are_refused(
    app: Flask, client: FlaskClient, world: World
) -> None:
    outsider = make_user(roles=[Role.LEARNER])
    db.session.commit()
    login(client, outsider)
    for name, method, url in routes(app, world):
        if name in FOR_EVERYONE:
            continue
        response = call(client, method, url)
        assert response.status_code == 403, f"{method} {url} ({name}): {response.status_code}"


def test_unlisted_cohorts_are_refused_to_outsiders(
    app: Flask, client: FlaskClient, world: World
) -> None:
    outsider = make_user()
    db.session.commit()
    login(client, outsider)
    hidden = world.hidden.id
    assert client.get(f"/cohorts/{hidden}").status_code == 403
    assert client.post(f"/cohorts/{hidden}/join").status_code == 403
    assert client.post(f"/cohorts/{hidden}/withdraw").status_code == 403
    assert client.get(f"/cohorts/{hidden}/apply").status_code == 403
    assert f"/cohorts/{hidden}" not in text(client.get("/cohorts"))


def test_moderators_see_only_their_cohorts(
    app: Flask, client: FlaskClient, world: World, course: Course
) -> None:
    other = make_user(roles=[Role.MODERATOR])
    theirs = make_cohort(course, name="Their own cohort", moderators=[other])
    db.session.commit()
    login(client, other)
    page = text(client.get("/cohorts/mine"))
    assert "Their own cohort" in page and world.open.name not in page
    for name, method, url in routes(app, world):
        if name in FOR_EVERYONE | {"mine"}:
            continue
        response = call(client, method, url)
        assert response.status_code == 403, f"{method} {url} ({name}): {response.status_code}"
    assert client.get(f"/cohorts/{theirs.id}/enrolments").status_code == 200


def test_reviewers_cannot_open_their_own_organisations_application(
    app: Flask, client: FlaskClient, world: World
) -> None:
    colleague = make_user(organisation=world.reviewer.organisation)
    mine = selection.apply(
        colleague, world.selection, motivation="M", expertise=active_fields()[:1], organisation=None
    )
    db.session.commit()
    login(client, world.reviewer)
    base = f"/cohorts/{world.selection.id}/applications"
    assert client.get(f"{base}/{world.application.id}").status_code == 200
    assert client.get(f"{base}/{mine.id}").status_code == 403
    assert client.post(f"{base}/{mine.id}/decision", data={}).status_code == 403
    listing = text(client.get(base))
    assert colleague.name not in listing and world.application.enrolment.user.name in listing
    assert client.get(f"/cohorts/{world.open.id}/applications").status_code == 403


def test_learners_do_not_get_my_cohorts(app: Flask, client: FlaskClient, world: World) -> None:
    learner = make_user()
    db.session.commit()
    login(client, learner)
    assert client.get("/cohorts/mine").status_code == 403
    page = text(client.get("/cohorts"))
    assert 'href="/cohorts"' in page and 'href="/cohorts/mine"' not in page
    login(client, world.moderator)
    page = text(client.get("/cohorts"))
    assert 'href="/cohorts/mine"' in page and 'href="/cohorts/manage"' not in page
