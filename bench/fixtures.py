"""Printed as JSON for the load benchmark: session cookies of the demo learner and
moderator, and ids of the demo data.  Run in the benchmark's instance:
``python -m bench.fixtures`` (ACADEMY_INSTANCE_PATH, DATABASE_URL, SECRET_KEY set)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Flask

from academy import create_app
from academy.core.accounts.models import User
from academy.extensions import db
from academy.plugins.certificates.models import Certificate
from academy.plugins.cohorts.models import Enrolment
from academy.plugins.courses.models import Item, ItemType


def _user(email: str) -> User:
    found = db.session.scalar(sa.select(User).where(User.email == email))
    assert found is not None, email
    return found


def _cookie(app: Flask, user: User) -> str:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.login_id, True
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def fixtures(app: Flask) -> dict[str, Any]:
    learner = _user("learner@demo.example.org")
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.user_id == learner.id, Enrolment.cohort_id == 1)
    )
    assert enrolment is not None
    lesson = db.session.scalar(
        sa.select(Item)
        .where(Item.course_id == enrolment.cohort.course_id, Item.type == ItemType.LESSON)
        .order_by(Item.id)
    )
    assert lesson is not None
    return {
        "cookie": app.config["SESSION_COOKIE_NAME"],
        "enrolment": enrolment.id,
        "lesson_key": lesson.key,
        "lesson_id": lesson.id,
        "code": db.session.scalar(sa.select(Certificate.code)),
        "learner": _cookie(app, learner),
        "moderator": _cookie(app, _user("moderator@demo.example.org")),
    }


if __name__ == "__main__":
    application = create_app()
    with application.app_context():
        print(json.dumps(fixtures(application)))
