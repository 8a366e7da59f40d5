"""Pages and API calls run a bounded number of SQL statements, whatever the number of posts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from academy.core.api.tokens import create_token
from academy.extensions import db
from academy.plugins.courses.models import Item
from academy.plugins.discussions import services
from academy.plugins.discussions.models import Thread
from tests.conftest import login
from tests.plugins.discussions.conftest import World
from tests.plugins.discussions.factories import enrol, make_thread, opening
from tests.plugins.discussions.support import bearer, count_queries


@pytest.fixture(autouse=True)
def _big_pages(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything on one page, so that a per-row query would show."""
    monkeypatch.setitem(app.config, "DISCUSSIONS_PAGE_SIZE", 500)


def add_threads(world: World, count: int) -> None:
    a = world.a
    for number in range(count):
        author = enrol(a.cohort, name=f"Author {number}")
        thread = make_thread(a.cohort, author, title=f"Thread {number}")
        services.reply(thread, enrol(a.cohort), body="A reply")
        services.report_post(opening(thread), a.peer, reason="Check")
    db.session.commit()


def add_replies(world: World, thread: Thread, count: int) -> None:
    for number in range(count):
        services.reply(
            thread, enrol(world.a.cohort, name=f"Replier {number}"), body=f"Reply {number}"
        )
    db.session.commit()


def statements(client: FlaskClient, path: str, **kwargs: Any) -> int:
    """Statements of one request, starting like production from an empty session."""
    db.session.expire_all()
    with count_queries() as found:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, path
    return len(found)


def measure(grow: Callable[[], None], call: Callable[[], int]) -> tuple[int, int]:
    few = call()
    grow()
    return few, call()


@pytest.mark.parametrize("who", ["learner", "moderator"])
def test_the_thread_list_is_bounded(client: FlaskClient, world: World, who: str) -> None:
    add_threads(world, 2)
    login(client, getattr(world.a, who))
    path = f"/discussions/cohorts/{world.a.cohort.id}"
    few, many = measure(lambda: add_threads(world, 25), lambda: statements(client, path))
    assert few == many <= 16, (few, many)


@pytest.mark.parametrize("who", ["learner", "moderator"])
def test_the_thread_page_is_bounded(client: FlaskClient, world: World, who: str) -> None:
    thread = make_thread(world.a.cohort, world.a.learner)
    add_replies(world, thread, 2)
    login(client, getattr(world.a, who))
    path = f"/discussions/threads/{thread.id}"
    few, many = measure(lambda: add_replies(world, thread, 30), lambda: statements(client, path))
    assert few == many <= 16, (few, many)


def test_the_lesson_board_is_bounded(client: FlaskClient, world: World) -> None:
    login(client, world.a.learner)
    path = f"/discussions/cohorts/{world.a.cohort.id}/lessons/intro"

    lesson = db.session.scalar(sa.select(Item).where(Item.key == "intro"))

    def grow() -> None:
        for number in range(20):
            author = enrol(world.a.cohort)
            services.start_thread(
                world.a.cohort, author, title=f"T{number}", body="B", lesson=lesson
            )
            services.start_thread(world.a.cohort, author, title=f"G{number}", body="B")
        db.session.commit()

    few, many = measure(grow, lambda: statements(client, path))
    assert few == many <= 14, (few, many)


def test_the_moderation_queue_and_log_are_bounded(client: FlaskClient, world: World) -> None:
    add_threads(world, 2)
    login(client, world.a.moderator)
    for path in (
        f"/discussions/cohorts/{world.a.cohort.id}/moderation",
        f"/discussions/cohorts/{world.a.cohort.id}/log",
        f"/discussions/cohorts/{world.a.cohort.id}/search?q=Thread",
    ):
        few = statements(client, path)
        add_threads(world, 10)
        assert statements(client, path) == few <= 14, path


def test_notifications_are_bounded(client: FlaskClient, world: World) -> None:
    thread = make_thread(world.a.cohort, world.a.learner)
    add_replies(world, thread, 2)
    login(client, world.a.learner)
    path = "/discussions/notifications"
    few, many = measure(lambda: add_replies(world, thread, 20), lambda: statements(client, path))
    assert few == many <= 10, (few, many)


def test_the_api_lists_are_bounded(client: FlaskClient, world: World) -> None:
    thread = make_thread(world.a.cohort, world.a.learner)
    add_replies(world, thread, 2)
    add_threads(world, 2)
    _token, secret = create_token(world.a.learner)
    db.session.commit()
    headers = bearer(secret)
    for path in (
        f"/api/v1/cohorts/{world.a.cohort.id}/threads",
        f"/api/v1/threads/{thread.id}/posts",
    ):
        few = statements(client, path + "?per_page=100", headers=headers)
        add_threads(world, 10)
        add_replies(world, thread, 10)
        assert statements(client, path + "?per_page=100", headers=headers) == few <= 12, path
