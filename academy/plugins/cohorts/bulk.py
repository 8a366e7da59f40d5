"""Bulk enrolment from a CSV file: email, name, organisation, language.

Each row creates the account (a learner, who chooses a password through the
emailed link) or matches the existing one by email, then enrols the person
(a place, or the waiting list when the cohort is full) and emails them.
Each row runs in its own savepoint: a bad row is reported and rolled back,
the good ones are done.  A person already in the cohort is left as they are,
so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import enum
import io
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.core.accounts import services as accounts
from academy.core.accounts.models import Organisation, User
from academy.core.audit import services as audit
from academy.core.errors import DomainError
from academy.core.faults import crash_point
from academy.core.urls import public_url
from academy.extensions import db
from academy.plugins.cohorts import mail
from academy.plugins.cohorts.models import CURRENT, Cohort, Enrolment, EnrolmentStatus
from academy.plugins.cohorts.services import ADDED, admit, enrolment_of

COLUMNS = ("email", "name", "organisation", "language")
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000


class Outcome(enum.StrEnum):
    ENROLLED = "enrolled"
    WAITING = "waiting"
    UNCHANGED = "unchanged"
    ERROR = "error"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    Outcome.ENROLLED: _l("Enrolled"),
    Outcome.WAITING: _l("On the waiting list"),
    Outcome.UNCHANGED: _l("Already in the cohort: nothing changed"),
    Outcome.ERROR: _l("Not imported"),
}


@dataclass(frozen=True)
class CsvRow:
    line: int
    email: str
    name: str
    organisation: str
    language: str


@dataclass(frozen=True)
class RowResult:
    line: int
    email: str
    outcome: Outcome
    account_created: bool = False
    message: str = ""


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is larger than 1 MB."), field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("Please save the file as CSV in UTF-8."), field="file") from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def parse_csv(data: bytes) -> list[CsvRow]:
    """The file's rows; DomainError when it cannot be read or lacks an ``email`` column."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if "email" not in header:
        raise DomainError(
            _("The first line must name the columns: email, name, organisation, language."),
            field="file",
        )
    position = {column: header.index(column) for column in COLUMNS if column in header}
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        values = {c: cells[i].strip() if i < len(cells) else "" for c, i in position.items()}
        rows.append(CsvRow(line=reader.line_num, **{c: values.get(c, "") for c in COLUMNS}))
        if len(rows) > MAX_ROWS:
            raise DomainError(
                _("Please import at most %(max)d people at a time.", max=MAX_ROWS), field="file"
            )
    return rows


def _organisation(name: str) -> Organisation | None:
    if not name:
        return None
    query = sa.select(Organisation).where(
        sa.func.lower(Organisation.name) == name.lower(), Organisation.active.is_(True)
    )
    found = list(db.session.scalars(query.limit(2)))
    if len(found) != 1:
        raise DomainError(
            _(
                "The organisation “%(name)s” is not on the academy's list (or is there twice): "
                "add it on the organisations page, or leave the column empty.",
                name=name,
            )
        )
    return found[0]


def _language(code: str) -> str | None:
    code = code.lower()
    if code and code not in current_app.config["LANGUAGES"]:
        raise DomainError(_("The language “%(code)s” is not offered.", code=code))
    return code or None


def _account(row: CsvRow, by: User) -> tuple[User, bool]:
    """The account with the row's email, else a new one; (user, created)."""
    user = accounts.user_by_email(row.email)
    if user is not None:
        if not user.is_active:
            raise DomainError(_("This account is deactivated."))
        return user, False
    if not row.name:
        raise DomainError(_("A name is needed to create the account."))
    user = accounts.create_user(
        row.email,
        row.name,
        secrets.token_urlsafe(32),
        organisation=_organisation(row.organisation),
        locale=_language(row.language),
        by=by,
    )
    return user, True


def _enrol_row(cohort: Cohort, row: CsvRow, by: User) -> RowResult:
    email = accounts.normalise_email(row.email)
    user, created = _account(row, by)
    existing = enrolment_of(user, cohort)
    if existing is None or existing.status == EnrolmentStatus.APPLIED:
        return _admitted(cohort, user, created, row, by)
    message = (
        ""
        if existing.status in CURRENT
        else _("Left the cohort or was declined before: not enrolled again.")
    )
    return RowResult(row.line, email, Outcome.UNCHANGED, message=message)


def _admitted(cohort: Cohort, user: User, created: bool, row: CsvRow, by: User) -> RowResult:
    enrolment = admit(user, cohort, by=by, reason=ADDED)
    _tell(user, enrolment, created)
    waiting = enrolment.status == EnrolmentStatus.WAITING
    outcome = Outcome.WAITING if waiting else Outcome.ENROLLED
    return RowResult(row.line, user.email, outcome, account_created=created)


def _tell(user: User, enrolment: Enrolment, created: bool) -> None:
    cohort = enrolment.cohort
    mail.send(
        user,
        "enrolled",
        _l("You are enrolled in %(cohort)s", cohort=cohort.name),
        cohort=cohort,
        waiting=enrolment.status == EnrolmentStatus.WAITING,
        new_account=created,
        password_link=public_url("account.forgot_password"),
    )


def bulk_enrol(cohort: Cohort, rows: list[CsvRow], *, by: User) -> list[RowResult]:
    """Enrol every row's person; one result per row, errors included."""
    results = []
    for row in rows:
        try:
            with db.session.begin_nested():
                results.append(_enrol_row(cohort, row, by))
            crash_point("cohorts.bulk_row")  # some rows done: a crash must leave none
        except DomainError as error:
            results.append(RowResult(row.line, row.email, Outcome.ERROR, message=error.message))
    changed = [r for r in results if r.outcome in (Outcome.ENROLLED, Outcome.WAITING)]
    if changed:
        audit.record(by, "cohort.bulk_enrolled", cohort, rows=len(rows), enrolled=len(changed))
    return results
