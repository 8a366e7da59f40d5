"""The organisations pages: list, create, edit, deactivate, and the country list."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from academy.core.accounts.models import Organisation, OrganisationKind, Role, User
from academy.core.admin import services
from academy.core.errors import Conflict, DomainError
from academy.extensions import db
from tests.conftest import login
from tests.core.admin.admin_support import events, page_text
from tests.factories import make_organisation, make_user


@pytest.fixture
def manager(client: FlaskClient) -> User:
    user = make_user(name="Mia Manager", roles=[Role.MANAGER])
    login(client, user)
    db.session.commit()  # keep it past requests that fail and roll back
    return user


def _names(response_text: str) -> list[str]:
    pattern = r'<th scope="row"><a href="/admin/organisations/\d+">([^<]*)</a>'
    return re.findall(pattern, response_text)


def _organisations() -> list[tuple[str, str, str, bool]]:
    rows = db.session.execute(
        sa.select(
            Organisation.name, Organisation.kind, Organisation.country, Organisation.active
        ).order_by(Organisation.id)
    )
    return [(name, kind.value, country, active) for name, kind, country, active in rows]


def _option_codes(text: str) -> list[str]:
    select = text[text.index('<select id="country"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option[^>]*value="([^"]*)"', select)


# --- list ------------------------------------------------------------------------------


def test_list_search_and_filters(client: FlaskClient, manager: User) -> None:
    make_organisation("Lisboa", country="PT")
    make_organisation("Porto", country="PT", kind=OrganisationKind.MUNICIPALITY)
    make_organisation("Região Norte", country="PT", kind=OrganisationKind.REGION)
    make_organisation("Lisse", country="NL")
    text = page_text(client.get("/admin/organisations"))
    assert _names(text) == ["Lisboa", "Lisse", "Porto", "Região Norte"]
    assert "Portugal" in text and "Province or region" in text
    assert _names(page_text(client.get("/admin/organisations?q=LIS"))) == ["Lisboa", "Lisse"]
    assert _names(page_text(client.get("/admin/organisations?country=NL"))) == ["Lisse"]
    by_kind = page_text(client.get("/admin/organisations?kind=region&country=PT"))
    assert _names(by_kind) == ["Região Norte"]


def test_list_refuses_an_unknown_country_filter(client: FlaskClient, manager: User) -> None:
    response = client.get("/admin/organisations?country=001")
    assert response.status_code == 422
    assert "Not a valid choice" in page_text(response)


# --- create ----------------------------------------------------------------------------


def test_create_adds_an_audited_organisation(client: FlaskClient, manager: User) -> None:
    data = {"name": "  Câmara  de Braga ", "kind": "municipality", "country": "PT"}
    response = client.post("/admin/organisations/new", data=data)
    assert response.status_code == 302
    assert _organisations() == [("Câmara de Braga", "municipality", "PT", True)]
    [event] = events("organisation.created")
    assert event.actor_id == manager.id
    assert event.target_label == "Câmara de Braga"
    assert event.details == {"kind": "municipality", "country": "PT"}


def test_a_duplicate_organisation_is_refused(client: FlaskClient, manager: User) -> None:
    make_organisation("Lisboa", country="PT")
    db.session.commit()
    response = client.post(
        "/admin/organisations/new", data={"name": "LISBOA", "kind": "region", "country": "PT"}
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "An organisation called LISBOA already exists in this country." in text
    assert 'aria-invalid="true"' in text
    assert len(_organisations()) == 1
    assert events("organisation.created") == []
    other_country = {"name": "Lisboa", "kind": "municipality", "country": "BR"}
    assert client.post("/admin/organisations/new", data=other_country).status_code == 302


@pytest.mark.parametrize("country", ["XX", "001", "150", "EU", "ZZ", "pt", ""])
def test_an_invalid_country_is_refused(client: FlaskClient, manager: User, country: str) -> None:
    data = {"name": "Somewhere", "kind": "municipality", "country": country}
    response = client.post("/admin/organisations/new", data=data)
    assert response.status_code == 422
    assert re.search(r"Please choose a country", page_text(response))
    assert _organisations() == []


def test_a_missing_name_and_kind_are_refused(client: FlaskClient, manager: User) -> None:
    data = {"name": "  ", "kind": "castle", "country": "PT"}
    response = client.post("/admin/organisations/new", data=data)
    assert response.status_code == 422
    text = page_text(response)
    assert "Please enter the organisation" in text
    assert "Not a valid choice" in text
    assert _organisations() == []


# --- edit and deactivate ---------------------------------------------------------------


def test_edit_shows_the_values_and_saves_audited_changes(
    client: FlaskClient, manager: User
) -> None:
    organisation_id = make_organisation("Lisboa", country="PT").id
    text = page_text(client.get(f"/admin/organisations/{organisation_id}"))
    assert 'value="Lisboa"' in text
    assert '<option selected value="PT">' in text
    data = {"name": "Lisboa", "kind": "region", "country": "PT"}
    response = client.post(f"/admin/organisations/{organisation_id}", data=data)
    assert response.status_code == 302
    assert _organisations() == [("Lisboa", "region", "PT", True)]
    [event] = events("organisation.updated")
    assert event.details == {"kind": ["municipality", "region"]}


def test_edit_into_a_duplicate_is_refused(client: FlaskClient, manager: User) -> None:
    make_organisation("Lisboa", country="PT")
    porto_id = make_organisation("Porto", country="PT").id
    db.session.commit()
    data = {"name": "Lisboa", "kind": "municipality", "country": "PT"}
    response = client.post(f"/admin/organisations/{porto_id}", data=data)
    assert response.status_code == 422
    assert "already exists in this country" in page_text(response)
    assert [row[0] for row in _organisations()] == ["Lisboa", "Porto"]


def test_deactivation_keeps_members_and_is_audited(client: FlaskClient, manager: User) -> None:
    organisation = make_organisation("Lisboa")
    organisation_id = organisation.id
    member_id = make_user(organisation=organisation).id
    response = client.post(f"/admin/organisations/{organisation_id}/deactivate")
    assert response.status_code == 302
    assert _organisations()[0][3] is False
    member = db.session.get(User, member_id)
    assert member is not None and member.organisation_id == organisation_id
    assert "is inactive" in page_text(client.get(f"/admin/organisations/{organisation_id}"))
    assert client.post(f"/admin/organisations/{organisation_id}/reactivate").status_code == 302
    assert _organisations()[0][3] is True
    assert len(events("organisation.deactivated")) == len(events("organisation.reactivated")) == 1


def test_unknown_organisation_is_not_found(client: FlaskClient, manager: User) -> None:
    assert client.get("/admin/organisations/999999").status_code == 404


# --- services --------------------------------------------------------------------------


def test_services_validate_and_skip_no_ops(app_ctx: Flask) -> None:
    admin = make_user(roles=[Role.ADMIN])
    with pytest.raises(DomainError) as refused:
        services.create_organisation("Lisboa", OrganisationKind.MUNICIPALITY, "001", by=admin)
    assert refused.value.field == "country"
    with pytest.raises(DomainError) as refused:
        services.create_organisation(" ", OrganisationKind.MUNICIPALITY, "PT", by=admin)
    assert refused.value.field == "name"
    lisboa = services.create_organisation("Lisboa", OrganisationKind.MUNICIPALITY, "pt", by=admin)
    assert lisboa.country == "PT"
    with pytest.raises(Conflict):
        services.create_organisation("lisboa", OrganisationKind.REGION, "PT", by=admin)
    services.update_organisation(
        lisboa, name="Lisboa", kind=OrganisationKind.MUNICIPALITY, country="PT", by=admin
    )
    services.set_organisation_active(lisboa, True, by=admin)
    assert events("organisation.updated") == events("organisation.reactivated") == []


# --- countries -------------------------------------------------------------------------


def test_country_codes_are_iso_3166_alpha_2() -> None:
    codes = services.country_codes()
    assert len(codes) == 249
    assert {"PT", "FR", "MN", "BR", "AX", "CW"} <= codes
    assert not {"001", "150", "419", "EU", "EZ", "UN", "ZZ", "XA", "QO"} & codes
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)


def test_country_select_is_translated_and_sorted_by_name(client: FlaskClient) -> None:
    login(client, make_user(roles=[Role.MANAGER], locale="fr"))
    text = page_text(client.get("/admin/organisations/new"))
    assert ">Allemagne</option>" in text
    codes = _option_codes(text)
    assert codes[0] == ""
    assert set(codes[1:]) == services.country_codes()
    names = list(services.country_names("fr").values())
    # Accents do not push a name to the end: Égypte and Émirats come among the Es.
    assert names.index("Égypte") < names.index("Émirats arabes unis") < names.index("Espagne")
    assert names.index("Afrique du Sud") < names.index("Allemagne") < names.index("Zimbabwe")


@pytest.mark.usefixtures("csrf_enabled")
def test_posts_without_a_csrf_token_change_nothing(client: FlaskClient, manager: User) -> None:
    organisation_id = make_organisation("Lisboa").id
    db.session.commit()
    data = {"name": "Porto", "kind": "municipality", "country": "PT"}
    assert client.post("/admin/organisations/new", data=data).status_code == 400
    assert client.post(f"/admin/organisations/{organisation_id}", data=data).status_code == 400
    deactivate = f"/admin/organisations/{organisation_id}/deactivate"
    assert client.post(deactivate).status_code == 400
    assert _organisations() == [("Lisboa", "municipality", "PT", True)]
    assert client.get("/admin/organisations?q=lis").status_code == 200
