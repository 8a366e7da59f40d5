"""Fixtures of the package tests: signing keys, row counts and query counting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask, g, request_started

from academy.core.audit.models import AuditEvent
from academy.core.keys import ensure_key
from academy.extensions import db
from academy.plugins.courses.models import Asset, Course, CourseText, Item, Module, Question
from academy.plugins.packages.models import PackageImport, Publisher
from academy.plugins.packages.publishers import ensure_self_publisher
from academy.plugins.packages.signing import Signer, instance_signer
from tests.plugins.packages.builders import new_signer

COUNTED = (Course, Module, Item, Question, CourseText, Asset, Publisher, PackageImport, AuditEvent)


@pytest.fixture(autouse=True)
def _fresh_globals_per_request(app: Flask) -> Iterator[None]:
    """Each request gets a clean ``g``: the tests share one app context, and flask-login
    would otherwise keep a user it loaded earlier in the test (e.g. by a gettext call)."""

    def forget(_sender: Flask, **_extra: object) -> None:
        g.__dict__.clear()

    request_started.connect(forget, app)
    try:
        yield
    finally:
        request_started.disconnect(forget, app)


@pytest.fixture
def signer(app: Flask, app_ctx: Flask) -> Signer:
    """This instance as a publisher (its key created if needed), trusted as itself."""
    ensure_key(app.instance_path)
    own = instance_signer(app)
    ensure_self_publisher(own)
    db.session.commit()  # to the test's savepoint: a 4xx response's rollback keeps it
    return own


@pytest.fixture
def partner() -> Signer:
    """Another academy's publisher key."""
    return new_signer()


def row_counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        for model in COUNTED
    }


@pytest.fixture
def counts() -> Callable[[], dict[str, int]]:
    return row_counts


@contextmanager
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def listener(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
