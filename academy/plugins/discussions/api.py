"""The discussions API: threads and posts of a cohort, reports, and moderation.

The same rules as the pages: a cohort, thread or post outside the token
user's cohorts answers 404 (exactly as one that does not exist); moderation
answers 403 to the cohort's learners.  Posting shares the pages' rate limit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from flask import current_app, request
from pydantic import BaseModel, Field

from academy.core.accounts.models import User
from academy.core.api import ApiProblem, api_blueprint, api_user, parse_body
from academy.core.api.openapi import operation
from academy.core.urls import page_arg
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort
from academy.plugins.courses.models import Item, ItemType
from academy.plugins.discussions import moderation, queries, services
from academy.plugins.discussions.blueprint import lesson_of, posting_limit, viewer_of
from academy.plugins.discussions.models import ModerationAction, Post, Thread
from academy.plugins.discussions.permissions import can_moderate_discussions
from academy.plugins.discussions.queries import Page, ThreadRow, Viewer
from academy.plugins.discussions.rendering import render_post
from academy.plugins.discussions.services import REASON_MAX, TITLE_MAX

api_bp = api_blueprint("discussions", __name__)
TAG = "discussions"


class AuthorOut(BaseModel):
    id: int | None
    name: str
    organisation: str | None
    country: str | None


class PostOut(BaseModel):
    id: int
    thread_id: int
    cohort_id: int
    opening: bool
    author: AuthorOut
    body: str = Field(description="The post's Markdown.")
    html: str = Field(description="The post rendered to safe HTML.")
    status: Literal["pending", "visible", "hidden", "deleted"]
    moderation_reason: str = Field(description="Why a moderator hid or deleted the post.")
    created_at: datetime
    edited_at: datetime | None


class ThreadOut(BaseModel):
    id: int
    cohort_id: int
    lesson_key: str | None = Field(description="The lesson's key; null on the general board.")
    title: str
    author: AuthorOut
    status: Literal["pending", "visible", "hidden", "deleted"]
    pinned: bool
    locked: bool
    replies: int = Field(description="Visible replies.")
    created_at: datetime
    last_activity_at: datetime


class ThreadList(BaseModel):
    items: list[ThreadOut]
    page: int
    per_page: int
    total: int


class PostList(BaseModel):
    items: list[PostOut]
    page: int
    per_page: int
    total: int


class NewThread(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    body: str = Field(min_length=1, description="Markdown.")
    lesson_key: str | None = Field(default=None, description="Post on this lesson's board.")


class NewPost(BaseModel):
    body: str = Field(min_length=1, description="Markdown.")


class ReportIn(BaseModel):
    reason: str = Field(min_length=1, max_length=REASON_MAX)


class ReportOut(BaseModel):
    id: int
    post_id: int
    reason: str
    created_at: datetime


class ModerateIn(BaseModel):
    action: Literal[
        "approve", "hide", "restore", "delete", "dismiss", "lock", "unlock", "pin", "unpin", "mute"
    ] = Field(
        description="lock, unlock, pin and unpin act on the post's thread; mute on its author."
    )
    reason: str = Field(
        default="", max_length=REASON_MAX, description="Required to hide, delete, mute."
    )
    days: int | None = Field(default=None, ge=1, description="How long a mute lasts.")


class ModerateOut(BaseModel):
    action: str
    post: PostOut
    thread_locked: bool
    thread_pinned: bool
    muted_until: datetime | None = None


def _author(user: User | None) -> AuthorOut:
    if user is None:
        return AuthorOut(id=None, name="", organisation=None, country=None)
    org = user.organisation
    return AuthorOut(
        id=user.id,
        name=user.name,
        organisation=org.name if org else None,
        country=org.country if org else None,
    )


def post_out(post: Post) -> PostOut:
    return PostOut(
        id=post.id,
        thread_id=post.thread_id,
        cohort_id=post.cohort_id,
        opening=post.opening,
        author=_author(post.author),
        body=post.body,
        html=str(render_post(post.body)),
        status=post.status.value,
        moderation_reason=post.moderation_reason,
        created_at=post.created_at,
        edited_at=post.edited_at,
    )


def thread_out(row: ThreadRow, lesson_keys: dict[int, str]) -> ThreadOut:
    thread = row.thread
    return ThreadOut(
        id=thread.id,
        cohort_id=thread.cohort_id,
        lesson_key=lesson_keys.get(thread.lesson_id) if thread.lesson_id else None,
        title=thread.title,
        author=_author(row.opening.author),
        status=row.opening.status.value,
        pinned=thread.pinned,
        locked=thread.locked,
        replies=row.replies,
        created_at=thread.created_at,
        last_activity_at=thread.last_activity_at,
    )


def _page_args() -> tuple[int, int]:
    per_page = min(page_arg("per_page", 20), current_app.config["API_PAGE_SIZE_MAX"])
    return page_arg(), per_page


def _listing(found: Page, items: list[Any]) -> dict[str, Any]:
    return {"items": items, "page": found.page, "per_page": found.per_page, "total": found.total}


def _viewer(cohort: Cohort | None) -> Viewer:
    viewer = viewer_of(api_user(), cohort)
    if viewer is None:
        raise ApiProblem(404, "There is no such cohort among yours.")
    return viewer


def _thread(thread_id: int) -> tuple[Viewer, Thread]:
    thread = db.session.get(Thread, thread_id)
    viewer = viewer_of(api_user(), thread.cohort if thread is not None else None)
    opening = queries.opening_post(thread) if thread is not None else None
    if viewer is None or thread is None or opening is None or not viewer.can_see(opening):
        raise ApiProblem(404, "There is no such thread among yours.")
    return viewer, thread


def _post(post_id: int) -> tuple[Viewer, Post]:
    post = db.session.get(Post, post_id)
    if post is None:
        raise ApiProblem(404, "There is no such post among yours.")
    try:
        viewer, _thread_found = _thread(post.thread_id)
    except ApiProblem:
        raise ApiProblem(404, "There is no such post among yours.") from None
    if not viewer.can_see(post):
        raise ApiProblem(404, "There is no such post among yours.")
    return viewer, post


def _lesson_keys(cohort: Cohort) -> dict[int, str]:
    query = sa.select(Item.id, Item.key).where(
        Item.course_id == cohort.course_id, Item.type == ItemType.LESSON
    )
    return {item_id: key for item_id, key in db.session.execute(query)}


@api_bp.get("/cohorts/<int:cohort_id>/threads")
@operation(
    "Threads of a cohort's discussions the token user may see",
    tag=TAG,
    response=ThreadList,
    errors=(404,),
    query=(
        ("lesson", "string", "Only the threads of this lesson's board (its key)"),
        ("board", "string", "'general': only the threads of the general board"),
        ("page", "integer", "Page number, from 1"),
        ("per_page", "integer", "Threads per page"),
    ),
)
def list_threads(cohort_id: int) -> dict[str, Any]:
    viewer = _viewer(db.session.get(Cohort, cohort_id))
    query = queries.threads_query(viewer, lesson_id=None, board=False)
    key = request.args.get("lesson")
    if key:
        lesson = lesson_of(viewer.cohort, key)
        if lesson is None:
            raise ApiProblem(404, "The cohort's course has no such lesson.")
        query = query.where(Thread.lesson_id == lesson.id)
    elif request.args.get("board") == "general":
        query = query.where(Thread.lesson_id.is_(None))
    page, per_page = _page_args()
    found = queries.paginate(query, page=page, per_page=per_page, scalars=False)
    keys = _lesson_keys(viewer.cohort)
    items = [thread_out(ThreadRow(*row), keys).model_dump(mode="json") for row in found.items]
    return _listing(found, items)


@api_bp.post("/cohorts/<int:cohort_id>/threads")
@operation(
    "Start a thread (it waits for a moderator in a pre-moderated cohort)",
    tag=TAG,
    request=NewThread,
    response=ThreadOut,
    status=201,
    errors=(403, 404, 429),
)
@posting_limit
def create_thread(cohort_id: int) -> tuple[dict[str, Any], int]:
    viewer = _viewer(db.session.get(Cohort, cohort_id))
    body = parse_body(NewThread)
    lesson = None
    if body.lesson_key:
        lesson = lesson_of(viewer.cohort, body.lesson_key)
        if lesson is None:
            raise ApiProblem(404, "The cohort's course has no such lesson.")
    thread = services.start_thread(
        viewer.cohort, viewer.user, title=body.title, body=body.body, lesson=lesson
    )
    opening = queries.opening_post(thread)
    assert opening is not None
    row = ThreadRow(thread, opening, 0)
    keys = {lesson.id: lesson.key} if lesson is not None else {}
    return thread_out(row, keys).model_dump(mode="json"), 201


@api_bp.get("/threads/<int:thread_id>/posts")
@operation(
    "Posts of a thread the token user may see, opening post first",
    tag=TAG,
    response=PostList,
    errors=(404,),
    query=(
        ("page", "integer", "Page number, from 1"),
        ("per_page", "integer", "Posts per page"),
    ),
)
def list_posts(thread_id: int) -> dict[str, Any]:
    viewer, thread = _thread(thread_id)
    page, per_page = _page_args()
    found = queries.post_page(viewer, thread, page=page, per_page=per_page)
    return _listing(found, [post_out(post).model_dump(mode="json") for post in found.items])


@api_bp.post("/threads/<int:thread_id>/posts")
@operation(
    "Reply to a thread (it waits for a moderator in a pre-moderated cohort)",
    tag=TAG,
    request=NewPost,
    response=PostOut,
    status=201,
    errors=(403, 404, 429),
)
@posting_limit
def create_post(thread_id: int) -> tuple[dict[str, Any], int]:
    viewer, thread = _thread(thread_id)
    body = parse_body(NewPost)
    post = services.reply(thread, viewer.user, body=body.body)
    return post_out(post).model_dump(mode="json"), 201


@api_bp.post("/posts/<int:post_id>/report")
@operation(
    "Report a post to the cohort's moderators, with a reason",
    tag=TAG,
    request=ReportIn,
    response=ReportOut,
    status=201,
    errors=(404, 409),
)
def report_post(post_id: int) -> tuple[dict[str, Any], int]:
    viewer, post = _post(post_id)
    body = parse_body(ReportIn)
    report = services.report_post(post, viewer.user, reason=body.reason)
    out = ReportOut(
        id=report.id, post_id=post.id, reason=report.reason, created_at=report.created_at
    )
    return out.model_dump(mode="json"), 201


@api_bp.post("/posts/<int:post_id>/moderate")
@operation(
    "Moderate a post (approve, hide, restore, delete, dismiss reports), its thread "
    "(lock, unlock, pin, unpin) or its author (mute); for the cohort's moderators",
    tag=TAG,
    request=ModerateIn,
    response=ModerateOut,
    errors=(403, 404),
)
def moderate_post(post_id: int) -> dict[str, Any]:
    viewer, post = _post(post_id)
    if not viewer.moderator:
        raise ApiProblem(403, str(can_moderate_discussions.description))
    body = parse_body(ModerateIn)
    action = ModerationAction(body.action)
    muted_until = None
    if action in moderation.POST_ACTIONS:
        moderation.moderate_post(post, action, by=viewer.user, reason=body.reason)
    elif action in moderation.THREAD_ACTIONS:
        moderation.moderate_thread(post.thread, action, by=viewer.user, reason=body.reason)
    else:
        if post.author is None or body.days is None:
            raise ApiProblem(422, "A mute needs the number of days, and a post with an author.")
        mute = moderation.mute(
            viewer.cohort, post.author, days=body.days, reason=body.reason, by=viewer.user
        )
        muted_until = mute.until
    return ModerateOut(
        action=action.value,
        post=post_out(post),
        thread_locked=post.thread.locked,
        thread_pinned=post.thread.pinned,
        muted_until=muted_until,
    ).model_dump(mode="json")
