"""Helpers shared by the courses tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from werkzeug.test import TestResponse

from academy.core.audit.models import AuditEvent
from academy.extensions import db

SAVEPOINT_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block (not the tests' savepoints)."""
    statements: list[str] = []

    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith(SAVEPOINT_STATEMENTS):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", _record)


def redirects_to_login(response: TestResponse) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == "/account/login"


def events(action: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
