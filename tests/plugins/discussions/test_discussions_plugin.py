"""The plugin's wiring: settings, the lesson page panel, CSRF on its forms."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from academy.extensions import db
from academy.plugins.discussions.settings import DEFAULTS, init_settings
from tests.conftest import login
from tests.plugins.discussions.conftest import World
from tests.plugins.discussions.factories import make_thread
from tests.plugins.discussions.support import text


def test_settings_have_defaults_and_take_the_environment(app: Flask) -> None:
    for name in DEFAULTS:
        assert name in app.config
    fresh = Flask(__name__)
    fresh.config["DISCUSSIONS_EDIT_MINUTES"] = 5  # given to create_app: kept
    init_settings(
        fresh,
        {"ACADEMY_DISCUSSIONS_POST_MAX_CHARS": "500", "ACADEMY_DISCUSSIONS_EDIT_MINUTES": "9"},
    )
    assert fresh.config["DISCUSSIONS_POST_MAX_CHARS"] == 500
    assert fresh.config["DISCUSSIONS_EDIT_MINUTES"] == 5
    assert fresh.config["DISCUSSIONS_RATELIMIT_POST"] == DEFAULTS["DISCUSSIONS_RATELIMIT_POST"]
    with pytest.raises(ValueError, match="ACADEMY_DISCUSSIONS_PAGE_SIZE"):
        init_settings(Flask(__name__), {"ACADEMY_DISCUSSIONS_PAGE_SIZE": "many"})


def test_the_lesson_page_links_to_the_lesson_board_of_my_cohorts(
    client: FlaskClient, world: World
) -> None:
    path = "/courses/peer/lessons/intro"
    assert "Discuss this lesson" not in text(client.get(path))  # anonymous
    login(client, world.a.learner)
    page = text(client.get(path, headers={"Accept-Language": "en"}))
    assert f"/discussions/cohorts/{world.a.cohort.id}/lessons/intro" in page
    assert f"/discussions/cohorts/{world.b.cohort.id}/" not in page


@pytest.mark.usefixtures("csrf_enabled")
def test_forms_carry_and_need_a_csrf_token(client: FlaskClient, world: World) -> None:
    thread = make_thread(world.a.cohort, world.a.learner)
    db.session.commit()
    login(client, world.a.peer)
    page = text(client.get(f"/discussions/threads/{thread.id}"))
    assert 'name="csrf_token"' in page
    refused = client.post(f"/discussions/threads/{thread.id}/posts", data={"body": "No token"})
    assert refused.status_code in (400, 422)
    token: Any = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    accepted = client.post(
        f"/discussions/threads/{thread.id}/posts", data={"body": "With token", "csrf_token": token}
    )
    assert accepted.status_code == 302
