"""The authorisation matrix: every route of the app × every role, with the expected outcome.

``MATRIX`` has one entry per endpoint of the URL map (HTML pages and the API).
A row gives the outcome for (anonymous, learner, reviewer, moderator, manager,
admin) with the URL arguments of :mod:`tests.security.urls`: the learner's own
enrolment, attempt, file, post and certificate; cohort A, which the moderator
moderates; the selection cohort, on whose committee the reviewer sits …  A dict
of rows adds variants with other objects: cohort B (moderated by someone else,
the learner not in it), an unlisted cohort, the peer's enrolment, a thread in
cohort B, an unpublished course.  Every method of a route is requested: a GET
page must open; a POST is sent too (API requests with a valid body), and a
refused one must change nothing in the database.  Each request is rolled back
afterwards, so the cells do not depend on each other.

A new route without an entry fails :func:`test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from academy.core.api.tokens import create_token
from academy.core.storage import storage
from academy.extensions import db
from tests.security.conftest import ROLES, UPLOADS, World, build_world
from tests.security.support import (
    STATE_CHANGING,
    app_rules,
    changed_tables,
    fingerprint,
    is_api,
    methods_of,
    redirects_to_login,
    undone,
    written,
)
from tests.security.urls import url_of

OK = "ok"  # the page opens (GET), the request is accepted or refused on its content (POST)
IN = "sign-in"  # the sign-in page (HTML) or 401 (API)
NO = "403"  # forbidden, saying which right is missing
GONE = "404"  # not yours: answered as if it did not exist

Row = tuple[str, str, str, str, str, str]  # anonymous, learner, reviewer, moderator, manager, admin

PUBLIC: Row = (OK, OK, OK, OK, OK, OK)
SIGNED_IN: Row = (IN, OK, OK, OK, OK, OK)
MANAGERS: Row = (IN, NO, NO, NO, OK, OK)
ADMINS: Row = (IN, NO, NO, NO, NO, OK)
#: The learner's own things: everyone else is told they do not exist.
LEARNERS_OWN: Row = (IN, OK, GONE, GONE, GONE, GONE)
#: Someone else's (the peer's): answered 404 to all of these roles.
NOBODYS: Row = (IN, GONE, GONE, GONE, GONE, GONE)
#: An unpublished course: it does not exist but for the managers.
HIDDEN_BUT_FROM_MANAGERS: Row = (GONE, GONE, GONE, GONE, OK, OK)
#: Cohort A's moderator and the academy's managers; cohort B has another moderator.
STAFF_OF_A: Row = (IN, NO, NO, OK, OK, OK)
STAFF_OF_B: Row = (IN, NO, NO, NO, OK, OK)
COMMITTEE: Row = (IN, NO, OK, NO, OK, OK)
#: A cohort's discussions: its learners and moderators; others do not learn they exist.
TALK_IN_A: Row = (IN, OK, GONE, OK, OK, OK)
TALK_IN_B: Row = (IN, GONE, GONE, GONE, OK, OK)
MODERATE_A: Row = (IN, NO, GONE, OK, OK, OK)

Entry = Row | dict[str, Row]

MATRIX: dict[str, Entry] = {
    # -- core: accounts, tokens, admin ----------------------------------------------------
    "main.home": PUBLIC,
    "main.health": PUBLIC,
    "i18n.switch_language": PUBLIC,
    "account.register": PUBLIC,
    "account.confirm": PUBLIC,
    "account.resend_confirmation": PUBLIC,
    "account.login": PUBLIC,
    "account.logout": PUBLIC,
    "account.forgot_password": PUBLIC,
    "account.reset_password": PUBLIC,
    "account.profile": SIGNED_IN,
    "account.change_password": SIGNED_IN,
    "account.export": SIGNED_IN,
    "account.delete": SIGNED_IN,
    "tokens.index": SIGNED_IN,
    "tokens.create": SIGNED_IN,
    "tokens.revoke": LEARNERS_OWN,
    "admin.index": MANAGERS,
    "admin.organisations": MANAGERS,
    "admin.organisation_new": MANAGERS,
    "admin.organisation_edit": MANAGERS,
    "admin.organisation_deactivate": MANAGERS,
    "admin.organisation_reactivate": MANAGERS,
    "admin.users": ADMINS,
    "admin.user": ADMINS,
    "admin.user_roles": ADMINS,
    "admin.user_deactivate": ADMINS,
    "admin.user_reactivate": ADMINS,
    "admin.audit_log": ADMINS,
    "core_api.openapi_document": PUBLIC,
    "core_api.me": SIGNED_IN,
    # -- courses --------------------------------------------------------------------------
    "courses.catalogue": PUBLIC,
    "courses.syllabus": {"": PUBLIC, "unpublished course": HIDDEN_BUT_FROM_MANAGERS},
    "courses.lesson": {"": PUBLIC, "unpublished course": HIDDEN_BUT_FROM_MANAGERS},
    "courses.item": {"": PUBLIC, "unpublished course": HIDDEN_BUT_FROM_MANAGERS},
    "courses.asset": PUBLIC,
    "courses.manage": MANAGERS,
    "courses.publish": MANAGERS,
    "courses.unpublish": MANAGERS,
    "courses.archive": MANAGERS,
    "courses.unarchive": MANAGERS,
    "courses.translations": MANAGERS,
    "courses.edit_translation": MANAGERS,
    "courses.edit_course_translation": MANAGERS,
    # -- packages -------------------------------------------------------------------------
    "packages.index": MANAGERS,
    "packages.upload": MANAGERS,
    "packages.review": MANAGERS,
    "packages.confirm": MANAGERS,
    "packages.cancel": MANAGERS,
    "packages.course": MANAGERS,
    "packages.export_cartridge": MANAGERS,
    "packages.publishers_page": MANAGERS,
    "packages.trust": MANAGERS,
    "packages.revoke": MANAGERS,
    "packages.own_key": MANAGERS,
    # -- cohorts --------------------------------------------------------------------------
    "cohorts.index": SIGNED_IN,
    "cohorts.cohort": {
        "": SIGNED_IN,
        "cohort B": SIGNED_IN,
        "unlisted cohort": (IN, NO, NO, NO, OK, OK),
    },
    "cohorts.join": {"": SIGNED_IN, "unlisted cohort": (IN, NO, NO, NO, OK, OK)},
    "cohorts.withdraw": LEARNERS_OWN,  # nobody else has an enrolment there to withdraw
    "cohorts.apply": SIGNED_IN,
    "cohorts.invitation": SIGNED_IN,
    "cohorts.redeem": SIGNED_IN,
    "cohorts.mine": (IN, NO, OK, OK, OK, OK),
    "cohorts.manage": MANAGERS,
    "cohorts.new": MANAGERS,
    "cohorts.edit": MANAGERS,
    "cohorts.expertise_fields": MANAGERS,
    "cohorts.archive_expertise": MANAGERS,
    "cohorts.unarchive_expertise": MANAGERS,
    "cohorts.enrolments": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "cohorts.enrolment": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "cohorts.approve": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "cohorts.decline": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "cohorts.remove": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "cohorts.import_csv": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "cohorts.invitations_page": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "cohorts.create_code": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "cohorts.email_invitations": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "cohorts.revoke_invitation": STAFF_OF_B,  # the invitation cohort has no moderator
    "cohorts.applications": COMMITTEE,
    "cohorts.application": COMMITTEE,
    "cohorts.save_review": COMMITTEE,
    "cohorts.decide": COMMITTEE,
    "cohorts.report": COMMITTEE,
    "cohorts.report_file": COMMITTEE,
    "cohorts_api.list_cohorts": SIGNED_IN,
    "cohorts_api.get_cohort": {"": SIGNED_IN, "unlisted cohort": (IN, NO, NO, NO, OK, OK)},
    "cohorts_api.enrol": SIGNED_IN,
    "cohorts_api.my_enrolments": SIGNED_IN,
    "cohorts_api.withdraw": {
        "": (IN, OK, NO, NO, NO, NO),
        "peer's enrolment": (IN, NO, NO, NO, NO, NO),
    },
    "cohorts_api.cohort_enrolments": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    # -- learning -------------------------------------------------------------------------
    "learning.mine": SIGNED_IN,
    "learning.overview": {"": LEARNERS_OWN, "peer's enrolment": NOBODYS},
    "learning.item": {"": LEARNERS_OWN, "peer's enrolment": NOBODYS},
    "learning.complete": {"": LEARNERS_OWN, "peer's enrolment": NOBODYS},
    "learning.attempt": LEARNERS_OWN,
    "learning.result": LEARNERS_OWN,
    "learning.submit": LEARNERS_OWN,
    "learning.submission_file": (IN, OK, GONE, OK, OK, OK),
    "learning.dashboard": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "learning.export_csv": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "learning.export_xapi": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "learning.review": STAFF_OF_A,
    "learning.review_post": STAFF_OF_A,
    "learning.sign_off": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "learning_api.my_progress": {"": LEARNERS_OWN, "peer's enrolment": NOBODYS},
    "learning_api.complete_lesson": (IN, OK, NO, NO, NO, NO),
    "learning_api.attempt": (IN, OK, NO, NO, NO, NO),
    "learning_api.cohort_progress": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    "learning_api.cohort_xapi": {"": STAFF_OF_A, "cohort B": STAFF_OF_B},
    # -- discussions ----------------------------------------------------------------------
    "discussions.index": SIGNED_IN,
    "discussions.board": {"": TALK_IN_A, "cohort B": TALK_IN_B},
    "discussions.lesson_board": {"": TALK_IN_A, "cohort B": TALK_IN_B},
    "discussions.search": {"": TALK_IN_A, "cohort B": TALK_IN_B},
    "discussions.announcements": {"": TALK_IN_A, "cohort B": TALK_IN_B},
    "discussions.create_thread": {"": TALK_IN_A, "cohort B": TALK_IN_B},
    "discussions.thread": {"": TALK_IN_A, "thread in cohort B": TALK_IN_B},
    "discussions.reply": {"": TALK_IN_A, "thread in cohort B": TALK_IN_B},
    "discussions.report_post": TALK_IN_A,
    "discussions.edit_post": (IN, OK, GONE, NO, NO, NO),  # only its author
    "discussions.announce": {"": MODERATE_A, "cohort B": TALK_IN_B},
    "discussions.queue": {"": MODERATE_A, "cohort B": TALK_IN_B},
    "discussions.settings": {"": MODERATE_A, "cohort B": TALK_IN_B},
    "discussions.log": {"": MODERATE_A, "cohort B": TALK_IN_B},
    "discussions.lift_mute": MODERATE_A,
    "discussions.moderate_post": MODERATE_A,
    "discussions.moderate_thread": MODERATE_A,
    "discussions.mute_author": MODERATE_A,
    "discussions.notifications": SIGNED_IN,
    "discussions.open_notification": LEARNERS_OWN,
    "discussions.read_all": SIGNED_IN,
    "discussions.preferences": SIGNED_IN,
    "discussions_api.list_threads": {"": TALK_IN_A, "cohort B": TALK_IN_B},
    "discussions_api.create_thread": {"": TALK_IN_A, "cohort B": TALK_IN_B},
    "discussions_api.list_posts": {"": TALK_IN_A, "thread in cohort B": TALK_IN_B},
    "discussions_api.create_post": {"": TALK_IN_A, "thread in cohort B": TALK_IN_B},
    "discussions_api.report_post": TALK_IN_A,
    "discussions_api.moderate_post": MODERATE_A,
    # -- certificates ---------------------------------------------------------------------
    "certificates.mine": SIGNED_IN,
    "certificates.pdf": (IN, OK, NO, NO, OK, OK),  # its holder and the managers
    "certificates.credential_json": PUBLIC,
    "certificates.credential_jwt": PUBLIC,
    "certificates.status_list": PUBLIC,
    "certificates.issuer": PUBLIC,
    "certificates.jwks": PUBLIC,
    "certificates.verify_form": PUBLIC,
    "certificates.verify": PUBLIC,
    "certificates.verify_json": PUBLIC,
    "certificates.manage": MANAGERS,
    "certificates.detail": MANAGERS,
    "certificates.revoke": MANAGERS,
    "certificates.issue": MANAGERS,
    "certificates_api.verify": PUBLIC,
    "certificates_api.my_list": SIGNED_IN,
    "certificates_api.list_all": MANAGERS,
    "certificates_api.revoke": MANAGERS,
    "certificates_api.issue": MANAGERS,
}

#: API requests get a valid body, so that the right (not the body) decides.
API_BODIES: dict[str, dict[str, Any]] = {
    "certificates_api.issue": {"reason": "Finished elsewhere."},
    "certificates_api.revoke": {"reason": "Issued by mistake."},
    "learning_api.attempt": {"answers": {"q-one": ["b"], "q-two": ["true"]}},
    "discussions_api.create_thread": {"title": "A question", "body": "What do you think?"},
    "discussions_api.create_post": {"body": "I agree."},
    "discussions_api.report_post": {"reason": "Off topic."},
    "discussions_api.moderate_post": {"action": "pin"},
}


@dataclass(frozen=True)
class Cell:
    endpoint: str
    variant: str
    method: str
    url: str
    expected: str
    api: bool


def rows(entry: Entry) -> dict[str, Row]:
    return {"": entry} if isinstance(entry, tuple) else entry


def cells_for(app: Flask, world: World, role: str) -> list[Cell]:
    column = ROLES.index(role)
    cells = []
    for rule in app_rules(app):
        for variant, row in rows(MATRIX[rule.endpoint]).items():
            url = url_of(rule, world, variant)
            for method in methods_of(rule):
                cells.append(Cell(rule.endpoint, variant, method, url, row[column], is_api(rule)))
    return cells


def outcome(cell: Cell, response: TestResponse) -> str:
    """What the response means, in the matrix's words."""
    status = response.status_code
    if (cell.api and status == 401) or (not cell.api and redirects_to_login(response)):
        return IN
    if status in (403, 404):
        return str(status)
    if status >= 500 or status == 401:
        return f"error {status}"
    if cell.method == "GET" and status >= 400:
        return f"refused with {status}"
    return OK  # a POST may still refuse what was sent (400, 409, 422): that is not a right


def request(client: Any, cell: Cell, secret: str | None) -> TestResponse:
    if cell.api:
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        body = API_BODIES.get(cell.endpoint, {}) if cell.method in STATE_CHANGING else None
        return client.open(cell.url, method=cell.method, headers=headers, json=body)
    return client.open(cell.url, method=cell.method)


def _sign_in(client: Any, login_id: str | None) -> None:
    if login_id is None:
        return
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = login_id, True


def _ready_upload(world: World) -> None:
    """Put back the package waiting for review (cancelling it deletes the file)."""
    files = storage()
    if not files.exists(f"{UPLOADS}{world.upload}.zip"):
        files.put(f"{UPLOADS}{world.upload}.zip", b"not really a package")


def check_cell(
    client: Any, cell: Cell, login_id: str | None, secret: str | None, before: dict[str, str]
) -> str | None:
    """The cell's problem, or None when the outcome is the expected one."""
    _sign_in(client, login_id)
    with undone(), written() as writes:
        with request(client, cell, secret) as response:
            found = outcome(cell, response)
        changed = changed_tables(before, fingerprint()) if writes and found != OK else []
    variant = f" {cell.variant}" if cell.variant else ""
    where = f"{cell.method} {cell.url} ({cell.endpoint}{variant})"
    if found != cell.expected:
        return f"{where}: expected {cell.expected}, got {found} ({response.status_code})"
    if changed:
        return f"{where}: refused with {found} but changed {', '.join(changed)}"
    return None


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app_rules(app)}
    missing = sorted(endpoints - MATRIX.keys())
    assert not missing, (
        f"New routes without an authorisation entry: {', '.join(missing)}. Add each to MATRIX "
        "in tests/security/test_authorisation.py with who may use it: a row of outcomes for "
        f"({', '.join(ROLES)}), e.g. SIGNED_IN or MANAGERS."
    )
    stale = sorted(MATRIX.keys() - endpoints)
    assert not stale, f"MATRIX names routes that no longer exist: {', '.join(stale)}"


@pytest.mark.parametrize("role", ROLES)
def test_each_route_lets_in_exactly_who_it_should(app: Flask, role: str) -> None:
    with app.test_request_context():
        world = build_world()
        person = world.person(role)
        secret = create_token(person, name="matrix")[1] if person else None
        db.session.commit()
        login_id = person.login_id if person else None
        cells = cells_for(app, world, role)
        before = fingerprint()
    client = app.test_client()
    problems = []
    with app.test_request_context():
        for cell in cells:
            if cell.endpoint.startswith("packages."):
                _ready_upload(world)
            problem = check_cell(client, cell, login_id, secret, before)
            if problem:
                problems.append(problem)
    assert not problems, f"{len(problems)} cells of the {role} column are wrong:\n" + "\n".join(
        problems
    )
    assert len(cells) > 150
