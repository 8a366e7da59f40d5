"""Who may open which administration page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from academy.core.accounts.models import Role
from academy.core.admin.views import can_open_admin
from academy.core.permissions import (
    Permission,
    can_manage_organisations,
    can_manage_users,
    can_view_audit_log,
)
from tests.conftest import login
from tests.core.admin.admin_support import page_text, redirects_to_login
from tests.factories import make_organisation, make_user

# (method, url pattern, permission it needs)
PAGES: list[tuple[str, str, Permission]] = [
    ("GET", "/admin/", can_open_admin),
    ("GET", "/admin/users", can_manage_users),
    ("GET", "/admin/users/{user}", can_manage_users),
    ("POST", "/admin/users/{user}/roles", can_manage_users),
    ("POST", "/admin/users/{user}/deactivate", can_manage_users),
    ("POST", "/admin/users/{user}/reactivate", can_manage_users),
    ("GET", "/admin/organisations", can_manage_organisations),
    ("GET", "/admin/organisations/new", can_manage_organisations),
    ("POST", "/admin/organisations/new", can_manage_organisations),
    ("GET", "/admin/organisations/{org}", can_manage_organisations),
    ("POST", "/admin/organisations/{org}", can_manage_organisations),
    ("POST", "/admin/organisations/{org}/deactivate", can_manage_organisations),
    ("POST", "/admin/organisations/{org}/reactivate", can_manage_organisations),
    ("GET", "/admin/audit", can_view_audit_log),
]
IDS = [f"{method} {url}" for method, url, _ in PAGES]


def _open(client: FlaskClient, method: str, url: str) -> TestResponse:
    target = make_user(roles=[Role.LEARNER])
    organisation = make_organisation()
    return client.open(url.format(user=target.id, org=organisation.id), method=method)


@pytest.mark.parametrize(("method", "url", "permission"), PAGES, ids=IDS)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: FlaskClient, method: str, url: str, permission: Permission
) -> None:
    assert redirects_to_login(_open(client, method, url))


@pytest.mark.parametrize(("method", "url", "permission"), PAGES, ids=IDS)
def test_learners_are_refused_with_the_reason(
    client: FlaskClient, method: str, url: str, permission: Permission
) -> None:
    login(client, make_user(roles=[Role.LEARNER, Role.MODERATOR, Role.REVIEWER]))
    response = _open(client, method, url)
    assert response.status_code == 403
    assert str(permission.description) in page_text(response)


@pytest.mark.parametrize(
    ("method", "url", "permission"),
    [page for page in PAGES if page[2] in (can_manage_users, can_view_audit_log)],
)
def test_managers_are_refused_users_and_audit_pages(
    client: FlaskClient, method: str, url: str, permission: Permission
) -> None:
    login(client, make_user(roles=[Role.MANAGER]))
    response = _open(client, method, url)
    assert response.status_code == 403
    assert str(permission.description) in page_text(response)


def test_deactivated_admins_are_treated_as_signed_out(client: FlaskClient) -> None:
    admin = make_user(roles=[Role.ADMIN])
    admin.active = False
    login(client, admin)
    assert redirects_to_login(client.get("/admin/users"))


def test_admins_see_every_section(client: FlaskClient) -> None:
    login(client, make_user(roles=[Role.ADMIN]))
    response = client.get("/admin/")
    assert response.status_code == 200
    text = page_text(response)
    for url in ("/admin/users", "/admin/organisations", "/admin/audit"):
        assert f'href="{url}"' in text


def test_managers_see_only_organisations(client: FlaskClient) -> None:
    login(client, make_user(roles=[Role.MANAGER]))
    response = client.get("/admin/")
    assert response.status_code == 200
    text = page_text(response)
    assert 'href="/admin/organisations"' in text
    assert 'href="/admin/users"' not in text
    assert 'href="/admin/audit"' not in text
    assert client.get("/admin/organisations").status_code == 200
    assert client.get("/admin/organisations/new").status_code == 200
