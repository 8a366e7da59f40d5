"""Fixtures of the cohorts tests: a course, people in every role, the expertise list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g, request_started

from academy.core.accounts.models import Role, User
from academy.extensions import db
from academy.plugins.cohorts.expertise import ensure_default_fields
from academy.plugins.courses.models import Course
from tests.factories import make_user
from tests.plugins.courses.factories import make_course


def _forget_request_state(_sender: Flask, **_extra: Any) -> None:
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)


@pytest.fixture(autouse=True)
def _fresh_request_state(app: Flask) -> Iterator[None]:
    """Each request finds its own user and language, as in production."""
    request_started.connect(_forget_request_state, app)
    yield
    request_started.disconnect(_forget_request_state, app)


@pytest.fixture
def course(app: Flask) -> Course:
    found = make_course("peer-exchanges")
    ensure_default_fields()
    db.session.commit()  # kept past requests that fail and roll back
    return found


@pytest.fixture
def manager(app: Flask) -> User:
    user = make_user(name="Manon Manager", roles=[Role.MANAGER])
    db.session.commit()
    return user


@pytest.fixture
def moderator(app: Flask) -> User:
    user = make_user(name="Mónica Moderator", roles=[Role.MODERATOR])
    db.session.commit()
    return user


@pytest.fixture
def learner(app: Flask) -> User:
    user = make_user(name="Lena Learner", roles=[Role.LEARNER])
    db.session.commit()
    return user
