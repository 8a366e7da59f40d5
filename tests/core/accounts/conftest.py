"""Fixtures for the account tests: the outbox, links in emails, query counting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask

from academy.core.accounts.models import User
from academy.core.mail.models import OutboxMessage
from academy.extensions import db

LINK = re.compile(r"https?://\S+")


def _messages(kind: str, recipient: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


@pytest.fixture
def outbox() -> Callable[..., list[OutboxMessage]]:
    """``outbox(kind, recipient=None)``: the queued messages of that kind."""
    return _messages


def _link_path(message: OutboxMessage) -> str:
    found = LINK.findall(message.body)
    assert len(found) == 1, message.body
    return urlsplit(found[0]).path


@pytest.fixture
def link_path() -> Callable[[OutboxMessage], str]:
    """The path of the one link in an email."""
    return _link_path


@contextmanager
def _count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def listener(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


@pytest.fixture
def count_queries() -> Callable[[], AbstractContextManager[list[str]]]:
    return _count_queries


@pytest.fixture
def reload() -> Callable[[User], User]:
    """The user as stored, after the request's changes."""

    def _reload(user: User) -> User:
        db.session.expire_all()
        fresh = db.session.get(User, user.id)
        assert fresh is not None
        return fresh

    return _reload


@pytest.fixture
def low_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """``low_limit("RATELIMIT_LOGIN")``: two requests a minute for that limit."""

    def _set(setting: str) -> None:
        monkeypatch.setitem(app.config, setting, "2 per minute")

    return _set
