"""Export my data and delete my account, at the service level."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from academy.core.accounts import privacy, services
from academy.core.accounts.models import Role, User, UserRole
from academy.core.api.tokens import create_token, tokens_of, user_for_token
from academy.core.audit import services as audit
from academy.core.audit.models import AuditEvent
from academy.core.errors import DomainError
from academy.core.signals import user_data_export, user_deleted
from academy.extensions import db
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.usefixtures("app_ctx")


def test_export_holds_profile_roles_organisation_tokens_and_audit() -> None:
    organisation = make_organisation("Lisboa", country="PT")
    user = make_user("lea@example.org", name="Lea", organisation=organisation)
    admin = make_user(roles={Role.ADMIN})
    token, secret = create_token(user, name="laptop")
    audit.record(admin, "user.roles_changed", user, old=["learner"], new=["learner"])
    audit.record(user, "cohort.posted", organisation)
    audit.record(admin, "user.roles_changed", admin)  # about someone else: left out
    db.session.flush()

    data = privacy.export_data(user)

    assert {"profile", "roles", "organisation", "api_tokens", "audit_events"} <= data.keys()
    assert data["profile"]["email"] == "lea@example.org" and data["profile"]["name"] == "Lea"
    assert data["roles"] == ["learner"]
    assert data["organisation"] == {"name": "Lisboa", "country": "PT", "kind": "municipality"}
    assert data["api_tokens"] == [
        {
            "name": "laptop",
            "prefix": token.prefix,
            "created_at": token.created_at.isoformat(),
            "last_used_at": None,
            "revoked_at": None,
        }
    ]
    actions = [(event["action"], event["by_you"]) for event in data["audit_events"]]
    assert actions == [("user.roles_changed", False), ("cohort.posted", True)]
    text = json.dumps(data)
    assert token.token_hash not in text and secret not in text
    assert "password" not in text and str(user.password_hash) not in text
    assert user.login_id not in text


def test_export_adds_the_sections_of_receivers() -> None:
    user = make_user()

    def progress(sender: User, **_: Any) -> tuple[str, Any]:
        return "progress", [{"lesson": "Intro", "done": True, "user": sender.id}]

    with user_data_export.connected_to(progress):
        data = privacy.export_data(user)
    assert data["progress"] == [{"lesson": "Intro", "done": True, "user": user.id}]


def test_export_refuses_a_section_that_would_replace_a_core_one() -> None:
    user = make_user()

    def clash(_sender: User, **_: Any) -> tuple[str, Any]:
        return "profile", {}

    with user_data_export.connected_to(clash), pytest.raises(RuntimeError):
        privacy.export_data(user)


def test_delete_account_anonymises_and_keeps_the_row(outbox: Callable[..., list]) -> None:
    organisation = make_organisation()
    user = make_user("lea@example.org", name="Lea", organisation=organisation, locale="fr")
    user.job_function = "Mayor"
    _token, secret = create_token(user, name="laptop")
    services.request_password_reset(user.email)
    admin = make_user(roles={Role.ADMIN})
    audit.record(admin, "user.roles_changed", user)
    old_login_id = user.login_id
    seen: list[str] = []

    def receiver(sender: User, **_: Any) -> None:
        seen.append(sender.email)

    with user_deleted.connected_to(receiver):
        privacy.delete_account(user)

    assert seen == ["lea@example.org"]
    assert user.email == f"deleted-{user.id}@invalid.invalid"
    assert (user.name, user.password_hash, user.job_function) == ("Deleted user", None, "")
    assert user.organisation is None and user.locale is None and user.roles == frozenset()
    assert not user.active and user.deleted_at is not None and user.login_id != old_login_id
    assert not user.is_active
    assert all(token.revoked_at is not None for token in tokens_of(user))
    assert user_for_token(secret) is None
    assert outbox("reset-password", "lea@example.org") == []
    roles = db.session.scalars(sa.select(UserRole).where(UserRole.user_id == user.id)).all()
    assert roles == []
    labels = db.session.scalars(
        sa.select(AuditEvent.target_label).where(AuditEvent.target_id == str(user.id))
    ).all()
    assert labels and all("lea" not in label.lower() for label in labels)
    assert services.user_by_email("lea@example.org") is None


def test_the_address_of_a_deleted_account_can_sign_up_again() -> None:
    user = make_user("lea@example.org")
    privacy.delete_account(user)
    again = services.create_user("lea@example.org", "Lea", PASSWORD)
    assert again.id != user.id


def test_the_only_administrator_cannot_delete_their_account() -> None:
    for other in db.session.scalars(sa.select(User)):
        if other.has_role(Role.ADMIN):
            other.active = False
    admin = make_user(roles={Role.ADMIN})
    with pytest.raises(DomainError):
        privacy.delete_account(admin)
    assert admin.is_active and admin.name != "Deleted user"
    make_user(roles={Role.ADMIN})
    privacy.delete_account(admin)
    assert not admin.is_active
