"""Helpers shared by the discussions tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from werkzeug.test import TestResponse

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


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
