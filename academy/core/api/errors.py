"""RFC 9457 problem details for every API error."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, jsonify

PROBLEM_TYPE = "about:blank"


def problem(status: int, detail: str | None = None, **extra: Any) -> Response:
    """A ``application/problem+json`` response: type, title, status, detail, extras."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {"type": PROBLEM_TYPE, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="academy"'
    return response
