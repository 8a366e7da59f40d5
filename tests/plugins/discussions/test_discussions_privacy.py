"""A deleted account's posts stay under "Deleted user"; "export my data" holds the posts."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from academy.core.accounts import privacy
from academy.extensions import db
from academy.plugins.discussions import moderation, services
from academy.plugins.discussions.models import Mute, Notification, Post, Preference
from academy.plugins.discussions.receivers import on_user_data_export
from tests.conftest import login
from tests.plugins.discussions.conftest import World
from tests.plugins.discussions.factories import make_thread
from tests.plugins.discussions.support import text


def test_a_deleted_users_posts_stay_anonymised(client: FlaskClient, world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner, title="Transit passes")
    services.reply(thread, a.peer, body="We subsidise them")
    services.set_email_digest(a.learner, True)
    moderation.mute(a.cohort, a.learner, days=1, reason="Too fast", by=a.moderator)
    organisation = a.learner.organisation
    assert organisation is not None
    name, organisation_name = a.learner.name, organisation.name

    privacy.delete_account(a.learner)
    db.session.commit()

    assert (
        db.session.scalar(sa.select(sa.func.count(Post.id)).where(Post.author_id == a.learner.id))
        == 1
    )
    for model in (Notification, Preference, Mute):
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(model).where(model.user_id == a.learner.id)
            )
            == 0
        )
    login(client, a.peer)
    page = text(client.get(f"/discussions/threads/{thread.id}", headers={"Accept-Language": "en"}))
    assert "Transit passes" in page and "Deleted user" in page
    assert name not in page and organisation_name not in page


def test_export_holds_the_posts_and_reports(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner, title="Water", body="Meters?")
    reply = services.reply(thread, a.peer, body="Smart ones")
    services.report_post(reply, a.learner, reason="Advertising a brand")
    services.set_email_digest(a.learner, True)

    result = on_user_data_export(a.learner)  # what user_data_export collects from this plugin
    assert result is not None
    section, data = result
    assert section == "discussions"

    assert [(p["thread"], p["body"], p["opening"]) for p in data["posts"]] == [
        ("Water", "Meters?", True)
    ]
    assert [r["reason"] for r in data["reports"]] == ["Advertising a brand"]
    assert data["email_digest"] is True and data["mutes"] == [] and data["announcements"] == []
