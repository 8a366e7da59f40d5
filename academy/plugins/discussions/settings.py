"""The discussions plugin's settings, with their defaults.

``setup`` puts each setting in ``app.config`` unless ``create_app`` was given
it; an environment variable ``ACADEMY_<SETTING>`` overrides the default.  The
code reads them from ``current_app.config`` at request time, never at import.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    # Flask-Limiter string: how often one person may post (threads and replies).
    "DISCUSSIONS_RATELIMIT_POST": "6 per minute;60 per hour",
    # Longest post, in characters of Markdown.
    "DISCUSSIONS_POST_MAX_CHARS": 10_000,
    # How long authors may edit their post after writing it.
    "DISCUSSIONS_EDIT_MINUTES": 30,
    # Accounts younger than this many hours may put at most ..._NEW_ACCOUNT_MAX_LINKS links
    # in a post (moderators are exempt).
    "DISCUSSIONS_NEW_ACCOUNT_HOURS": 24,
    "DISCUSSIONS_NEW_ACCOUNT_MAX_LINKS": 1,
    # Threads per page of a board, posts per page of a thread.
    "DISCUSSIONS_PAGE_SIZE": 30,
    # Longest mute a moderator may set, in days.
    "DISCUSSIONS_MUTE_MAX_DAYS": 365,
}


def _coerce(value: str, default: Any) -> Any:
    return int(value) if isinstance(default, int) else value


def init_settings(app: Flask, environ: Mapping[str, str] | None = None) -> None:
    """Defaults, then the environment, then what ``create_app`` was given (kept as is)."""
    environ = os.environ if environ is None else environ
    for name, default in DEFAULTS.items():
        if name in app.config:
            continue
        raw = environ.get(f"ACADEMY_{name}")
        try:
            app.config[name] = default if raw is None else _coerce(raw, default)
        except ValueError:
            raise ValueError(f"environment variable ACADEMY_{name}: expected a number") from None
