"""Announcements by email, the learners' dashboard helpers, and the digest command."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, render_template_string
from flask.testing import FlaskCliRunner

from academy.core.mail.models import OutboxMessage
from academy.extensions import db
from academy.plugins.cohorts.models import EnrolmentStatus
from academy.plugins.discussions import moderation, services
from academy.plugins.discussions.mailing import ANNOUNCEMENT_KIND, DIGEST_KIND, queue_digests
from academy.plugins.discussions.models import (
    ModerationAction,
    ModerationEntry,
    Notification,
    Preference,
)
from tests.factories import make_user
from tests.plugins.discussions.conftest import World
from tests.plugins.discussions.factories import enrol, make_thread


def outbox(kind: str) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def test_an_announcement_is_emailed_to_each_learner(world: World) -> None:
    a = world.a
    french = enrol(a.cohort, make_user(locale="fr", name="Élise"))
    enrol(a.cohort, make_user(), status=EnrolmentStatus.WITHDRAWN)  # left the cohort
    announcement = moderation.post_announcement(
        a.cohort, title="Live session", body="Thursday at **10:00**", by=a.moderator
    )
    messages = outbox(ANNOUNCEMENT_KIND)
    recipients = sorted(message.recipient for message in messages)
    assert recipients == sorted([a.learner.email, a.peer.email, french.email])
    english = next(m for m in messages if m.recipient == a.learner.email)
    assert english.subject == "Cohort A: Live session"
    assert "Live session" in english.body and "Thursday at **10:00**" in english.body
    assert f"/discussions/cohorts/{a.cohort.id}/announcements" in english.body
    assert english.body.startswith(f"Hello {a.learner.name},")
    in_french = next(m for m in messages if m.recipient == french.email)
    assert "Élise" in in_french.body.splitlines()[0]  # rendered for her, in her language
    [entry] = db.session.scalars(sa.select(ModerationEntry))
    assert entry.action == ModerationAction.ANNOUNCE and entry.details["emails"] == 3
    assert entry.details["announcement"] == announcement.id


def test_announcements_for_the_dashboard(world: World) -> None:
    a, b = world.a, world.b
    moderation.post_announcement(a.cohort, title="A1", body="x", by=a.moderator)
    moderation.post_announcement(b.cohort, title="B1", body="x", by=b.moderator)
    moderation.post_announcement(a.cohort, title="A2", body="x", by=a.moderator)
    assert [x.title for x in services.announcements_for(a.learner)] == ["A2", "A1"]
    assert [x.title for x in services.announcements_for(a.learner, limit=1)] == ["A2"]
    assert [x.title for x in services.announcements_for(a.moderator)] == ["A2", "A1"]
    assert [x.title for x in services.announcements_for(b.peer)] == ["B1"]


def test_the_dashboard_macro(app: Flask, world: World) -> None:
    a = world.a
    moderation.post_announcement(a.cohort, title="Welcome", body="x", by=a.moderator)
    html = render_template_string(
        '{% from "discussions/_dashboard.html" import dashboard_panel %}'
        "{{ dashboard_panel(announcements, unread) }}",
        announcements=services.announcements_for(a.learner),
        unread=services.unread_notifications(a.learner),
    )
    assert "Welcome" in html and "Cohort A" in html and "0 unread notifications" in html
    assert f"/discussions/cohorts/{a.cohort.id}/announcements#announcement-" in html


def test_digest_queues_one_email_per_person_who_wants_it(
    app: Flask, runner: FlaskCliRunner, world: World
) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner, title="Street lights")
    services.reply(thread, a.peer, body="LED")
    services.reply(thread, a.moderator, body="Agreed")
    other = make_thread(a.cohort, a.peer, title="Bins")
    services.reply(other, a.learner, body="Weekly")
    services.set_email_digest(a.learner, True)  # the peer did not ask for a digest
    db.session.commit()

    result = runner.invoke(args=["discussions", "digest"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 digest email(s)." in result.output
    [message] = outbox(DIGEST_KIND)
    assert message.recipient == a.learner.email
    assert "2 unread notifications" in message.body and "Street lights" in message.body
    assert "/discussions/notifications" in message.body
    assert db.session.get(Preference, a.learner.id).last_digest_at is not None  # type: ignore[union-attr]

    again = runner.invoke(args=["discussions", "digest"])
    assert "Queued 0 digest email(s)." in again.output  # each notification goes out once

    services.reply(thread, a.peer, body="One more")
    db.session.commit()
    runner.invoke(args=["discussions", "digest"])
    assert len(outbox(DIGEST_KIND)) == 2
    assert "1 unread notification" in outbox(DIGEST_KIND)[-1].body


def test_read_notifications_are_left_out_of_the_digest(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    services.reply(thread, a.peer, body="Hi")
    services.set_email_digest(a.learner, True)
    assert services.mark_read(a.learner) == 1
    assert queue_digests() == 0
    assert db.session.scalar(sa.select(Notification.digested_at)) is None
