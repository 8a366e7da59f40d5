"""Posting, pre-moderation, editing, limits, reports and moderation, at the service level."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from academy.core.accounts.models import User
from academy.core.audit.models import AuditEvent
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError, Forbidden, NotFound
from academy.extensions import db
from academy.plugins.cohorts.models import CohortStatus
from academy.plugins.courses.models import Item
from academy.plugins.discussions import moderation, services
from academy.plugins.discussions.models import (
    ModerationAction,
    ModerationEntry,
    ModerationMode,
    Notification,
    NotificationKind,
    PostStatus,
    Report,
)
from academy.plugins.discussions.queries import Viewer, post_page, thread_page
from tests.factories import make_user
from tests.plugins.discussions.conftest import World
from tests.plugins.discussions.factories import enrol, make_thread, opening

A = ModerationAction


def log_actions(cohort_id: int) -> list[str]:
    query = (
        sa.select(ModerationEntry.action)
        .where(ModerationEntry.cohort_id == cohort_id)
        .order_by(ModerationEntry.id)
    )
    return [action.value for action in db.session.scalars(query)]


def visible_titles(world: World, user: User) -> list[str]:
    cohort = world.a.cohort
    viewer = Viewer(user, cohort, moderator=user is world.a.moderator)
    page = thread_page(viewer, lesson_id=None, page=1, per_page=50)
    return [row.thread.title for row in page.items]


# -- posting ------------------------------------------------------------------------------


def test_a_thread_is_visible_at_once_in_a_post_moderated_cohort(world: World) -> None:
    thread = make_thread(
        world.a.cohort, world.a.learner, title="Budgets", body="How do you **plan**?"
    )
    post = opening(thread)
    assert post.status == PostStatus.VISIBLE and post.body == "How do you **plan**?"
    assert thread.lesson_id is None and thread.author_id == world.a.learner.id
    assert visible_titles(world, world.a.peer) == ["Budgets"]


def test_pre_moderation_hides_learners_posts_until_a_moderator_approves(world: World) -> None:
    a = world.a
    assert moderation.set_moderation_mode(a.cohort, ModerationMode.PRE, by=a.moderator)
    thread = make_thread(a.cohort, a.learner, title="Waiting")
    post = opening(thread)
    assert post.status == PostStatus.PENDING
    assert visible_titles(world, a.peer) == []
    assert visible_titles(world, a.learner) == ["Waiting"]  # the author sees it, marked
    assert visible_titles(world, a.moderator) == ["Waiting"]

    moderation.moderate_post(post, A.APPROVE, by=a.moderator)

    assert post.status == PostStatus.VISIBLE
    assert visible_titles(world, a.peer) == ["Waiting"]
    assert log_actions(a.cohort.id) == ["set_mode", "approve"]
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == a.learner.id)
    )
    assert list(kinds) == [NotificationKind.APPROVED]


def test_moderators_posts_skip_pre_moderation(world: World) -> None:
    a = world.a
    moderation.set_moderation_mode(a.cohort, ModerationMode.PRE, by=a.moderator)
    thread = make_thread(a.cohort, a.moderator)
    assert opening(thread).status == PostStatus.VISIBLE


def test_a_reply_notifies_the_threads_author_once_visible(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    services.reply(thread, a.learner, body="My own follow-up")  # no notification to oneself
    reply = services.reply(thread, a.peer, body="Here is how we do it")
    found = db.session.scalars(sa.select(Notification).where(Notification.user_id == a.learner.id))
    assert [(n.kind, n.post_id) for n in found] == [(NotificationKind.REPLY, reply.id)]
    assert services.unread_notifications(a.learner) == 1
    assert services.unread_notifications(a.peer) == 0


def test_a_pending_reply_notifies_only_when_approved(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    moderation.set_moderation_mode(a.cohort, ModerationMode.PRE, by=a.moderator)
    reply = services.reply(thread, a.peer, body="Waiting reply")
    assert services.unread_notifications(a.learner) == 0
    moderation.moderate_post(reply, A.APPROVE, by=a.moderator)
    assert services.unread_notifications(a.learner) == 1


def test_lesson_threads_must_use_a_lesson_of_the_cohorts_course(world: World) -> None:
    lesson = db.session.scalar(
        sa.select(Item).where(Item.course_id == world.course.id, Item.key == "intro")
    )
    assert lesson is not None
    thread = services.start_thread(
        world.a.cohort, world.a.learner, title="T", body="B", lesson=lesson
    )
    assert thread.lesson_id == lesson.id
    quiz = db.session.scalar(
        sa.select(Item).where(Item.course_id == world.course.id, Item.key == "basics-quiz")
    )
    with pytest.raises(DomainError):
        services.start_thread(world.a.cohort, world.a.learner, title="T", body="B", lesson=quiz)


# -- limits -------------------------------------------------------------------------------


def test_empty_and_too_long_posts_are_refused(world: World, app: Flask) -> None:
    a = world.a
    with pytest.raises(DomainError) as empty:
        make_thread(a.cohort, a.learner, body="   \n ")
    assert empty.value.field == "body"
    with pytest.raises(DomainError) as title:
        make_thread(a.cohort, a.learner, title=" ")
    assert title.value.field == "title"
    app.config["DISCUSSIONS_POST_MAX_CHARS"] = 20
    try:
        with pytest.raises(DomainError, match="at most 20 characters"):
            make_thread(a.cohort, a.learner, body="x" * 21)
        make_thread(a.cohort, a.learner, body="x" * 20)
    finally:
        app.config["DISCUSSIONS_POST_MAX_CHARS"] = 10_000


def test_young_accounts_may_post_only_few_links(world: World) -> None:
    a = world.a
    young = enrol(a.cohort, make_user())
    two_links = "See https://example.org and www.example.com"
    with pytest.raises(DomainError, match="at most 1 link"):
        make_thread(a.cohort, young, body=two_links)
    make_thread(a.cohort, young, body="Only https://example.org")
    make_thread(a.cohort, a.learner, body=two_links)  # an older account
    young.created_at = utcnow() - timedelta(hours=25)
    make_thread(a.cohort, young, body=two_links)


# -- editing ------------------------------------------------------------------------------


def test_authors_edit_within_the_window(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner, title="Old title")
    post = opening(thread)
    services.edit_post(post, a.learner, body="New body", title="New title")
    assert (post.body, thread.title) == ("New body", "New title")
    assert post.edited_at is not None
    with pytest.raises(Forbidden):
        services.edit_post(post, a.peer, body="Not mine")
    post.created_at = utcnow() - timedelta(minutes=31)
    with pytest.raises(Forbidden, match="over"):
        services.edit_post(post, a.learner, body="Too late")


def test_an_edited_post_waits_again_in_a_pre_moderated_cohort(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    moderation.set_moderation_mode(a.cohort, ModerationMode.PRE, by=a.moderator)
    post = opening(thread)
    services.edit_post(post, a.learner, body="Changed after approval")
    assert post.status == PostStatus.PENDING


# -- reports and moderation ---------------------------------------------------------------


def test_report_then_hide_with_a_reason_the_author_sees(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner, title="Heated")
    reply = services.reply(thread, a.learner, body="Something rude")
    report = services.report_post(reply, a.peer, reason="Insulting")
    assert report.cohort_id == a.cohort.id
    with pytest.raises(Conflict):
        services.report_post(reply, a.peer, reason="Again")
    with pytest.raises(DomainError):
        services.report_post(reply, a.learner, reason="My own")

    moderation.moderate_post(reply, A.HIDE, by=a.moderator, reason="Please stay polite")

    assert reply.status == PostStatus.HIDDEN and reply.moderation_reason == "Please stay polite"
    assert db.session.get(Report, report.id).resolved_at is not None  # type: ignore[union-attr]
    author_view = Viewer(a.learner, a.cohort, moderator=False)
    peer_view = Viewer(a.peer, a.cohort, moderator=False)
    assert [p.id for p in post_page(author_view, thread, page=1, per_page=9).items][-1] == reply.id
    assert reply.id not in [p.id for p in post_page(peer_view, thread, page=1, per_page=9).items]
    assert log_actions(a.cohort.id) == ["hide"]
    audit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "discussions.hide"))
    [event] = list(audit)
    assert event.actor_id == a.moderator.id and event.details["reason"] == "Please stay polite"
    assert event.target_type == "post" and event.target_id == str(reply.id)


def test_hiding_and_deleting_need_a_reason(world: World) -> None:
    post = opening(make_thread(world.a.cohort, world.a.learner))
    for action in (A.HIDE, A.DELETE):
        with pytest.raises(DomainError, match="reason"):
            moderation.moderate_post(post, action, by=world.a.moderator, reason=" ")


def test_delete_restore_and_wrong_transitions(world: World) -> None:
    a = world.a
    post = opening(make_thread(a.cohort, a.learner))
    with pytest.raises(DomainError):
        moderation.moderate_post(post, A.APPROVE, by=a.moderator)  # already visible
    with pytest.raises(DomainError, match="no open reports"):
        moderation.moderate_post(post, A.DISMISS, by=a.moderator)
    moderation.moderate_post(post, A.DELETE, by=a.moderator, reason="Spam")
    assert post.status == PostStatus.DELETED
    assert visible_titles(world, a.learner) == []  # a deleted opening post hides the thread
    moderation.moderate_post(post, A.RESTORE, by=a.moderator)
    assert post.status == PostStatus.VISIBLE and post.moderation_reason == ""
    assert log_actions(a.cohort.id) == ["delete", "restore"]


def test_dismissing_reports_keeps_the_post(world: World) -> None:
    a = world.a
    post = opening(make_thread(a.cohort, a.learner))
    services.report_post(post, a.peer, reason="I disagree")
    moderation.moderate_post(post, A.DISMISS, by=a.moderator, reason="Disagreeing is fine")
    assert post.status == PostStatus.VISIBLE
    assert db.session.scalar(sa.select(Report.resolved_at)) is not None


def test_locked_threads_take_no_replies_but_from_moderators(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    moderation.moderate_thread(thread, A.LOCK, by=a.moderator, reason="Answered")
    with pytest.raises(Forbidden, match="locked"):
        services.reply(thread, a.peer, body="One more")
    services.reply(thread, a.moderator, body="Closing words")
    moderation.moderate_thread(thread, A.UNLOCK, by=a.moderator)
    services.reply(thread, a.peer, body="Thanks")
    assert log_actions(a.cohort.id) == ["lock", "unlock"]


def test_pinned_threads_come_first(world: World) -> None:
    a = world.a
    first = make_thread(a.cohort, a.learner, title="First")
    make_thread(a.cohort, a.learner, title="Second")
    assert visible_titles(world, a.peer) == ["Second", "First"]
    moderation.moderate_thread(first, A.PIN, by=a.moderator)
    assert visible_titles(world, a.peer) == ["First", "Second"]


def test_muted_learners_cannot_post_in_that_cohort_only(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    mute = moderation.mute(a.cohort, a.peer, days=3, reason="Flooding", by=a.moderator)
    assert timedelta(days=2, hours=23) < mute.until - utcnow() <= timedelta(days=3)
    with pytest.raises(Forbidden, match="muted"):
        services.reply(thread, a.peer, body="Hello?")
    with pytest.raises(Forbidden, match="muted"):
        make_thread(a.cohort, a.peer)
    enrol(world.b.cohort, a.peer)
    make_thread(world.b.cohort, a.peer)  # another cohort is not affected
    assert moderation.lift_mutes(a.cohort, a.peer, by=a.moderator) == 1
    services.reply(thread, a.peer, body="Back")
    assert log_actions(a.cohort.id) == ["mute", "unmute"]


def test_mute_rules(world: World) -> None:
    a = world.a
    with pytest.raises(DomainError):
        moderation.mute(a.cohort, a.peer, days=0, reason="x", by=a.moderator)
    with pytest.raises(DomainError, match="reason"):
        moderation.mute(a.cohort, a.peer, days=1, reason="", by=a.moderator)
    with pytest.raises(NotFound):
        moderation.mute(a.cohort, world.b.learner, days=1, reason="x", by=a.moderator)
    with pytest.raises(DomainError, match="not muted"):
        moderation.lift_mutes(a.cohort, a.peer, by=a.moderator)


def test_archived_cohorts_are_read_only(world: World) -> None:
    a = world.a
    thread = make_thread(a.cohort, a.learner)
    a.cohort.status = CohortStatus.ARCHIVED
    with pytest.raises(Forbidden, match="archived"):
        services.reply(thread, a.peer, body="Late")
    with pytest.raises(DomainError, match="archived"):
        moderation.moderate_thread(thread, A.LOCK, by=a.moderator)


def test_setting_the_same_mode_changes_nothing(world: World) -> None:
    a = world.a
    assert services.moderation_mode(a.cohort) == ModerationMode.POST
    assert not moderation.set_moderation_mode(a.cohort, ModerationMode.POST, by=a.moderator)
    assert log_actions(a.cohort.id) == []
