"""Fixtures of the learning tests: each request finds its own user and language."""

from tests.plugins.courses.conftest import _fresh_request_state

__all__ = ["_fresh_request_state"]
