"""The discussions API: threads, posts, reports and moderation, with bearer tokens."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from academy.core.accounts.models import User
from academy.core.api.tokens import create_token
from academy.extensions import db
from academy.plugins.discussions import moderation
from academy.plugins.discussions.models import ModerationMode, PostStatus
from tests.plugins.discussions.conftest import World
from tests.plugins.discussions.factories import make_thread, opening
from tests.plugins.discussions.support import bearer

PROBLEM = "application/problem+json"


def token_for(user: User) -> dict[str, str]:
    _token, secret = create_token(user)
    db.session.commit()
    return bearer(secret)


def test_threads_list_and_create(client: FlaskClient, world: World) -> None:
    a = world.a
    headers = token_for(a.learner)
    response = client.post(
        f"/api/v1/cohorts/{a.cohort.id}/threads",
        json={"title": "Snow clearing", "body": "Who plows *first*?", "lesson_key": "intro"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["title"] == "Snow clearing" and created["lesson_key"] == "intro"
    assert created["status"] == "visible" and created["replies"] == 0
    assert created["author"]["country"] == "PT"

    listing = client.get(f"/api/v1/cohorts/{a.cohort.id}/threads", headers=headers).get_json()
    assert [item["id"] for item in listing["items"]] == [created["id"]]
    assert (listing["page"], listing["total"]) == (1, 1)
    general = client.get(
        f"/api/v1/cohorts/{a.cohort.id}/threads?board=general", headers=headers
    ).get_json()
    assert general["items"] == []
    lesson = client.get(
        f"/api/v1/cohorts/{a.cohort.id}/threads?lesson=intro", headers=headers
    ).get_json()
    assert lesson["total"] == 1
    missing = client.get(f"/api/v1/cohorts/{a.cohort.id}/threads?lesson=nope", headers=headers)
    assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_posts_list_and_reply(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner, body="Opening **text**")
    db.session.commit()
    headers = token_for(a.peer)
    response = client.post(
        f"/api/v1/threads/{thread.id}/posts", json={"body": "A reply"}, headers=headers
    )
    assert response.status_code == 201
    assert response.get_json()["status"] == "visible"
    posts = client.get(f"/api/v1/threads/{thread.id}/posts", headers=headers).get_json()
    assert [(p["opening"], p["body"]) for p in posts["items"]] == [
        (True, "Opening **text**"),
        (False, "A reply"),
    ]
    assert posts["items"][0]["html"] == "<p>Opening <strong>text</strong></p>\n"


def test_invalid_bodies_are_problems(client: FlaskClient, world: World) -> None:
    headers = token_for(world.a.learner)
    path = f"/api/v1/cohorts/{world.a.cohort.id}/threads"
    response = client.post(path, json={"title": ""}, headers=headers)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert {"title", "body"} <= fields
    response = client.post(path, json={"title": "x", "body": "  "}, headers=headers)
    assert (
        response.status_code == 400 and "Please write something." in response.get_json()["detail"]
    )


def test_pre_moderation_report_and_moderation_through_the_api(
    client: FlaskClient, world: World
) -> None:
    a = world.a
    moderation.set_moderation_mode(a.cohort, ModerationMode.PRE, by=a.moderator)
    db.session.commit()
    learner, peer, moderator = token_for(a.learner), token_for(a.peer), token_for(a.moderator)
    created = client.post(
        f"/api/v1/cohorts/{a.cohort.id}/threads",
        json={"title": "Pending", "body": "Please approve"},
        headers=learner,
    ).get_json()
    assert created["status"] == "pending"
    path = f"/api/v1/cohorts/{a.cohort.id}/threads"
    assert client.get(path, headers=peer).get_json()["total"] == 0
    posts = client.get(f"/api/v1/threads/{created['id']}/posts", headers=moderator).get_json()
    post_id = posts["items"][0]["id"]

    refused = client.post(
        f"/api/v1/posts/{post_id}/moderate", json={"action": "approve"}, headers=learner
    )
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    approved = client.post(
        f"/api/v1/posts/{post_id}/moderate", json={"action": "approve"}, headers=moderator
    )
    assert approved.status_code == 200 and approved.get_json()["post"]["status"] == "visible"
    assert client.get(path, headers=peer).get_json()["total"] == 1

    report = client.post(f"/api/v1/posts/{post_id}/report", json={"reason": "Spam"}, headers=peer)
    assert report.status_code == 201 and report.get_json()["reason"] == "Spam"
    again = client.post(f"/api/v1/posts/{post_id}/report", json={"reason": "Spam"}, headers=peer)
    assert again.status_code == 409

    no_reason = client.post(
        f"/api/v1/posts/{post_id}/moderate", json={"action": "hide"}, headers=moderator
    )
    assert no_reason.status_code == 400
    hidden = client.post(
        f"/api/v1/posts/{post_id}/moderate",
        json={"action": "hide", "reason": "Advertising"},
        headers=moderator,
    ).get_json()
    assert hidden["post"]["status"] == "hidden"
    mine = client.get(f"/api/v1/threads/{created['id']}/posts", headers=learner).get_json()
    assert mine["items"][0]["moderation_reason"] == "Advertising"
    assert client.get(f"/api/v1/threads/{created['id']}/posts", headers=peer).status_code == 404


@pytest.mark.parametrize(
    ("action", "extra", "check"),
    [
        ("lock", {}, lambda out: out["thread_locked"] is True),
        ("pin", {}, lambda out: out["thread_pinned"] is True),
        ("mute", {"days": 2, "reason": "Flood"}, lambda out: out["muted_until"] is not None),
        ("delete", {"reason": "Spam"}, lambda out: out["post"]["status"] == "deleted"),
    ],
)
def test_moderate_actions(
    client: FlaskClient, world: World, action: str, extra: dict[str, Any], check: Any
) -> None:
    a = world.a
    post = opening(make_thread(a.cohort, a.learner))
    db.session.commit()
    response = client.post(
        f"/api/v1/posts/{post.id}/moderate",
        json={"action": action, **extra},
        headers=token_for(a.moderator),
    )
    assert response.status_code == 200, response.get_json()
    assert check(response.get_json())


def test_muted_learners_get_403(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    moderation.mute(a.cohort, a.peer, days=1, reason="Calm down", by=a.moderator)
    db.session.commit()
    response = client.post(
        f"/api/v1/threads/{thread.id}/posts", json={"body": "Hi"}, headers=token_for(a.peer)
    )
    assert response.status_code == 403 and "muted" in response.get_json()["detail"]
    db.session.expire_all()
    assert opening(thread).status == PostStatus.VISIBLE


def test_without_a_token_the_api_answers_401(client: FlaskClient, world: World) -> None:
    response = client.get(f"/api/v1/cohorts/{world.a.cohort.id}/threads")
    assert response.status_code == 401 and response.mimetype == PROBLEM


def test_every_discussions_route_is_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/cohorts/{cohort_id}/threads"]) == {"get", "post"}
    assert set(paths["/threads/{thread_id}/posts"]) == {"get", "post"}
    assert set(paths["/posts/{post_id}/report"]) == {"post"}
    assert set(paths["/posts/{post_id}/moderate"]) == {"post"}
    moderate = paths["/posts/{post_id}/moderate"]["post"]
    assert {"401", "403", "404"} <= set(moderate["responses"])
    assert moderate["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ModerateIn"
    )
