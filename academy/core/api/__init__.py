"""The JSON API under /api/v1: bearer-token auth, problem details, pagination.

Plugins make their API blueprint with :func:`api_blueprint` and decorate each
view with :func:`academy.core.api.openapi.operation`.  Every request to
``/api/v1`` is authenticated by its ``Authorization: Bearer`` token unless the
operation is marked ``public``; the session cookie is never used here, so the
API needs no CSRF token.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, Flask, current_app, g, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from academy.core.accounts.models import User
from academy.core.api.errors import problem
from academy.core.api.tokens import user_for_token
from academy.core.errors import DomainError
from academy.core.permissions import Permission
from academy.core.urls import page_arg
from academy.extensions import csrf, db, limiter

M = TypeVar("M", bound=BaseModel)


class ApiProblem(Exception):
    def __init__(self, status: int, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.extra = status, detail, extra


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint for a plugin's API routes (registered under /api/v1)."""
    bp = Blueprint(f"{name}_api", import_name)
    csrf.exempt(bp)
    return bp


def api_user() -> User:
    """The token's user; only call from non-public operations."""
    user: User | None = g.get("api_user")
    if user is None:
        raise ApiProblem(401, "A valid bearer token is required.")
    return user


def require_api(permission: Permission, obj: Any = None) -> User:
    user = api_user()
    if not permission(user, obj):
        raise ApiProblem(403, str(permission.description))
    return user


def parse_body(model: type[M]) -> M:
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, "The request body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise ApiProblem(422, "The request body is not valid.", errors=errors) from None


def paginate(query: Any, item: Any) -> dict[str, Any]:
    """A page of ``query`` results as {items, page, per_page, total}."""
    per_page = min(page_arg("per_page", 20), current_app.config["API_PAGE_SIZE_MAX"])
    page = db.paginate(
        query,
        page=page_arg(),
        per_page=per_page,
        error_out=False,
        count=True,
    )
    return {
        "items": [item(row) for row in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


def _authenticate() -> Any:
    if not request.path.startswith("/api/"):
        return None
    g.api_user = None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() == "bearer" and secret:
        g.api_user = user_for_token(secret.strip())
        if g.api_user is None:
            return problem(401, "The bearer token is invalid or revoked.")
    view = current_app.view_functions.get(request.endpoint or "")
    operation = getattr(view, "__openapi__", None)
    if g.api_user is None and not (operation is not None and operation.public):
        if request.endpoint is None:
            return None  # let the 404/405 answer
        return problem(401, "A valid bearer token is required.")
    return None


def _api_errors(app: Flask) -> None:
    @app.errorhandler(ApiProblem)
    def _problem(exc: ApiProblem) -> Any:
        return problem(exc.status, exc.detail, **exc.extra)

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Any:
        if request.path.startswith("/api/"):
            return problem(exc.status, exc.message)
        from academy.core.web import render_error

        return render_error(exc.status, exc.message)


def init_api(app: Flask) -> None:
    from academy.core.api.views import bp

    app.before_request(_authenticate)
    _api_errors(app)
    app.register_blueprint(bp, url_prefix="/api/v1")
    limiter.exempt(bp)


__all__ = ["ApiProblem", "HTTPException", "api_blueprint", "api_user", "paginate", "parse_body"]
