"""Running requests truly at the same time against a database whose sessions commit.

``own_app`` is an app with real commits: its own SQLite file, or the PostgreSQL
test database when TEST_DATABASE_URL is set (the rows a test commits there are
deleted afterwards, since the shared per-test rollback cannot undo other sessions).
Record what you create in ``app.extensions["concurrency_test_rows"]``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from academy import create_app
from academy.core.accounts.models import User
from academy.core.audit.models import AuditEvent
from academy.core.mail.models import OutboxMessage
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort
from academy.plugins.courses.models import Course
from tests.conftest import test_settings as settings_for


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def own_app(
    app: Flask, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    """An app whose sessions really commit: its own SQLite file, or the PostgreSQL test
    database (already at head) with everything the test made deleted at the end."""
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    sqlite = database_url.startswith("sqlite")
    url = f"sqlite:///{tmp_path / 'concurrent.sqlite'}" if sqlite else database_url
    application = create_app(settings_for(tmp_path / "instance", url))
    if sqlite:
        with application.app_context():
            upgrade(directory=application.extensions["migrate"].directory, revision="heads")
            db.session.remove()
    made: dict[str, list[int]] = {"courses": [], "users": []}
    application.extensions["concurrency_test_rows"] = made
    yield application
    with application.app_context():
        delete_rows(made)  # needed on PostgreSQL; on SQLite it proves the clean-up works
        if sqlite:
            assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
        db.session.remove()
        db.engine.dispose()


def delete_rows(made: dict[str, list[int]]) -> None:
    emails = db.session.scalars(sa.select(User.email).where(User.id.in_(made["users"])))
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.recipient.in_(list(emails))))
    cohorts = db.session.scalars(sa.select(Cohort.id).where(Cohort.course_id.in_(made["courses"])))
    about_them = sa.and_(
        AuditEvent.target_type == "cohort", AuditEvent.target_id.in_([str(i) for i in cohorts])
    )
    db.session.execute(sa.delete(AuditEvent).where(about_them))
    db.session.execute(sa.delete(Cohort).where(Cohort.course_id.in_(made["courses"])))
    db.session.execute(sa.delete(Course).where(Course.id.in_(made["courses"])))
    db.session.execute(sa.delete(User).where(User.id.in_(made["users"])))
    db.session.commit()


def all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def post(application: Flask, path: str, secret: str) -> Callable[[], tuple[int, Any]]:
    def call() -> tuple[int, Any]:
        response = application.test_client().post(path, headers=bearer(secret), json={})
        return response.status_code, response.get_json()

    return call
