"""Moderators' pages: mute and lift, lock and pin, announcements, the mode; admins read the log."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from academy.core.accounts.models import Role
from academy.core.mail.models import OutboxMessage
from academy.extensions import db
from academy.plugins.discussions import services
from academy.plugins.discussions.mailing import ANNOUNCEMENT_KIND
from academy.plugins.discussions.models import Mute, Preference, Thread
from tests.conftest import login
from tests.factories import make_user
from tests.plugins.discussions.conftest import World
from tests.plugins.discussions.factories import make_thread, opening
from tests.plugins.discussions.support import text

EN = {"Accept-Language": "en"}


def test_mute_and_lift_through_the_pages(client: FlaskClient, world: World) -> None:
    a = world.a
    post = opening(make_thread(a.cohort, a.peer, title="Loud"))
    db.session.commit()
    login(client, a.moderator)
    form = text(client.get(f"/discussions/posts/{post.id}/mute", headers=EN))
    assert f"Mute {a.peer.name}" in form
    refused = client.post(f"/discussions/posts/{post.id}/mute", data={"days": "2", "reason": ""})
    assert refused.status_code == 422
    response = client.post(
        f"/discussions/posts/{post.id}/mute",
        data={"days": "2", "reason": "Shouting"},
    )
    assert response.status_code == 302
    mute = db.session.scalar(sa.select(Mute))
    assert mute is not None and mute.user_id == a.peer.id
    queue = text(client.get(f"/discussions/cohorts/{a.cohort.id}/moderation", headers=EN))
    assert "Muted learners" in queue and "Shouting" in queue

    login(client, a.peer)
    board = text(client.get(f"/discussions/cohorts/{a.cohort.id}", headers=EN))
    assert "muted you" in board and "Start a thread" not in board

    login(client, a.moderator)
    lifted = client.post(f"/discussions/cohorts/{a.cohort.id}/mutes/{mute.id}/lift")
    assert lifted.status_code == 302
    assert services.active_mute(a.cohort, a.peer) is None


def test_lock_and_pin_through_the_pages(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    db.session.commit()
    login(client, a.moderator)
    for action in ("lock", "pin"):
        response = client.post(
            f"/discussions/threads/{thread.id}/moderate", data={"action": action}
        )
        assert response.status_code == 302
    db.session.expire_all()
    found = db.session.get(Thread, thread.id)
    assert found is not None and found.locked and found.pinned
    login(client, a.peer)
    page = text(client.get(f"/discussions/threads/{thread.id}", headers=EN))
    assert "This thread is locked" in page and "Post the reply" not in page
    refused = client.post(f"/discussions/threads/{thread.id}/posts", data={"body": "Hi"})
    assert refused.status_code == 422


def test_unknown_actions_are_bad_requests(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    db.session.commit()
    login(client, a.moderator)
    post_id = opening(thread).id
    bad = client.post(f"/discussions/posts/{post_id}/moderate", data={"action": "lock"})
    assert bad.status_code == 400
    wrong_state = client.post(f"/discussions/posts/{post_id}/moderate", data={"action": "approve"})
    assert wrong_state.status_code == 400  # a visible post cannot be approved: nothing changes


def test_announcements_through_the_pages(client: FlaskClient, world: World) -> None:
    a = world.a
    login(client, a.moderator)
    response = client.post(
        f"/discussions/cohorts/{a.cohort.id}/announcements",
        data={"title": "Exam week", "body": "Good luck **all**"},
    )
    assert response.status_code == 302
    query = sa.select(sa.func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == ANNOUNCEMENT_KIND
    )
    assert db.session.scalar(query) == 2
    login(client, a.learner)
    page = text(client.get(f"/discussions/cohorts/{a.cohort.id}/announcements", headers=EN))
    assert "Exam week" in page and "Good luck <strong>all</strong>" in page
    assert "Post and email the announcement" not in page
    assert "Exam week" in text(client.get(f"/discussions/cohorts/{a.cohort.id}", headers=EN))
    refused = client.post(
        f"/discussions/cohorts/{a.cohort.id}/announcements", data={"title": "Mine", "body": "x"}
    )
    assert refused.status_code == 403


def test_the_mode_form_refuses_unknown_modes(client: FlaskClient, world: World) -> None:
    login(client, world.a.moderator)
    response = client.post(f"/discussions/cohorts/{world.a.cohort.id}/settings", data={"mode": "x"})
    assert response.status_code == 422


def test_admins_and_managers_read_the_moderation_log(client: FlaskClient, world: World) -> None:
    for role in (Role.ADMIN, Role.MANAGER):
        login(client, make_user(roles=(role,)))
        db.session.commit()
        assert client.get(f"/discussions/cohorts/{world.a.cohort.id}/log").status_code == 200


def test_search_finds_visible_posts(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner, title="Bike lanes", body="Painted or separated?")
    services.reply(thread, a.peer, body="Separated, 100%_sure")
    db.session.commit()
    login(client, a.learner)
    page = text(client.get(f"/discussions/cohorts/{a.cohort.id}/search?q=separated", headers=EN))
    assert "2 posts found." in page and "Bike lanes" in page
    page = text(client.get(f"/discussions/cohorts/{a.cohort.id}/search?q=%25_", headers=EN))
    assert "1 post found." in page  # % and _ are searched as text


def test_digest_preference_and_mark_all_read(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    services.reply(thread, a.peer, body="One")
    services.reply(thread, a.peer, body="Two")
    db.session.commit()
    login(client, a.learner)
    assert (
        client.post(
            "/discussions/notifications/preferences", data={"email_digest": "y"}
        ).status_code
        == 302
    )
    preference = db.session.get(Preference, a.learner.id)
    assert preference is not None and preference.email_digest
    assert "2 unread notifications" in text(client.get("/discussions/notifications", headers=EN))
    assert client.post("/discussions/notifications/read").status_code == 302
    assert services.unread_notifications(a.learner) == 0
