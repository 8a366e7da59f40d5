"""Helpers of the security tests: undoing a request, spotting writes, comparing the database."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from academy.core.db import Base
from academy.extensions import db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@contextmanager
def undone() -> Iterator[None]:
    """Whatever the block commits is rolled back at its end (a savepoint around it)."""
    db.session.commit()  # no savepoint of the session's may be open below ours
    connection = db.session.get_bind()
    assert isinstance(connection, sa.Connection)
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expire_all()


@contextmanager
def written() -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements run inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def fingerprint() -> dict[str, str]:
    """A digest of every table's rows, to tell whether anything changed."""
    digests = {}
    for table in Base.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        text = repr(sorted(repr(tuple(row)) for row in rows))
        digests[table.name] = hashlib.sha256(text.encode()).hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def methods_of(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - IGNORED_METHODS)


def is_api(rule: Rule) -> bool:
    return rule.rule.startswith("/api/")


def app_rules(app: Flask) -> list[Rule]:
    """Every route of the app but the static files."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda rule: rule.endpoint,
    )


def redirects_to_login(response: TestResponse) -> bool:
    """Sent to the sign-in page to come back here (``?next=``): the page needs an account."""
    if response.status_code != 302:
        return False
    target = urlsplit(response.location)
    return target.path == "/account/login" and "next=" in target.query


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


#: URL schemes that run code when a link is followed or a resource loaded.
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "srcdoc"}
)


class _Markup(HTMLParser):
    """Collects what in an HTML document could run a script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "object", "embed", "base"}:
            self.problems.append(f"a <{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event handler: <{tag} {name}={value!r}>")
            squeezed = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(SCRIPT_SCHEMES):
                self.problems.append(f"a script URL: <{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def unsafe_markup(document: str) -> list[str]:
    """What in ``document`` (HTML) would run a script: elements, handlers, URLs.

    The document is parsed, so hostile text shown escaped (``&lt;a href="javascript:…``,
    ``&lt;img onerror=…``) is not mistaken for markup, while any real element or
    attribute is caught whatever its case, spacing or character references.
    """
    parser = _Markup()
    parser.feed(document)
    parser.close()
    problems = parser.problems
    if "<script" in document.lower():  # escaped text never holds a "<"
        problems.append("the text <script")
    return problems


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(text_csv: str) -> list[str]:
    """Cells of a CSV file that a spreadsheet program would run as a formula."""
    return [
        cell
        for row in csv.reader(io.StringIO(text_csv.lstrip("\ufeff")))
        for cell in row
        if cell.startswith(FORMULA_START)
    ]
