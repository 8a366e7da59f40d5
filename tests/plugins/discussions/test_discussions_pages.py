"""The discussion pages, driven like a browser without JavaScript: forms and links only."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from academy.core.accounts.models import User
from academy.extensions import db
from academy.plugins.discussions.models import ModerationEntry, Post, PostStatus, Thread
from tests.conftest import login
from tests.plugins.discussions.conftest import World
from tests.plugins.discussions.factories import make_thread, opening
from tests.plugins.discussions.support import text

EN = {"Accept-Language": "en"}


def as_user(client: FlaskClient, user: User) -> FlaskClient:
    with client.session_transaction() as session:
        session.clear()
    return login(client, user)


def latest_thread() -> Thread:
    found = db.session.scalar(sa.select(Thread).order_by(Thread.id.desc()))
    assert found is not None
    return found


def test_done_when_pre_moderation_report_hide_and_log(client: FlaskClient, world: World) -> None:
    """The issue's "done when", through the pages."""
    a = world.a
    # A moderator switches the cohort to pre-moderation.
    as_user(client, a.moderator)
    response = client.post(f"/discussions/cohorts/{a.cohort.id}/settings", data={"mode": "pre"})
    assert response.status_code == 302

    # A learner posts; the post waits.
    as_user(client, a.learner)
    response = client.post(
        f"/discussions/cohorts/{a.cohort.id}/threads",
        data={"title": "Waste collection", "body": "How do you *plan* routes?"},
        headers=EN,
    )
    assert response.status_code == 302
    thread = latest_thread()
    page = text(client.get(response.location, headers=EN))
    assert "waits for a moderator" in page and "Waiting for a moderator" in page
    assert "How do you <em>plan</em> routes?" in page

    # Other learners do not see it.
    as_user(client, a.peer)
    assert "Waste collection" not in text(client.get(f"/discussions/cohorts/{a.cohort.id}"))
    assert client.get(f"/discussions/threads/{thread.id}").status_code == 404

    # The moderator finds it in the queue and approves it.
    as_user(client, a.moderator)
    queue = text(client.get(f"/discussions/cohorts/{a.cohort.id}/moderation", headers=EN))
    assert "Waste collection" in queue and "Approve" in queue
    post_id = opening(thread).id
    response = client.post(f"/discussions/posts/{post_id}/moderate", data={"action": "approve"})
    assert response.status_code == 302

    # Now the peer sees it, replies are pre-moderated too; the peer reports the opening post.
    as_user(client, a.peer)
    assert "Waste collection" in text(client.get(f"/discussions/cohorts/{a.cohort.id}"))
    report_form = text(client.get(f"/discussions/posts/{post_id}/report", headers=EN))
    assert "What is wrong with this post?" in report_form
    response = client.post(f"/discussions/posts/{post_id}/report", data={"reason": "Off topic"})
    assert response.status_code == 302

    # The moderator hides it with a reason.
    as_user(client, a.moderator)
    queue = text(client.get(f"/discussions/cohorts/{a.cohort.id}/moderation", headers=EN))
    assert "Off topic" in queue
    response = client.post(
        f"/discussions/posts/{post_id}/moderate",
        data={"action": "hide", "reason": "Please post this on the lesson board"},
    )
    assert response.status_code == 302

    # The author sees why; the peer no longer sees the thread.
    as_user(client, a.learner)
    page = text(client.get(f"/discussions/threads/{thread.id}", headers=EN))
    assert "Hidden by a moderator" in page and "Please post this on the lesson board" in page
    as_user(client, a.peer)
    assert client.get(f"/discussions/threads/{thread.id}").status_code == 404

    # The moderation log shows both actions, with who and why.
    as_user(client, a.moderator)
    log = text(client.get(f"/discussions/cohorts/{a.cohort.id}/log", headers=EN))
    assert "Approved a post" in log and "Hid a post" in log
    assert "Please post this on the lesson board" in log and a.moderator.name in log
    actions = db.session.scalars(sa.select(ModerationEntry.action).order_by(ModerationEntry.id))
    assert [action.value for action in actions] == ["set_mode", "approve", "hide"]


def test_a_post_shows_its_authors_organisation_and_country(
    client: FlaskClient, world: World
) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.peer, title="Who does what")
    db.session.commit()
    as_user(client, a.learner)
    page = text(client.get(f"/discussions/threads/{thread.id}", headers=EN))
    organisation = a.peer.organisation
    assert organisation is not None
    assert a.peer.name in page and organisation.name in page and "France" in page


def test_reply_and_notification_flow(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner, title="Parking fees")
    db.session.commit()
    as_user(client, a.peer)
    response = client.post(
        f"/discussions/threads/{thread.id}/posts", data={"body": "We charge by zone"}
    )
    assert response.status_code == 302 and response.location.endswith(
        "#post-" + str(db.session.scalar(sa.select(sa.func.max(Post.id))))
    )
    as_user(client, a.learner)
    page = text(client.get("/discussions/notifications", headers=EN))
    assert "1 unread notification" in page and "replied to your thread" in page
    notification_id = re.search(r"/discussions/notifications/(\d+)/open", page)
    assert notification_id is not None
    response = client.post(f"/discussions/notifications/{notification_id.group(1)}/open")
    assert response.status_code == 302 and f"/discussions/threads/{thread.id}" in response.location
    assert "0 unread notifications" in text(client.get("/discussions/notifications", headers=EN))


def test_an_empty_reply_is_refused_with_422(client: FlaskClient, world: World) -> None:
    thread = make_thread(world.a.cohort, world.a.learner)
    db.session.commit()
    as_user(client, world.a.peer)
    response = client.post(
        f"/discussions/threads/{thread.id}/posts", data={"body": " "}, headers=EN
    )
    assert response.status_code == 422
    assert "Please write something." in text(response)


def test_the_lesson_board_shows_the_prompt_and_takes_threads(
    client: FlaskClient, world: World
) -> None:
    a = world.a
    as_user(client, a.learner)
    page = text(client.get(f"/discussions/cohorts/{a.cohort.id}", headers=EN))
    assert f"/discussions/cohorts/{a.cohort.id}/lessons/intro" in page
    page = text(client.get(f"/discussions/cohorts/{a.cohort.id}/lessons/intro", headers=EN))
    assert "Talk: intro" in page and 'name="lesson" type="hidden" value="intro"' in page
    response = client.post(
        f"/discussions/cohorts/{a.cohort.id}/threads",
        data={"title": "On the intro", "body": "Nice", "lesson": "intro"},
    )
    assert response.status_code == 302
    assert latest_thread().lesson is not None
    page = text(client.get(f"/discussions/cohorts/{a.cohort.id}/lessons/intro", headers=EN))
    assert "On the intro" in page
    assert client.get(f"/discussions/cohorts/{a.cohort.id}/lessons/basics-quiz").status_code == 404


def test_authors_edit_their_post(client: FlaskClient, world: World) -> None:
    thread = make_thread(world.a.cohort, world.a.learner, title="Typo", body="Teh text")
    db.session.commit()
    post_id = opening(thread).id
    as_user(client, world.a.learner)
    form = text(client.get(f"/discussions/posts/{post_id}/edit", headers=EN))
    assert "Teh text" in form
    response = client.post(
        f"/discussions/posts/{post_id}/edit", data={"title": "No typo", "body": "The text"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (thread.title, opening(thread).body) == ("No typo", "The text")
    as_user(client, world.a.peer)
    assert client.get(f"/discussions/posts/{post_id}/edit").status_code == 403


def test_learners_cannot_reach_moderator_pages(client: FlaskClient, world: World) -> None:
    a = world.a
    post = opening(make_thread(a.cohort, a.peer))
    db.session.commit()
    as_user(client, a.learner)
    assert client.get(f"/discussions/cohorts/{a.cohort.id}/moderation").status_code == 403
    assert client.get(f"/discussions/cohorts/{a.cohort.id}/log").status_code == 403
    response = client.post(
        f"/discussions/posts/{post.id}/moderate", data={"action": "hide", "reason": "mine now"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert post.status == PostStatus.VISIBLE


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient, world: World) -> None:
    response = client.get(f"/discussions/cohorts/{world.a.cohort.id}")
    assert response.status_code == 302 and "/account/login" in response.location


@pytest.mark.parametrize("endpoint", ["discussions.index", "discussions.notifications"])
def test_navigation_entries_for_signed_in_users(
    client: FlaskClient, world: World, endpoint: str
) -> None:
    path = {
        "discussions.index": "/discussions/",
        "discussions.notifications": "/discussions/notifications",
    }[endpoint]
    assert f'href="{path}"' not in text(client.get("/"))
    as_user(client, world.a.learner)
    assert f'href="{path}"' in text(client.get("/"))
