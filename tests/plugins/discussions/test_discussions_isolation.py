"""Isolation: nobody of one cohort sees, searches, reports or changes another's discussions.

The walk is generated from the application's URL map (every rule of the
``discussions`` and ``discussions_api`` blueprints, every method), so a new
route is covered as soon as it exists; a route with a URL argument the walk
does not know makes the test fail until a value is added to ``values_for``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from academy.core.accounts.models import User
from academy.core.api.tokens import create_token
from academy.core.audit.models import AuditEvent
from academy.extensions import db
from academy.plugins.cohorts.models import Enrolment, EnrolmentStatus
from academy.plugins.discussions import moderation, queries, services
from academy.plugins.discussions.models import Notification
from tests.conftest import login
from tests.plugins.discussions.conftest import Space, World
from tests.plugins.discussions.factories import make_thread
from tests.plugins.discussions.support import bearer, text

BLUEPRINTS = ("discussions.", "discussions_api.")
SECRETS = ("SECRET-A-TITLE", "SECRET-A-BODY", "SECRET-A-REPLY", "SECRET-A-REPORT", "SECRET-A-NEWS")
IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: A body for every POST: form fields and JSON, so that only access decides the answer.
FORM = {
    "title": "Intrusion",
    "body": "Intrusion",
    "reason": "Intrusion",
    "action": "hide",
    "mode": "pre",
    "days": "3",
    "email_digest": "y",
}
JSON = {
    "title": "Intrusion",
    "body": "Intrusion",
    "reason": "Intrusion",
    "action": "hide",
    "days": 3,
}


@dataclass
class Targets:
    """Cohort A's things, which cohort B's people try to reach."""

    values: dict[str, Any]


def discussion_rules(app: Flask) -> list[Rule]:
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(BLUEPRINTS)]
    assert len(rules) > 20, "the walk found the discussion routes"
    return rules


@pytest.fixture
def targets(world: World) -> Targets:
    a = world.a
    thread = make_thread(a.cohort, a.learner, title="SECRET-A-TITLE", body="SECRET-A-BODY")
    reply = services.reply(thread, a.peer, body="SECRET-A-REPLY")
    services.report_post(reply, a.learner, reason="SECRET-A-REPORT")
    services.set_email_digest(a.learner, True)
    mute = moderation.mute(a.cohort, a.peer, days=2, reason="SECRET-A-MUTE", by=a.moderator)
    moderation.post_announcement(a.cohort, title="SECRET-A-NEWS", body="News", by=a.moderator)
    notification = db.session.scalar(
        sa.select(Notification).where(Notification.user_id == a.learner.id)
    )
    assert notification is not None
    db.session.commit()
    return Targets(
        {
            "cohort_id": a.cohort.id,
            "thread_id": thread.id,
            "post_id": reply.id,
            "key": "intro",
            "mute_id": mute.id,
            "notification_id": notification.id,
        }
    )


def url(rule: Rule, targets: Targets) -> str:
    for name in rule.arguments:
        assert name in targets.values, f"add a value for <{name}> of {rule.rule} to the walk"
    values = {name: targets.values[name] for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def snapshot(space: Space) -> dict[str, list[Any]]:
    """Every discussions row of one cohort (and its people's preferences), and the audit log."""
    rows: dict[str, list[Any]] = {}
    people = [space.learner.id, space.peer.id, space.moderator.id]
    for table in db.metadata.sorted_tables:
        if not table.name.startswith("discussions_"):
            continue
        query = sa.select(table)
        if "cohort_id" in table.c:
            query = query.where(table.c.cohort_id == space.cohort.id)
        else:
            query = query.where(table.c.user_id.in_(people))
        rows[table.name] = sorted(tuple(row) for row in db.session.execute(query))
    rows["audit"] = [tuple(row) for row in db.session.execute(sa.select(AuditEvent.id))]
    return rows


def outsiders(world: World) -> list[User]:
    return [world.b.learner, world.b.moderator]


def assert_reveals_nothing(body: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in body, f"{where} shows {secret}"


def test_every_page_and_action_is_closed_to_other_cohorts(
    app: Flask, client: FlaskClient, world: World, targets: Targets
) -> None:
    before = snapshot(world.a)
    checked = 0
    for user in outsiders(world):
        login(client, user)
        for rule in discussion_rules(app):
            if rule.endpoint.startswith("discussions_api."):
                continue
            path = url(rule, targets)
            for method in sorted((rule.methods or set()) - IGNORED_METHODS):
                response = client.open(path, method=method, data=FORM if method == "POST" else None)
                where = f"{method} {path} as {user.name}"
                if rule.arguments - {"key"}:
                    assert response.status_code == 404, f"{where}: {response.status_code}"
                else:
                    assert response.status_code < 500, where
                assert_reveals_nothing(text(response), where)
                checked += 1
    db.session.expire_all()
    assert snapshot(world.a) == before
    assert checked > 40


def test_every_api_endpoint_is_closed_to_other_cohorts(
    app: Flask, client: FlaskClient, world: World, targets: Targets
) -> None:
    before = snapshot(world.a)
    checked = 0
    for user in outsiders(world):
        _token, secret = create_token(user)
        db.session.commit()
        for rule in discussion_rules(app):
            if not rule.endpoint.startswith("discussions_api."):
                continue
            path = url(rule, targets)
            for method in sorted((rule.methods or set()) - IGNORED_METHODS):
                body = JSON if method == "POST" else None
                response = client.open(path, method=method, json=body, headers=bearer(secret))
                where = f"{method} {path} as {user.name}"
                assert response.status_code == 404, f"{where}: {response.status_code}"
                assert response.mimetype == "application/problem+json", where
                assert_reveals_nothing(text(response), where)
                checked += 1
    db.session.expire_all()
    assert snapshot(world.a) == before
    assert checked >= 12


def test_the_walk_reaches_real_things_for_cohort_a(
    app: Flask, client: FlaskClient, world: World, targets: Targets
) -> None:
    """The same addresses answer cohort A's moderator: the ids in the walk are real."""
    login(client, world.a.moderator)
    for rule in discussion_rules(app):
        if "GET" not in (rule.methods or set()) or rule.endpoint.startswith("discussions_api."):
            continue
        if rule.endpoint == "discussions.edit_post" or "notification_id" in rule.arguments:
            continue  # only the author may edit; notifications are the learner's
        response = client.get(url(rule, targets))
        assert response.status_code == 200, f"GET {rule.rule}: {response.status_code}"
    _token, secret = create_token(world.a.moderator)
    db.session.commit()
    path = f"/api/v1/threads/{targets.values['thread_id']}/posts"
    assert "SECRET-A-REPLY" in text(client.get(path, headers=bearer(secret)))


def test_ids_of_cohort_a_under_cohort_b_are_not_found(
    client: FlaskClient, world: World, targets: Targets
) -> None:
    """A moderator of B cannot reach A's mute through B's address."""
    b = world.b
    login(client, b.moderator)
    path = f"/discussions/cohorts/{b.cohort.id}/mutes/{targets.values['mute_id']}/lift"
    assert client.post(path).status_code == 404
    assert queries.active_mutes(world.a.cohort)[0].lifted_at is None


def test_search_and_lists_of_cohort_b_never_show_cohort_a(
    client: FlaskClient, world: World, targets: Targets
) -> None:
    b = world.b
    make_thread(b.cohort, b.learner, title="B's own thread")
    db.session.commit()
    for user in (b.learner, b.moderator):
        login(client, user)
        for path in (
            f"/discussions/cohorts/{b.cohort.id}",
            f"/discussions/cohorts/{b.cohort.id}/lessons/intro",
            f"/discussions/cohorts/{b.cohort.id}/search?q=SECRET",
            f"/discussions/cohorts/{b.cohort.id}/announcements",
            "/discussions/",
            "/discussions/notifications",
        ):
            response = client.get(path)
            assert response.status_code in (200, 403), path
            assert_reveals_nothing(text(response), path)
        assert "B&#39;s own thread" in text(client.get(f"/discussions/cohorts/{b.cohort.id}"))
    _token, secret = create_token(b.learner)
    db.session.commit()
    listing = client.get(f"/api/v1/cohorts/{b.cohort.id}/threads", headers=bearer(secret))
    assert [item["title"] for item in listing.get_json()["items"]] == ["B's own thread"]


def test_a_learner_who_leaves_the_cohort_loses_access(
    client: FlaskClient, world: World, targets: Targets
) -> None:
    a = world.a
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.user_id == a.learner.id, Enrolment.cohort_id == a.cohort.id
        )
    )
    assert enrolment is not None
    login(client, a.learner)
    assert client.get(f"/discussions/cohorts/{a.cohort.id}").status_code == 200
    assert services.unread_notifications(a.learner) == 1
    enrolment.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()
    assert client.get(f"/discussions/cohorts/{a.cohort.id}").status_code == 404
    assert client.get(f"/discussions/threads/{targets.values['thread_id']}").status_code == 404
    assert services.unread_notifications(a.learner) == 0
    assert services.announcements_for(a.learner) == []
    assert "SECRET-A-TITLE" not in text(client.get("/discussions/notifications"))
