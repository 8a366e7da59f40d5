"""The certificates blueprint, its loaders, the verification rate limit and template helpers.

The blueprint has no URL prefix: it serves ``/certificates/…``, ``/verify…``,
``/issuer`` and ``/.well-known/jwks.json``.
"""

from __future__ import annotations

import json
from typing import Any

from babel.units import format_unit
from flask import Blueprint, Response, abort, current_app, redirect, url_for
from flask_babel import format_date, format_datetime, format_decimal
from flask_login import current_user

from academy.core.accounts.models import User
from academy.core.permissions import check
from academy.extensions import limiter
from academy.plugins.certificates import codes, services
from academy.plugins.certificates.models import Certificate
from academy.plugins.certificates.permissions import can_manage_certificates
from academy.plugins.courses.languages import language_name, ui_language

bp = Blueprint("certificates", __name__, template_folder="templates")

#: Verification pages and credential files, per client address (see ``setup``).
DEFAULT_VERIFY_LIMIT = "60 per minute;600 per hour"


def _verify_limit() -> str:
    return str(current_app.config.get("CERTIFICATES_RATELIMIT_VERIFY", DEFAULT_VERIFY_LIMIT))


#: One budget shared by /verify, /verify/<code>(.json), the credential files and the API.
verify_limit = limiter.shared_limit(_verify_limit, scope="certificates-verify")


def me() -> User:
    user: User = current_user._get_current_object()
    return user


def found_or_404(text: str) -> Certificate:
    """The certificate with this code (typed loosely), or 404."""
    certificate = services.by_code(text)
    if certificate is None:
        abort(404)
    return certificate


def canonical_redirect(text: str, endpoint: str, **values: Any) -> Any:
    """Redirect a loosely typed code (``7kq2 m9xd 4trb``) to its printed form, else None."""
    code = codes.parse(text)
    if code is not None and code != text:
        return redirect(url_for(endpoint, code=code, **values), 301)
    return None


def json_document(document: Any, mimetype: str = "application/json") -> Response:
    """A JSON document as stored (keys in their order), UTF-8, indented for people."""
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return Response(body, mimetype=mimetype)


def hours_label(hours: float) -> str:
    """A number of hours, localised ("12.5 hours", "12,5 heures")."""
    locale = ui_language()
    text = format_unit(hours, "duration-hour", "long", format="#,##0.##", locale=locale)
    if "duration" in text:  # no long form in this locale
        text = format_unit(hours, "duration-hour", "short", format="#,##0.##", locale=locale)
    return text


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "format_date": format_date,
        "format_datetime": format_datetime,
        "format_decimal": format_decimal,
        "hours_label": hours_label,
        "language_name": language_name,
        "can_manage_certificates": lambda: can_manage_certificates(current_user),
    }


def managed(text: str) -> Certificate:
    """A certificate a manager acts on (403 for others, 404 if unknown)."""
    check(can_manage_certificates)
    return found_or_404(text)
