"""Hostile query strings and ids: no page crashes, nothing typed into a URL is reflected live.

Every GET route (HTML and API) an administrator may open (all but the learner's
own pages, which read no query string) is opened with a query string of hostile
values (numbers larger than any database integer, script payloads for search
boxes and filters, a ``javascript:`` next page): no answer may be a server
error, and no HTML page may carry a script the URL put there.  Every route with
a number in its path is opened with a number no row can have: 404, not an
overflow in the database driver.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from academy.core.api.tokens import create_token
from academy.extensions import db
from tests.conftest import login
from tests.security.conftest import ROLES, World, build_world
from tests.security.support import app_rules, is_api, methods_of, text, unsafe_markup
from tests.security.test_authorisation import MATRIX, OK, rows
from tests.security.urls import url_of

INT_ARGUMENT = re.compile(r"<int(?:\([^)]*\))?:(\w+)>")
HUGE = "9" * 30
SCRIPT = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
HOSTILE_QUERY: dict[str, Any] = {
    "page": HUGE,
    "per_page": HUGE,
    "enrolment_id": HUGE,
    "q": SCRIPT,
    "status": SCRIPT,
    "language": SCRIPT,
    "lesson": SCRIPT,
    "board": SCRIPT,
    "code": SCRIPT,
    "next": "javascript:alert(3)",
}


def open_pages(app: Flask, world: World, role: str) -> list[str]:
    column = ROLES.index(role)
    person = world.person(role)
    assert person is not None
    secret = create_token(person, name="hostile")[1]
    db.session.commit()
    client = login(app.test_client(), person)
    problems = []
    with app.test_request_context():
        pages = [
            (rule, url_of(rule, world))
            for rule in app_rules(app)
            if "GET" in methods_of(rule) and rows(MATRIX[rule.endpoint])[""][column] == OK
        ]
    for rule, path in pages:
        headers = {"Authorization": f"Bearer {secret}"} if is_api(rule) else {}
        with client.get(path, query_string=HOSTILE_QUERY, headers=headers) as response:
            where = f"{role} GET {path} ({rule.endpoint})"
            if response.status_code >= 500:
                problems.append(f"{where}: {response.status_code}")
            elif response.mimetype == "text/html":
                problems += [f"{where}: {p}" for p in unsafe_markup(text(response))]
    assert len(pages) > 50
    return problems


def test_hostile_query_strings_neither_crash_nor_reflect(app: Flask) -> None:
    with app.test_request_context():
        world = build_world()
    problems = open_pages(app, world, "admin")
    assert not problems, "\n".join(problems)


def test_numbers_no_row_can_have_are_not_found(app: Flask) -> None:
    with app.test_request_context():
        world = build_world()
        secret = create_token(world.admin, name="hostile")[1]
        db.session.commit()
        paths = []
        for rule in app_rules(app):
            numbers = INT_ARGUMENT.findall(rule.rule)
            if numbers:
                path = url_of(rule, world, **dict.fromkeys(numbers, 2**63))
                paths += [(rule.endpoint, method, path) for method in methods_of(rule)]
    client = login(app.test_client(), world.admin)
    headers = {"Authorization": f"Bearer {secret}"}
    problems = []
    for endpoint, method, path in paths:
        with client.open(path, method=method, headers=headers) as response:
            if response.status_code != 404:
                problems.append(f"{method} {path} ({endpoint}): {response.status_code}")
    assert not problems, "\n".join(problems)
    assert len(paths) > 60
