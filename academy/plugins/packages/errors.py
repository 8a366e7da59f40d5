"""The one error the package code raises: a refused package, with a clear message."""

from __future__ import annotations

from academy.core.errors import DomainError


class PackageError(DomainError):
    """A package (or a publisher key) was refused; ``message`` names the problem."""

    status = 422
