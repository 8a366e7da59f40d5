"""Fixtures of the courses tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g, request_started


def _forget_request_state(_sender: Flask, **_extra: Any) -> None:
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)


@pytest.fixture(autouse=True)
def _fresh_request_state(app: Flask) -> Iterator[None]:
    """Each request finds its own user and language, as in production.

    Tests keep one app context for all their requests, so without this the
    user and locale cached in ``g`` by the first request would stick.
    """
    request_started.connect(_forget_request_state, app)
    yield
    request_started.disconnect(_forget_request_state, app)
