"""The OpenAPI 3.1 document describes exactly the API routes that exist."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from pydantic import BaseModel

from academy.core.api import api_blueprint
from academy.core.api.openapi import API_PREFIX, build_document, openapi_path, operation

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def api_rules(app: Flask) -> list[Any]:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX)]


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": API_PREFIX}]
    assert "Problem" in document["components"]["schemas"]


def test_every_api_route_is_documented(app: Flask, document: dict[str, Any]) -> None:
    rules = api_rules(app)
    assert rules, "the core has API routes"
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "__openapi__", None) is not None, f"{rule.rule} lacks @operation"
        path, _params = openapi_path(rule.rule[len(API_PREFIX) :])
        assert path in document["paths"], f"{rule.rule} is missing from the document"
        for method in (rule.methods or set()) - IGNORED_METHODS:
            assert method.lower() in document["paths"][path], f"{method} {rule.rule} undocumented"


def test_no_stale_documentation(app: Flask, document: dict[str, Any]) -> None:
    existing: set[tuple[str, str]] = set()
    for rule in api_rules(app):
        path, _params = openapi_path(rule.rule[len(API_PREFIX) :])
        existing.update((path, m.lower()) for m in (rule.methods or set()) - IGNORED_METHODS)
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == existing


def test_protected_operations_document_401(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, op in item.items():
            if op.get("security") == []:
                continue  # public
            assert "401" in op["responses"], f"{method.upper()} {path} does not document 401"
            problem = op["responses"]["401"]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_core_operations(document: dict[str, Any]) -> None:
    assert document["paths"]["/openapi.json"]["get"]["security"] == []
    me = document["paths"]["/me"]["get"]
    assert "security" not in me  # inherits the bearer requirement
    assert document["security"] == [{"bearer": []}]
    schema = me["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/MeOut"}


# -- a richer, test-only API on a fresh app -----------------------------------------------


class Item(BaseModel):
    id: int
    title: str
    tags: list[str] = []


class NewItem(BaseModel):
    title: str


def _items_api() -> Blueprint:
    bp = api_blueprint("items", __name__)

    @bp.get("/items")
    @operation("List items", tag="items", response=Item, query=(("q", "string", "Search"),))
    def list_items() -> dict[str, Any]:
        return {}

    @bp.route("/items/<int:item_id>", methods=["GET", "PUT"])
    @operation("Read or replace an item", tag="items", request=NewItem, response=Item)
    def item(item_id: int) -> dict[str, Any]:
        return {}

    @bp.get("/items/<slug>/export.txt")
    @operation("Export as text", tag="items", public=True, content_type="text/plain")
    def export(slug: str) -> str:
        return ""

    return bp


def test_generated_document_for_a_richer_api_is_valid(make_app: Any) -> None:
    application = make_app(migrate=False, blueprints=[(_items_api(), "/api/v1")])
    with application.app_context():
        doc = build_document(application)
    validate(doc)
    put = doc["paths"]["/items/{item_id}"]["put"]
    assert put["parameters"][0] == {
        "name": "item_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    }
    assert {"400", "401", "422"} <= set(put["responses"])
    get = doc["paths"]["/items/{item_id}"]["get"]
    assert (get["operationId"], put["operationId"]) == ("items_api_item_get", "items_api_item_put")
    assert put["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("NewItem")
    listing = doc["paths"]["/items"]["get"]
    assert listing["parameters"][0]["in"] == "query"
    export = doc["paths"]["/items/{slug}/export.txt"]["get"]
    assert "text/plain" in export["responses"]["200"]["content"]
    assert {"Item", "NewItem", "Problem"} <= set(doc["components"]["schemas"])


@pytest.mark.parametrize(
    ("rule", "path", "names"),
    [
        ("/me", "/me", []),
        ("/courses/<slug>", "/courses/{slug}", ["slug"]),
        ("/a/<int:a_id>/b/<path:rest>", "/a/{a_id}/b/{rest}", ["a_id", "rest"]),
        ("/x/<string(length=2):code>", "/x/{code}", ["code"]),
    ],
)
def test_openapi_path(rule: str, path: str, names: list[str]) -> None:
    converted, params = openapi_path(rule)
    assert converted == path
    assert [p["name"] for p in params] == names
