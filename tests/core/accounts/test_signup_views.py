"""Sign-up, email confirmation and the resend form, through the pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from academy.core.accounts.auth import make_token
from academy.core.accounts.models import User
from academy.core.accounts.services import user_by_email
from academy.extensions import db
from tests.factories import PASSWORD, make_organisation, make_user


def main_part(body: str) -> str:
    """The page's main content, where the answer is."""
    return body[body.index("<main") : body.index("</main>")]


def form(**changes: str) -> dict[str, str]:
    return {
        "name": "Ana Silva",
        "email": "ana@example.org",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "organisation": "",
        "job_function": "Urban planner",
        "language": "pt",
    } | changes


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def csrf_token(body: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        r'name="csrf_token" value="([^"]+)"', body
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_the_form_lists_active_organisations_with_country_names(client: FlaskClient) -> None:
    make_organisation("Lisboa", country="PT")
    make_organisation("Closed town", country="PT").active = False
    make_organisation("Köln", country="DE")
    body = client.get("/account/register").get_data(as_text=True)
    assert "Lisboa (Portugal)" in body and "Köln (Germany)" in body
    assert "Closed town" not in body
    assert 'lang="fr"' in body and "Français" in body
    client.post("/language", data={"language": "fr", "next": "/"})
    body = client.get("/account/register").get_data(as_text=True)
    assert "Köln (Allemagne)" in body


def test_sign_up_then_confirm_through_the_emailed_link(
    client: FlaskClient, outbox: Callable[..., list], link_path: Callable, reload: Callable
) -> None:
    organisation = make_organisation("Lisboa")
    response = client.post("/account/register", data=form(organisation=str(organisation.id)))
    assert response.status_code == 302 and response.location.endswith("/account/login")
    user = user_by_email("ana@example.org")
    assert user is not None and user.email_confirmed_at is None
    assert user.organisation_id == organisation.id and user.locale == "pt"
    (message,) = outbox("confirm-email", "ana@example.org")
    path = link_path(message)

    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "<button" in page.get_data(as_text=True)
    assert reload(user).email_confirmed_at is None

    confirmed = client.post(path)
    assert confirmed.status_code == 302 and confirmed.location.endswith("/account/login")
    assert reload(user).email_confirmed_at is not None
    signed_in = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_the_confirmation_email_is_in_the_chosen_language(
    client: FlaskClient, outbox: Callable[..., list]
) -> None:
    client.post("/account/register", data=form(language="en"))
    (message,) = outbox("confirm-email")
    assert "Hello Ana Silva" in message.body and "confirm" in message.subject.lower()


def test_a_taken_email_is_refused_on_the_field(
    client: FlaskClient, outbox: Callable[..., list]
) -> None:
    make_user("ana@example.org")
    db.session.commit()  # keep it through the refused request's rollback
    before = user_count()
    response = client.post("/account/register", data=form(email="ANA@example.org"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="email-error"' in body
    assert "An account with this email address already exists." in body
    assert user_count() == before and outbox("confirm-email") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password_confirm": "something else entirely"}, "password_confirm"),
        ({"password": "short", "password_confirm": "short"}, "password"),
        ({"email": "not an email"}, "email"),
        ({"name": ""}, "name"),
        ({"organisation": "999999"}, "organisation"),
        ({"language": "xx"}, "language"),
    ],
)
def test_bad_input_creates_nothing(
    client: FlaskClient, changes: dict[str, str], field: str
) -> None:
    before = user_count()
    response = client.post("/account/register", data=form(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert user_count() == before


def test_signed_in_people_are_sent_to_their_profile(client: FlaskClient) -> None:
    from tests.conftest import login

    login(client, make_user())
    assert client.get("/account/register").location.endswith("/account/")


def test_sign_up_is_rate_limited(client: FlaskClient, low_limit: Callable[[str], None]) -> None:
    low_limit("RATELIMIT_SIGNUP")
    for number in range(2):
        response = client.post("/account/register", data=form(email=f"p{number}@example.org"))
        assert response.status_code == 302
    response = client.post("/account/register", data=form(email="p3@example.org"))
    assert response.status_code == 429
    assert user_by_email("p3@example.org") is None
    assert client.get("/account/register").status_code == 200  # reading is not limited


@pytest.mark.usefixtures("csrf_enabled")
def test_sign_up_needs_the_csrf_token(client: FlaskClient) -> None:
    before = user_count()
    assert client.post("/account/register", data=form()).status_code == 400
    assert user_count() == before
    token = csrf_token(client.get("/account/register").get_data(as_text=True))
    response = client.post("/account/register", data=form(csrf_token=token))
    assert response.status_code == 302 and user_count() == before + 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_confirmation_link_offers_a_new_one(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/account/confirm/not-a-token")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "This confirmation link is not valid or has expired." in body
    assert 'action="/account/resend-confirmation"' in body and 'name="email"' in body


def test_an_expired_confirmation_link_confirms_nothing(
    client: FlaskClient, app: object, monkeypatch: pytest.MonkeyPatch, reload: Callable
) -> None:
    user = make_user(confirmed=False)
    token = make_token(user, "confirm")
    db.session.commit()
    monkeypatch.setitem(app.config, "TOKEN_MAX_AGE_CONFIRM", -1)  # type: ignore[attr-defined]
    assert client.post(f"/account/confirm/{token}").status_code == 400
    assert reload(user).email_confirmed_at is None


@pytest.mark.usefixtures("csrf_enabled")
def test_confirming_needs_the_csrf_token(client: FlaskClient, reload: Callable) -> None:
    user = make_user(confirmed=False)
    db.session.commit()
    assert client.post(f"/account/confirm/{make_token(user, 'confirm')}").status_code == 400
    assert reload(user).email_confirmed_at is None


def test_resend_answers_the_same_whoever_asks(
    client: FlaskClient, outbox: Callable[..., list]
) -> None:
    waiting = make_user(confirmed=False)
    confirmed = make_user()
    answers = []
    for email in (waiting.email, confirmed.email, "nobody@example.org"):
        response = client.post(
            "/account/resend-confirmation", data={"email": email}, follow_redirects=True
        )
        answers.append(main_part(response.get_data(as_text=True)).replace(email, "EMAIL"))
    assert answers[0] == answers[1] == answers[2]
    assert [m.recipient for m in outbox("confirm-email")] == [waiting.email]


def test_resend_is_rate_limited(client: FlaskClient, low_limit: Callable[[str], None]) -> None:
    low_limit("RATELIMIT_RESET")
    for _ in range(2):
        client.post("/account/resend-confirmation", data={"email": "a@example.org"})
    response = client.post("/account/resend-confirmation", data={"email": "a@example.org"})
    assert response.status_code == 429
