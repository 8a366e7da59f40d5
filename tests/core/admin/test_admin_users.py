"""The users pages: list, search, filters, roles, deactivation."""

from __future__ import annotations

import re

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient

from academy.core.accounts.models import Role, User
from academy.core.admin import services
from academy.core.errors import DomainError
from academy.extensions import db
from tests.conftest import login
from tests.core.admin.admin_support import count_queries, events, page_text, redirects_to_login
from tests.factories import make_organisation, make_user


@pytest.fixture
def admin(client: FlaskClient) -> User:
    user = make_user("root@example.org", name="Ada Admin", roles=[Role.ADMIN])
    login(client, user)
    db.session.commit()  # keep it past requests that fail and roll back
    return user


def _names(response_text: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/admin/users/\d+">([^<]*)</a>', response_text)


def _reload(user_id: int) -> User:
    user = db.session.get(User, user_id)
    assert user is not None
    db.session.refresh(user)
    return user


# --- list ------------------------------------------------------------------------------


def test_list_shows_the_facts_of_each_user(client: FlaskClient, admin: User) -> None:
    lisboa = make_organisation("Câmara Municipal de Lisboa")
    make_user("ana@lisboa.pt", name="Ana Silva", organisation=lisboa, roles=[Role.REVIEWER])
    response = client.get("/admin/users")
    assert response.status_code == 200
    text = page_text(response)
    assert "ana@lisboa.pt" in text
    assert "Câmara Municipal de Lisboa" in text
    assert "Selection committee reviewer" in text
    assert "Active" in text
    assert _names(text) == ["Ada Admin", "Ana Silva"]


def test_created_date_is_formatted_for_the_users_language(client: FlaskClient) -> None:
    admin = make_user(roles=[Role.ADMIN], locale="fr")
    login(client, admin)
    expected = format_date(admin.created_at.date(), "medium", locale="fr")
    assert expected in page_text(client.get("/admin/users"))


def test_search_matches_name_or_email_in_any_case(client: FlaskClient, admin: User) -> None:
    make_user("ana@lisboa.pt", name="Ana Silva")
    make_user("bruno@porto.pt", name="Bruno Costa")
    make_user("carla@example.org", name="Carla 100% Santos")
    assert _names(page_text(client.get("/admin/users?q=SILVA"))) == ["Ana Silva"]
    assert _names(page_text(client.get("/admin/users?q=Porto.PT"))) == ["Bruno Costa"]
    assert _names(page_text(client.get("/admin/users?q=100%25"))) == ["Carla 100% Santos"]
    assert _names(page_text(client.get("/admin/users?q=nobody"))) == []
    assert "No user matches these filters." in page_text(client.get("/admin/users?q=nobody"))


def test_filter_by_role(client: FlaskClient, admin: User) -> None:
    make_user(name="Rita Reviewer", roles=[Role.REVIEWER, Role.LEARNER])
    make_user(name="Luis Learner")
    assert _names(page_text(client.get("/admin/users?role=reviewer"))) == ["Rita Reviewer"]
    learners = _names(page_text(client.get("/admin/users?role=learner")))
    assert learners == ["Luis Learner", "Rita Reviewer"]


def test_filter_by_status(client: FlaskClient, admin: User) -> None:
    make_user(name="Una Unconfirmed", confirmed=False)
    gone = make_user(name="Dan Deactivated")
    gone.active = False
    db.session.flush()
    assert _names(page_text(client.get("/admin/users?status=unconfirmed"))) == ["Una Unconfirmed"]
    assert _names(page_text(client.get("/admin/users?status=deactivated"))) == ["Dan Deactivated"]
    assert _names(page_text(client.get("/admin/users?status=active"))) == ["Ada Admin"]


def test_an_unknown_filter_value_is_refused(client: FlaskClient, admin: User) -> None:
    response = client.get("/admin/users?role=emperor")
    assert response.status_code == 422
    assert "Not a valid choice" in page_text(response)


def test_list_is_paginated_and_keeps_the_filters(client: FlaskClient, admin: User) -> None:
    for number in range(52):
        make_user(f"page{number:02d}@example.org", name=f"Paged {number:02d}")
    first = page_text(client.get("/admin/users?q=paged"))
    assert len(_names(first)) == 50
    assert "/admin/users?page=2&amp;q=paged" in first
    second = page_text(client.get("/admin/users?q=paged&page=2"))
    assert _names(second) == ["Paged 50", "Paged 51"]


def test_list_runs_the_same_number_of_queries_for_5_or_40_users(
    client: FlaskClient, admin: User
) -> None:
    def add_users(count: int) -> None:
        for _ in range(count):
            make_user(organisation=make_organisation(), roles=[Role.LEARNER, Role.MODERATOR])

    add_users(4)
    with count_queries() as few:
        assert len(_names(page_text(client.get("/admin/users")))) == 5
    add_users(35)
    with count_queries() as many:
        assert len(_names(page_text(client.get("/admin/users")))) == 40
    assert len(few) == len(many)
    assert len(many) <= 8


# --- detail and roles ------------------------------------------------------------------


def test_detail_page_shows_profile_and_ticked_roles(client: FlaskClient, admin: User) -> None:
    person = make_user("eva@example.org", name="Eva", roles=[Role.MODERATOR])
    person.job_function = "Urban planner"
    db.session.flush()
    response = client.get(f"/admin/users/{person.id}")
    assert response.status_code == 200
    text = page_text(response)
    assert "eva@example.org" in text
    assert "Urban planner" in text
    assert re.search(r'<input checked id="roles-\d" [^>]*value="moderator"', text)
    assert 'value="admin"' in text and not re.search(r'checked[^>]*value="admin"', text)


def test_unknown_user_is_not_found(client: FlaskClient, admin: User) -> None:
    assert client.get("/admin/users/999999").status_code == 404


def test_roles_change_takes_effect_and_is_audited(client: FlaskClient, admin: User) -> None:
    person_id = make_user(roles=[Role.LEARNER]).id
    response = client.post(
        f"/admin/users/{person_id}/roles", data={"roles": ["learner", "moderator"]}
    )
    assert response.status_code == 302
    assert _reload(person_id).roles == {Role.LEARNER, Role.MODERATOR}
    [event] = events("user.roles_changed")
    assert event.target_id == str(person_id)
    assert event.details == {"old": ["learner"], "new": ["learner", "moderator"]}
    assert "were saved" in page_text(client.get(f"/admin/users/{person_id}"))


def test_an_unknown_role_changes_nothing(client: FlaskClient, admin: User) -> None:
    person_id = make_user(roles=[Role.LEARNER]).id
    db.session.commit()
    response = client.post(f"/admin/users/{person_id}/roles", data={"roles": ["emperor"]})
    assert response.status_code == 422
    assert _reload(person_id).roles == {Role.LEARNER}
    assert events("user.roles_changed") == []


def test_you_cannot_drop_your_own_admin_role(client: FlaskClient, admin: User) -> None:
    admin_id = admin.id
    response = client.post(f"/admin/users/{admin_id}/roles", data={"roles": ["manager"]})
    assert response.status_code == 422
    assert "You cannot remove your own administrator role." in page_text(response)
    assert _reload(admin_id).roles == {Role.ADMIN}
    assert events("user.roles_changed") == []


# --- deactivation ----------------------------------------------------------------------


def test_deactivation_ends_the_users_sessions_and_is_audited(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    person = make_user(roles=[Role.MANAGER])
    person_id, old_login_id = person.id, person.login_id
    their_client = login(app.test_client(), person)
    assert their_client.get("/admin/organisations").status_code == 200

    response = client.post(f"/admin/users/{person_id}/deactivate")
    assert response.status_code == 302
    assert redirects_to_login(their_client.get("/admin/organisations"))
    person = _reload(person_id)
    assert not person.active
    assert person.login_id != old_login_id
    assert person.roles == {Role.MANAGER}
    [event] = events("user.deactivated")
    assert (event.actor_id, event.target_id) == (admin.id, str(person_id))
    assert "Deactivated" in page_text(client.get(f"/admin/users/{person_id}"))


def test_you_cannot_deactivate_yourself(client: FlaskClient, admin: User) -> None:
    admin_id, login_id = admin.id, admin.login_id
    response = client.post(f"/admin/users/{admin_id}/deactivate")
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in page_text(response)
    admin = _reload(admin_id)
    assert admin.active and admin.login_id == login_id
    assert events("user.deactivated") == []
    assert client.get("/admin/users").status_code == 200


def test_reactivation_lets_the_user_back_in(client: FlaskClient, admin: User) -> None:
    person = make_user()
    services.deactivate_user(person, by=admin)
    person_id = person.id
    response = client.post(f"/admin/users/{person_id}/reactivate")
    assert response.status_code == 302
    assert _reload(person_id).is_active
    [event] = events("user.reactivated")
    assert event.target_id == str(person_id)


def test_services_refuse_self_deactivation_and_skip_no_ops(app_ctx: Flask) -> None:
    admin = make_user(roles=[Role.ADMIN])
    with pytest.raises(DomainError):
        services.deactivate_user(admin, by=admin)
    person = make_user()
    services.reactivate_user(person, by=admin)
    services.deactivate_user(person, by=admin)
    services.deactivate_user(person, by=admin)
    assert len(events("user.deactivated")) == 1
    assert events("user.reactivated") == []


# --- CSRF ------------------------------------------------------------------------------


@pytest.mark.usefixtures("csrf_enabled")
def test_posts_without_a_csrf_token_change_nothing(client: FlaskClient, admin: User) -> None:
    person_id = make_user(roles=[Role.LEARNER]).id
    db.session.commit()
    assert client.post(f"/admin/users/{person_id}/deactivate").status_code == 400
    response = client.post(f"/admin/users/{person_id}/roles", data={"roles": ["admin"]})
    assert response.status_code == 400
    person = _reload(person_id)
    assert person.active and person.roles == {Role.LEARNER}
    assert events("user.deactivated") == events("user.roles_changed") == []


@pytest.mark.usefixtures("csrf_enabled")
def test_the_pages_carry_a_working_csrf_token(client: FlaskClient, admin: User) -> None:
    person_id = make_user().id
    assert client.get("/admin/users?q=user").status_code == 200
    page = page_text(client.get(f"/admin/users/{person_id}"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        f"/admin/users/{person_id}/deactivate", data={"csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    assert not _reload(person_id).active
