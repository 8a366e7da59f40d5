"""``academy cohorts create`` and ``academy cohorts list``."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from academy.core.accounts.models import User
from academy.extensions import db
from academy.plugins.cohorts.models import Cohort, CohortStatus, EnrolmentMode
from academy.plugins.courses.models import Course

CREATE = [
    "cohorts",
    "create",
    "peer-exchanges",
    "--name",
    "Spring 2027",
    "--capacity",
    "10",
    "--mode",
    "approval",
    "--starts",
    "2027-03-01",
    "--ends",
    "2027-05-31",
]


def cohort_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Cohort)) or 0


def test_create_prints_the_new_id_as_json(
    app: Flask, runner: FlaskCliRunner, course: Course, moderator: User
) -> None:
    result = runner.invoke(args=[*CREATE, "--moderator", moderator.email, "--format", "json"])
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    cohort = db.session.get(Cohort, created["id"])
    assert created == {"id": cohort.id}
    assert cohort.name == "Spring 2027" and cohort.capacity == 10
    assert cohort.mode == EnrolmentMode.APPROVAL and cohort.status == CohortStatus.OPEN
    assert str(cohort.starts_on) == "2027-03-01" and str(cohort.ends_on) == "2027-05-31"
    assert cohort.language == "en" and cohort.moderators == [moderator]


def test_create_as_text(app: Flask, runner: FlaskCliRunner, course: Course) -> None:
    result = runner.invoke(args=[*CREATE, "--status", "draft"])
    assert result.exit_code == 0, result.output
    assert "Spring 2027" in result.output and "draft" in result.output


def test_bad_input_changes_nothing(app: Flask, runner: FlaskCliRunner, course: Course) -> None:
    cases = [
        (["cohorts", "create", "no-such-course", "--name", "X"], "no-such-course"),
        ([*CREATE[:4], "", *CREATE[5:]], "name"),
        ([*CREATE, "--ends", "2027-01-01"], "end before it starts"),
        ([*CREATE, "--moderator", "nobody@example.org"], "nobody@example.org"),
        ([*CREATE[:6], "0"], "0"),
        ([*CREATE[:8], "lottery"], "lottery"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert cohort_count() == 0


def test_list_as_json(app: Flask, runner: FlaskCliRunner, course: Course) -> None:
    assert runner.invoke(args=CREATE).exit_code == 0
    result = runner.invoke(args=["cohorts", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.output)
    assert record["name"] == "Spring 2027" and record["course"] == "peer-exchanges"
    assert record["places_taken"] == 0 and record["capacity"] == 10
    text = runner.invoke(args=["cohorts", "list"])
    assert "peer-exchanges  approval  open  0/10  Spring 2027" in text.output
