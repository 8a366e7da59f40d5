"""Account services: sign-up, confirmation, sign-in checks, passwords, profile."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask

from academy.core.accounts import privacy, services
from academy.core.accounts.auth import make_token
from academy.core.accounts.models import User
from academy.core.errors import Conflict, DomainError
from academy.core.urls import public_url
from academy.extensions import db
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.usefixtures("app_ctx")
NEW_PASSWORD = "a brand new passphrase"


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def sign_up(**changes: object) -> User:
    values: dict[str, object] = {
        "email": "Ana@Example.ORG",
        "name": " Ana Silva ",
        "password": PASSWORD,
        "organisation_id": None,
        "job_function": "Urban planner",
        "locale": "pt",
    } | changes
    return services.register(**values)  # type: ignore[arg-type]


# Sign-up


def test_register_creates_an_unconfirmed_learner_and_queues_the_email(
    outbox: Callable[..., list], link_path: Callable
) -> None:
    organisation = make_organisation()
    user = sign_up(organisation_id=organisation.id)
    assert (user.email, user.name, user.locale) == ("ana@example.org", "Ana Silva", "pt")
    assert user.organisation is organisation and user.job_function == "Urban planner"
    assert user.email_confirmed_at is None and [r.value for r in user.roles] == ["learner"]
    (message,) = outbox("confirm-email")
    assert message.recipient == "ana@example.org"
    assert link_path(message).startswith("/account/confirm/")


def test_register_refuses_a_taken_email(outbox: Callable[..., list]) -> None:
    make_user("ana@example.org")
    before = user_count()
    with pytest.raises(Conflict) as caught:
        sign_up(email="ANA@example.org")
    assert caught.value.field == "email"
    assert user_count() == before and outbox("confirm-email") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"name": "   "}, "name"),
        ({"password": "short"}, "password"),
        ({"locale": "xx"}, "language"),
        ({"organisation_id": 999999}, "organisation"),
    ],
)
def test_register_refuses_bad_input(changes: dict[str, object], field: str) -> None:
    before = user_count()
    with pytest.raises(DomainError) as caught:
        sign_up(**changes)
    assert caught.value.field == field and caught.value.message
    assert user_count() == before


def test_register_refuses_an_inactive_organisation() -> None:
    organisation = make_organisation()
    organisation.active = False
    with pytest.raises(DomainError) as caught:
        sign_up(organisation_id=organisation.id)
    assert caught.value.field == "organisation"


def test_email_links_use_the_public_address(app: Flask) -> None:
    url = public_url("account.confirm", token="abc")
    base = urlsplit(app.config["ACADEMY_BASE_URL"])
    assert url == f"{base.scheme}://{base.netloc}/account/confirm/abc"


# Confirmation


def test_confirm_email_once_and_again() -> None:
    user = make_user(confirmed=False)
    token = make_token(user, "confirm")
    assert services.confirm_email(token) is user
    confirmed_at = user.email_confirmed_at
    assert confirmed_at is not None
    services.confirm_email(token)
    assert user.email_confirmed_at == confirmed_at


def test_confirm_refuses_bad_expired_and_foreign_tokens(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(confirmed=False)
    for token in ("nonsense", make_token(user, "reset")):
        with pytest.raises(DomainError):
            services.confirm_email(token)
    monkeypatch.setitem(app.config, "TOKEN_MAX_AGE_CONFIRM", -1)
    with pytest.raises(DomainError):
        services.confirm_email(make_token(user, "confirm"))
    assert user.email_confirmed_at is None


def test_confirm_refuses_a_deactivated_account() -> None:
    user = make_user(confirmed=False)
    user.active = False
    with pytest.raises(DomainError):
        services.confirm_email(make_token(user, "confirm"))


def test_resend_confirmation_only_to_unconfirmed_accounts(outbox: Callable[..., list]) -> None:
    waiting = make_user(confirmed=False)
    done = make_user(confirmed=True)
    for email in (waiting.email, done.email, "nobody@example.org", "not an email"):
        services.resend_confirmation(email)
    assert [m.recipient for m in outbox("confirm-email")] == [waiting.email]


# Signing in


def test_authenticate_accepts_the_right_password() -> None:
    user = make_user("lea@example.org")
    assert services.authenticate(" LEA@example.org", PASSWORD) is user


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "deactivated", "deleted"])
def test_authenticate_gives_one_message_for_every_refusal(case: str) -> None:
    user = make_user("lea@example.org")
    email, password = user.email, PASSWORD
    if case == "wrong password":
        password = "not the password"
    elif case == "unknown email":
        email = "nobody@example.org"
    elif case == "deactivated":
        user.active = False
    else:
        privacy.delete_account(user)
    with pytest.raises(DomainError) as caught:
        services.authenticate(email, password)
    assert type(caught.value) is DomainError
    assert caught.value.message == "The email or password is not correct."


def test_authenticate_tells_about_confirmation_only_with_the_right_password() -> None:
    user = make_user(confirmed=False)
    with pytest.raises(services.EmailNotConfirmed):
        services.authenticate(user.email, PASSWORD)
    with pytest.raises(DomainError) as caught:
        services.authenticate(user.email, "not the password")
    assert type(caught.value) is DomainError


def test_record_login_sets_the_time() -> None:
    user = make_user()
    services.record_login(user)
    assert user.last_login_at is not None


# Password reset and change


def test_request_password_reset_only_mails_active_accounts(outbox: Callable[..., list]) -> None:
    active, inactive = make_user(), make_user()
    inactive.active = False
    for email in (active.email, inactive.email, "nobody@example.org"):
        services.request_password_reset(email)
    (message,) = outbox("reset-password")
    assert message.recipient == active.email
    assert "/account/password-reset/" in message.body


def test_reset_password_sets_it_and_the_link_works_once() -> None:
    user = make_user(confirmed=False)
    old_login_id = user.login_id
    token = make_token(user, "reset")
    assert services.reset_password(token, NEW_PASSWORD) is user
    assert services.password_matches(user, NEW_PASSWORD)
    assert user.login_id != old_login_id
    assert user.email_confirmed_at is not None
    with pytest.raises(DomainError):
        services.reset_password(token, "yet another passphrase")
    assert services.password_matches(user, NEW_PASSWORD)


def test_reset_password_refuses_expired_links_and_short_passwords(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user()
    with pytest.raises(DomainError) as caught:
        services.reset_password(make_token(user, "reset"), "short")
    assert caught.value.field == "password"
    monkeypatch.setitem(app.config, "TOKEN_MAX_AGE_RESET", -1)
    with pytest.raises(DomainError):
        services.reset_password(make_token(user, "reset"), NEW_PASSWORD)
    assert services.password_matches(user, PASSWORD)


def test_change_password_needs_the_current_one() -> None:
    user = make_user()
    old_login_id = user.login_id
    with pytest.raises(DomainError) as caught:
        services.change_password(user, "wrong password", NEW_PASSWORD)
    assert caught.value.field == "current_password"
    assert services.password_matches(user, PASSWORD) and user.login_id == old_login_id
    services.change_password(user, PASSWORD, NEW_PASSWORD)
    assert services.password_matches(user, NEW_PASSWORD) and user.login_id != old_login_id


# Profile


def test_update_profile_saves_the_details() -> None:
    user = make_user()
    organisation = make_organisation()
    services.update_profile(
        user, name=" Lea ", organisation_id=organisation.id, job_function="Mayor", locale="fr"
    )
    assert (user.name, user.organisation, user.job_function, user.locale) == (
        "Lea",
        organisation,
        "Mayor",
        "fr",
    )


def test_update_profile_keeps_a_deactivated_organisation_already_held() -> None:
    held, other = make_organisation(), make_organisation()
    user = make_user(organisation=held)
    held.active = other.active = False
    services.update_profile(user, name="Lea", organisation_id=held.id, job_function="", locale=None)
    assert user.organisation is held
    with pytest.raises(DomainError) as caught:
        services.update_profile(
            user, name="Lea", organisation_id=other.id, job_function="", locale=None
        )
    assert caught.value.field == "organisation" and user.organisation is held


@pytest.mark.parametrize(
    ("changes", "field"), [({"name": " "}, "name"), ({"locale": "xx"}, "language")]
)
def test_update_profile_refuses_bad_input(changes: dict[str, object], field: str) -> None:
    user = make_user(name="Lea", locale="en")
    values: dict[str, object] = {
        "name": "Lea",
        "organisation_id": None,
        "job_function": "",
        "locale": "en",
    } | changes
    with pytest.raises(DomainError) as caught:
        services.update_profile(user, **values)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert (user.name, user.locale) == ("Lea", "en")
