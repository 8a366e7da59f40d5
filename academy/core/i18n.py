"""Interface language: the user's preference, else the switcher, else the browser.

The switcher stores the choice in the session and a long-lived cookie, so an
anonymous visitor keeps it; a signed-in user's choice is saved to the profile.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.wrappers import Response

from academy.core.urls import safe_next_url
from academy.extensions import db

COOKIE = "academy_lang"
bp = Blueprint("i18n", __name__)

#: Each language's name in that language, for the switcher.
NATIVE_NAMES = {
    "en": "English",
    "fr": "Français",
    "pt": "Português",
    "es": "Español",
    "mn": "Монгол",
}


def languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def select_locale() -> str:
    offered = languages()
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in offered:
        return str(user_locale)
    chosen = session.get("locale") or request.cookies.get(COOKIE)
    if chosen in offered:
        return str(chosen)
    return request.accept_languages.best_match(offered) or offered[0]


def language_choices() -> list[tuple[str, str]]:
    return [
        (code, NATIVE_NAMES.get(code, Locale.parse(code).get_display_name(code) or code))
        for code in languages()
    ]


@bp.post("/language")
def switch_language() -> Response:
    code = request.form.get("language", "")
    target = safe_next_url(request.form.get("next"))
    response = redirect(target)
    if code not in languages():
        return response
    session["locale"] = code
    response.set_cookie(
        COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.flush()
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _i18n_context() -> dict[str, Any]:
        return {
            "language_choices": language_choices,
            "current_locale": lambda: str(get_locale() or "en"),
        }
