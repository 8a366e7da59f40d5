"""Small CommonMark writing helpers: escaping text, and writing spans, links, code, tables.

Escaping follows CommonMark: a backslash before ASCII punctuation makes it
literal, and a backslash before anything else is itself literal, so LaTeX
commands (``\\frac``) are left as they are.  Square brackets are written as
character references, because Academy's renderer keeps ``\\[ … \\]`` as maths.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = frozenset(string.punctuation)
_ALWAYS = frozenset("`*_<>~|")
#: Brackets as character references: ``\[`` would open display maths in the renderer.
_ENTITIES = {"[": "&#91;", "]": "&#93;"}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_LINE_START = (
    (re.compile(r"^(#{1,6})(?=\s|$)"), lambda m: "\\" + m.group(1)),
    (re.compile(r"^([>])"), lambda m: "\\" + m.group(1)),
    (re.compile(r"^([+-])(?=\s|$)"), lambda m: "\\" + m.group(1)),
    (re.compile(r"^(=+\s*|-[-\s]*)$"), lambda m: "\\" + m.group(0)),
    (re.compile(r"^(\d{1,9})([.)])(?=\s|$)"), lambda m: m.group(1) + "\\" + m.group(2)),
)
_BARE_PIPE = re.compile(r"(?<!\\)\|")
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\n": "", "\t": ""}


def escape_text(text: str) -> str:
    """``text`` as Markdown that renders as exactly this text (inline)."""
    out = []
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        if char in _ALWAYS:
            out.append("\\" + char)
        elif char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char == "\\" and (not following.strip() or following in _PUNCTUATION):
            out.append("\\\\")
        elif char == "&" and _ENTITY.match(text, index):
            out.append("\\&")
        else:
            out.append(char)
    return "".join(out)


def escape_line(line: str) -> str:
    """``line`` made safe at the start of a line (no heading, quote or list marker)."""
    for pattern, replace in _LINE_START:
        line, count = pattern.subn(replace, line, count=1)
        if count:
            break
    return line


def escape_heading(content: str) -> str:
    """Heading content whose trailing # would be taken for a closing sequence."""
    return content[:-1] + "\\#" if content.endswith("#") else content


def emphasis(marker: str, content: str) -> str:
    """``content`` between ``marker``s, with outer white space kept outside them."""
    inner = content.strip()
    if not inner:
        return content
    lead = content[: len(content) - len(content.lstrip())]
    trail = content[len(content.rstrip()) :]
    return f"{lead}{marker}{inner}{marker}{trail}"


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(re.escape(char) + "+", text)
    return max((len(run) for run in runs), default=0)


def code_span(text: str) -> str:
    text = " ".join(text.split("\n"))
    if not text.strip():
        return text
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(code: str) -> str:
    ticks = "`" * max(3, _longest_run(code, "`") + 1)
    return f"{ticks}\n{code.strip(chr(10))}\n{ticks}"


def url(target: str) -> str:
    """A URL that fits between the parentheses of a Markdown link."""
    return "".join(_URL_UNSAFE.get(char, char) for char in target)


def link(text: str, target: str) -> str:
    """``[text](target)``; a link without text shows its address."""
    label = text.strip() or escape_text(target)
    return f"[{label}]({url(target)})"


def table(rows: list[list[str]]) -> str:
    """A GFM table: the first row is the header; cells padded to the widest row."""
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    cells = [[_cell(c) for c in row] + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(row) + " |" for row in cells]
    lines.insert(1, "|" + " --- |" * width)
    return "\n".join(lines)


def _cell(content: str) -> str:
    """A cell's content on one line; a pipe left unescaped (in code) is escaped."""
    return " ".join(_BARE_PIPE.sub(r"\\|", content).split()) or " "
