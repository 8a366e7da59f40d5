"""Core API routes: the OpenAPI document and the current user."""

from __future__ import annotations

from typing import Any

from flask import current_app
from pydantic import BaseModel

from academy.core.api import api_blueprint, api_user
from academy.core.api.openapi import build_document, operation

bp = api_blueprint("core", __name__)


class OrganisationOut(BaseModel):
    id: int
    name: str
    kind: str
    country: str


class MeOut(BaseModel):
    id: int
    email: str
    name: str
    locale: str | None
    job_function: str
    roles: list[str]
    organisation: OrganisationOut | None


@bp.get("/openapi.json")
@operation("The OpenAPI 3.1 description of this API", tag="meta", public=True)
def openapi_document() -> dict[str, Any]:
    return build_document(current_app)


@bp.get("/me")
@operation("The account the token belongs to", tag="accounts", response=MeOut)
def me() -> dict[str, Any]:
    user = api_user()
    org = user.organisation
    return MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        locale=user.locale,
        job_function=user.job_function,
        roles=sorted(r.value for r in user.roles),
        organisation=OrganisationOut(
            id=org.id, name=org.name, kind=org.kind.value, country=org.country
        )
        if org
        else None,
    ).model_dump()
