"""Typed reading of parsed TOML tables, with one clear message per problem.

A :class:`Table` wraps one table of a package file and names where it is
("course.toml, item colleague-to-colleague"), so every error tells the author
which file and which field to fix.  Unknown fields are refused by
:meth:`Table.finish`, so a typo never passes silently.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from academy.plugins.packages.errors import PackageError

ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,79}$")
HASH_PATTERN = re.compile(r"^[0-9a-f]{64}$")
MISSING = object()


def check_id(value: str, where: str, field: str = "id") -> str:
    if not ID_PATTERN.match(value):
        raise PackageError(
            _(
                "%(where)s: %(field)s %(value)s is not a valid id (lower-case letters, digits "
                "and hyphens, starting with a letter, at most 80 characters).",
                where=where,
                field=field,
                value=repr(value)[:90],
            )
        )
    return value


class Table:
    """One TOML table: typed getters that remember which keys were read."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise PackageError(_("%(where)s must be a table.", where=where))
        self.data: dict[str, Any] = data
        self.where = where
        self.read: set[str] = set()

    def _get(self, key: str, required: bool) -> Any:
        self.read.add(key)
        value = self.data.get(key, MISSING)
        if value is MISSING and required:
            raise self.error(_("%(where)s: %(field)s is missing.", where=self.where, field=key))
        return value

    def error(self, message: str) -> PackageError:
        return PackageError(message)

    def text(self, key: str, *, required: bool = True, default: str = "", limit: int = 0) -> str:
        value = self._get(key, required)
        if value is MISSING:
            return default
        if not isinstance(value, str):
            raise self.error(_("%(where)s: %(field)s must be text.", where=self.where, field=key))
        if limit and len(value) > limit:
            raise self.error(
                _(
                    "%(where)s: %(field)s must be at most %(limit)s characters long.",
                    where=self.where,
                    field=key,
                    limit=limit,
                )
            )
        return value

    def integer(self, key: str, low: int, high: int, *, default: int | None = None) -> int:
        value = self._get(key, default is None)
        if value is MISSING:
            return int(default or 0)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(
                _(
                    "%(where)s: %(field)s must be a whole number from %(low)s to %(high)s.",
                    where=self.where,
                    field=key,
                    low=low,
                    high=high,
                )
            )
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, False)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            raise self.error(
                _("%(where)s: %(field)s must be true or false.", where=self.where, field=key)
            )
        return value

    def strings(self, key: str, *, required: bool = True) -> list[str]:
        value = self._get(key, required)
        if value is MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(
                _("%(where)s: %(field)s must be a list of text.", where=self.where, field=key)
            )
        return list(value)

    def tables(self, key: str, *, required: bool = True) -> list[Any]:
        value = self._get(key, required)
        if value is MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(
                _("%(where)s: %(field)s must be a list of tables.", where=self.where, field=key)
            )
        return list(value)

    def table(self, key: str, *, required: bool = True) -> dict[str, Any]:
        value = self._get(key, required)
        if value is MISSING:
            return {}
        if not isinstance(value, dict):
            raise self.error(
                _("%(where)s: %(field)s must be a table.", where=self.where, field=key)
            )
        return value

    def finish(self) -> None:
        """Refuse any key that no getter asked for."""
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            raise self.error(
                _("%(where)s: unknown field %(field)s.", where=self.where, field=unknown[0])
            )
