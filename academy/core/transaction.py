"""One transaction per request: commit at the boundary, roll back on failure.

Views never commit.  After a successful response (status < 400) the session is
committed; on an error response or an exception it is rolled back.  Requests
that may write (any method but GET/HEAD/OPTIONS) start their SQLite
transaction with BEGIN IMMEDIATE (see ``academy.core.db``).
"""

from __future__ import annotations

from flask import Flask, Response, request

from academy.core.db import write_intent
from academy.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    @app.before_request
    def _mark_write_intent() -> None:
        write_intent.set(request.method not in SAFE_METHODS)

    @app.after_request
    def _commit(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _rollback(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()
        write_intent.set(True)
