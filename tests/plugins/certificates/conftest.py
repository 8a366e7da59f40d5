"""Fixtures of the certificates tests: fresh request state per request, fresh apps for the CLI."""

from tests.core.conftest import make_app
from tests.plugins.courses.conftest import _fresh_request_state

__all__ = ["_fresh_request_state", "make_app"]
