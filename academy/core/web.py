"""Home page, error pages, security headers and template helpers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from academy.core import permissions
from academy.core.plugins import enabled

bp = Blueprint("main", __name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please sign in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The upload is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
}
ERROR_TEXTS = {
    400: _l("Please go back, check what you entered and try again."),
    401: _l("This page is only for signed-in users."),
    403: _l("Your account does not have the right needed for this page."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("Please go back and use the buttons on the page."),
    413: _l("Please choose a smaller file."),
    429: _l("Please wait a minute before trying again."),
    500: _l(
        "Nothing you entered was saved by the failed request. Please try again; "
        "if it keeps happening, tell the academy's team."
    ),
}


@bp.get("/")
def home() -> str:
    return render_template("main/home.html")


@bp.get("/healthz")
def health() -> dict[str, str]:
    return {"status": "ok"}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException) -> Any:
    code = error.code or 500
    if is_api_request():
        from academy.core.api.errors import problem

        return problem(code, str(error.description) if code in (400, 403, 404, 409) else None)
    if code == 401:
        from academy.extensions import login_manager

        return login_manager.unauthorized()
    detail = error.description if code == 403 and g.get("missing_permission") else None
    return render_error(code, detail)


def render_error(code: int, detail: str | None = None) -> Any:
    """The translated error page for ``code``, with an optional specific message."""
    title = ERROR_TITLES.get(code, ERROR_TITLES[400])
    text = ERROR_TEXTS.get(code, "")
    return render_template(
        "errors/error.html", code=code, title=title, text=text, detail=detail
    ), code


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def navigation() -> list[tuple[str, Any]]:
    """(endpoint, label) pairs the current user may open, from the core and plugins."""
    from flask import current_app

    items: list[tuple[str, Any]] = []
    for plugin in enabled(current_app).values():
        for endpoint, label, permission in plugin.nav:
            if permission is None or permission(current_user):
                items.append((endpoint, label))
    return items


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, handle_http_error)
    app.after_request(set_security_headers)

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {
            "can": lambda permission, obj=None: permission(current_user, obj),
            "perm": permissions,
            "navigation": navigation,
        }
