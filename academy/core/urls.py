"""URLs: safe redirects (only to paths on this site), public links, ids and page numbers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, request, url_for

#: The largest id a database row can have (PostgreSQL's ``integer``).
MAX_ID = 2**31 - 1


def refuse_impossible_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """404 for a URL whose ``<int:…>`` part is larger than any row id can be, before the
    view's query overflows the database driver (which would be a 500)."""
    if values and any(isinstance(value, int) and value > MAX_ID for value in values.values()):
        abort(404)


def page_arg(name: str = "page", default: int = 1) -> int:
    """A page number (or page size) from the query string: ``default`` when absent, zero or
    not a number, at least 1, and at most ``MAX_ID`` so that no OFFSET overflows."""
    value = request.args.get(name, default, type=int) or default
    return min(max(value, 1), MAX_ID)


def safe_next_url(target: str | None, default_endpoint: str = "main.home") -> str:
    """``target`` if it is a local path (no scheme, no host, no '//' or '\\'), else home."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for(default_endpoint)


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link for emails, built on ACADEMY_BASE_URL, never on the request's Host."""
    base = urlsplit(current_app.config["ACADEMY_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
