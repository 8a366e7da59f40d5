"""The audit log page: newest first, filters, escaping, bounded queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from academy.core.accounts.models import Role, User
from academy.core.audit import services as audit
from academy.core.audit.models import AuditEvent
from academy.core.permissions import can_view_audit_log
from academy.extensions import db
from tests.conftest import login
from tests.core.admin.admin_support import count_queries, page_text
from tests.factories import make_organisation, make_user


@pytest.fixture
def admin(client: FlaskClient) -> User:
    user = make_user("root@example.org", name="Ada Admin", roles=[Role.ADMIN])
    login(client, user)
    db.session.commit()  # keep it past requests that fail and roll back
    return user


def _event(actor: User | None, action: str, target: object, at: datetime, **details: Any) -> None:
    event: AuditEvent = audit.record(actor, action, target, **details)
    event.at = at
    db.session.flush()


def _actions(response_text: str) -> list[str]:
    return re.findall(r"<td><code>([^<]*)</code></td>", response_text)


@pytest.fixture
def history(admin: User) -> User:
    """Four events over three days; returns the second actor."""
    other = make_user("mia@porto.pt", name="Mia Manager", roles=[Role.MANAGER])
    target = make_user("eva@example.org", name="Eva")
    organisation = make_organisation("Porto")
    _event(admin, "user.roles_changed", target, datetime(2025, 3, 1, 9, tzinfo=UTC), old=[])
    _event(admin, "user.deactivated", target, datetime(2025, 3, 2, 23, 59, tzinfo=UTC))
    _event(other, "organisation.created", organisation, datetime(2025, 3, 3, 0, tzinfo=UTC))
    _event(None, "user.reactivated", target, datetime(2025, 3, 3, 12, tzinfo=UTC))
    db.session.commit()
    return other


def test_events_are_listed_newest_first(client: FlaskClient, history: User) -> None:
    response = client.get("/admin/audit")
    assert response.status_code == 200
    text = page_text(response)
    assert _actions(text) == [
        "user.reactivated",
        "organisation.created",
        "user.deactivated",
        "user.roles_changed",
    ]
    assert "Mia Manager" in text and "mia@porto.pt" in text
    assert "the system" in text
    assert "Mar 3, 2025, 12:00:00" in text  # the locale's date-time format


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=PORTO.pt", ["organisation.created"]),
        ("actor=root@", ["user.deactivated", "user.roles_changed"]),
        ("action=user.deactivated", ["user.deactivated"]),
        ("target_type=organisation", ["organisation.created"]),
        ("date_from=2025-03-02&date_to=2025-03-02", ["user.deactivated"]),
        ("date_from=2025-03-03", ["user.reactivated", "organisation.created"]),
        ("date_to=2025-03-01", ["user.roles_changed"]),
        ("actor=root&action=user.roles_changed&date_to=2025-03-03", ["user.roles_changed"]),
    ],
)
def test_filters(client: FlaskClient, history: User, query: str, expected: list[str]) -> None:
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert _actions(page_text(response)) == expected


def test_action_and_type_selects_offer_what_is_present(client: FlaskClient, history: User) -> None:
    text = page_text(client.get("/admin/audit"))
    action_select = text[text.index('<select id="action"') : text.index('<select id="target_type"')]
    offered = re.findall(r'value="([^"]*)"', action_select)
    assert offered == [
        "",
        "organisation.created",
        "user.deactivated",
        "user.reactivated",
        "user.roles_changed",
    ]
    assert 'value="organisation"' in text and 'value="user"' in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2025-13-45", "Not a valid date value"),
        ("date_from=2025-03-03&date_to=2025-03-01", "The end date is before the start date."),
        ("action=nothing.done", "Not a valid choice"),
    ],
)
def test_invalid_filters_are_explained(
    client: FlaskClient, history: User, query: str, message: str
) -> None:
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 422
    assert message in page_text(response)


def test_details_are_listed_and_escaped(client: FlaskClient, admin: User) -> None:
    target = make_user(name="<b>Eve</b>")
    audit.record(
        admin,
        "user.roles_changed",
        target,
        old=["learner"],
        new=["learner", "moderator"],
        note="<script>alert(1)</script>",
        extra={"a": 1},
        nothing=None,
    )
    text = page_text(client.get("/admin/audit"))
    assert "<dt>new</dt><dd>learner, moderator</dd>" in text
    assert "<dt>extra</dt><dd>a=1</dd>" in text
    assert "<dt>nothing</dt><dd>—</dd>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert" not in text
    assert "&lt;b&gt;Eve&lt;/b&gt;" not in text  # the label is the email
    assert target.email in text


def test_log_runs_the_same_number_of_queries_for_5_or_40_events(
    client: FlaskClient, admin: User
) -> None:
    def add_events(count: int) -> None:
        for number in range(count):
            actor = make_user(organisation=make_organisation(), roles=[Role.MANAGER])
            audit.record(actor, f"thing.done_{number % 3}", actor, number=number)
        db.session.flush()

    add_events(5)
    with count_queries() as few:
        assert len(_actions(page_text(client.get("/admin/audit")))) == 5
    add_events(35)
    with count_queries() as many:
        assert len(_actions(page_text(client.get("/admin/audit?actor=example")))) == 40
    assert len(few) == len(many)
    assert len(many) <= 9


def test_managers_are_refused(client: FlaskClient) -> None:
    login(client, make_user(roles=[Role.MANAGER]))
    response = client.get("/admin/audit")
    assert response.status_code == 403
    assert str(can_view_audit_log.description) in page_text(response)
