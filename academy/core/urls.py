"""Safe redirects: only to paths on this site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for


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
