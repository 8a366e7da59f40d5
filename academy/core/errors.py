"""Domain errors raised by services and turned into messages by views and the API."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the action.

    ``message`` is already translated (services use ``_`` with named
    placeholders); ``status`` is the HTTP status the API answers with;
    ``field`` names the form field at fault, when there is one.
    """

    status = 400

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403
