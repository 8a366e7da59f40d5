"""Bulk enrolment from CSV: accounts created or matched, emails, a report per row, a bad
row that does not stop the good ones, and a second run that changes nothing."""

from __future__ import annotations

import pytest
from flask import Flask

from academy.core.accounts.models import User
from academy.core.accounts.services import user_by_email
from academy.core.audit.models import AuditEvent
from academy.core.errors import DomainError
from academy.core.mail.models import OutboxMessage
from academy.plugins.cohorts import bulk
from academy.plugins.cohorts.bulk import Outcome
from academy.plugins.cohorts.models import Cohort, Enrolment, EnrolmentEvent, EnrolmentStatus
from academy.plugins.courses.models import Course
from tests.factories import make_organisation, make_user
from tests.plugins.cohorts.support import count, make_cohort, outbox, statuses

CSV = (
    b"email;name;organisation;language\n"
    b"existing@example.org;Ignored Name;;\n"
    b"new.person@example.org;Nova Person;Lisboa;pt\n"
    b"not-an-email;Someone;;\n"
    b"unknown-org@example.org;Ulla;Atlantis;\n"
    b"\n"
    b"no-name@example.org;;;\n"
    b"late@example.org;Late Comer;;fr\n"
)


@pytest.fixture
def cohort(app_ctx: Flask, course: Course, moderator: User) -> Cohort:
    make_organisation("Lisboa")
    make_user("existing@example.org", name="Eva Existing")
    return make_cohort(course, capacity=2, moderators=[moderator])


def counts() -> dict[str, int]:
    models = (User, Enrolment, EnrolmentEvent, OutboxMessage, AuditEvent)
    return {model.__name__: count(model) for model in models}


def test_rows_are_parsed_with_their_line_numbers() -> None:
    rows = bulk.parse_csv(CSV)
    assert [(r.line, r.email) for r in rows] == [
        (2, "existing@example.org"),
        (3, "new.person@example.org"),
        (4, "not-an-email"),
        (5, "unknown-org@example.org"),
        (7, "no-name@example.org"),
        (8, "late@example.org"),
    ]
    assert rows[1].organisation == "Lisboa" and rows[1].language == "pt"


@pytest.mark.parametrize(
    "data",
    [b"name,organisation\nAna,Lisboa\n", b"\xff\xfe\x00bad", b""],
)
def test_unreadable_files_are_refused(data: bytes) -> None:
    with pytest.raises(DomainError):
        bulk.parse_csv(data)


def test_good_rows_are_enrolled_and_bad_rows_reported(cohort: Cohort, moderator: User) -> None:
    results = bulk.bulk_enrol(cohort, bulk.parse_csv(CSV), by=moderator)
    by_line = {r.line: r for r in results}
    assert by_line[2].outcome == Outcome.ENROLLED and not by_line[2].account_created
    assert by_line[3].outcome == Outcome.ENROLLED and by_line[3].account_created
    assert by_line[4].outcome == Outcome.ERROR and "valid email" in by_line[4].message
    assert by_line[5].outcome == Outcome.ERROR and "Atlantis" in by_line[5].message
    assert by_line[7].outcome == Outcome.ERROR and "name" in by_line[7].message
    assert by_line[8].outcome == Outcome.WAITING and by_line[8].account_created
    assert statuses(cohort) == {EnrolmentStatus.ACTIVE: 2, EnrolmentStatus.WAITING: 1}
    nova = user_by_email("new.person@example.org")
    assert nova is not None and nova.name == "Nova Person" and nova.locale == "pt"
    assert nova.organisation is not None and nova.organisation.name == "Lisboa"
    existing = user_by_email("existing@example.org")
    assert existing is not None and existing.name == "Eva Existing"  # matched, not changed
    assert user_by_email("unknown-org@example.org") is None  # the bad row left nothing
    assert user_by_email("no-name@example.org") is None
    mails = {m.recipient: m for m in outbox("cohorts-enrolled")}
    assert set(mails) == {"existing@example.org", "new.person@example.org", "late@example.org"}
    assert "/account/password-reset" in mails["new.person@example.org"].body
    assert "/account/password-reset" not in mails["existing@example.org"].body
    assert "liste d'attente" in mails["late@example.org"].body  # in French, as the row asked


def test_importing_the_same_file_twice_changes_nothing(cohort: Cohort, moderator: User) -> None:
    bulk.bulk_enrol(cohort, bulk.parse_csv(CSV), by=moderator)
    before = counts()
    second = bulk.bulk_enrol(cohort, bulk.parse_csv(CSV), by=moderator)
    assert counts() == before
    outcomes = {r.line: r.outcome for r in second}
    assert outcomes == {
        2: Outcome.UNCHANGED,
        3: Outcome.UNCHANGED,
        4: Outcome.ERROR,
        5: Outcome.ERROR,
        7: Outcome.ERROR,
        8: Outcome.UNCHANGED,
    }
