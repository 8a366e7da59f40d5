"""A small TOML writer for the files a package export produces.

Only what packages need: strings, integers, booleans, lists of strings, tables
and arrays of tables.  Strings are always basic strings with escapes, so what
is written reads back identically.
"""

from __future__ import annotations

import re
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def string(value: str) -> str:
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def key(name: str) -> str:
    return name if _BARE_KEY.match(name) else string(name)


def value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, (list, tuple)):
        return "[" + ", ".join(value(inner) for inner in item) + "]"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")


def pairs(values: dict[str, Any], indent: str = "") -> str:
    """``key = value`` lines for the scalar (and list) entries, skipping None."""
    return "".join(
        f"{indent}{key(name)} = {value(item)}\n"
        for name, item in values.items()
        if item is not None
    )


def header(path: list[str], *, array: bool = False, indent: str = "") -> str:
    dotted = ".".join(key(part) for part in path)
    return f"{indent}[[{dotted}]]\n" if array else f"{indent}[{dotted}]\n"
