"""The QR code of a certificate PDF, read back from the page's drawing.

The PDF draws its QR code as filled rectangles, one per run of dark modules in a row
(``x y w h re f``).  :func:`qr_modules` rebuilds the grid of dark modules from them, so a
test can check that the code encodes an expected URL by drawing that URL's code with
segno and comparing the grids, without an image decoder.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections import Counter

import segno

_STREAM = re.compile(rb"<<((?:(?!<<).)*?)>>\s*stream\r?\n", re.S)
_LENGTH = re.compile(rb"/Length (\d+)(?! \d+ R)")
_FILLED_RECT = re.compile(r"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re f\*?(?=\s)")


def _content_streams(pdf: bytes) -> list[str]:
    texts = []
    for found in _STREAM.finditer(pdf):
        header, length = found.group(1), _LENGTH.search(found.group(1))
        if length is None:
            continue
        data = pdf[found.end() : found.end() + int(length.group(1))]
        if b"ASCII85Decode" in header:
            data = base64.a85decode(data.strip().removesuffix(b"~>"))
        if b"FlateDecode" in header:
            try:
                data = zlib.decompress(data)
            except zlib.error:
                continue
        texts.append(data.decode("latin-1"))
    return texts


def qr_modules(pdf: bytes) -> list[list[bool]]:
    """The dark modules of the QR code drawn in ``pdf``, row by row from the top."""
    rects = [
        tuple(float(v) for v in match.groups())
        for text in _content_streams(pdf)
        for match in _FILLED_RECT.finditer(text)
    ]
    assert rects, "the PDF draws no filled rectangle (no vector QR code)"
    module = Counter(round(h, 3) for _x, _y, _w, h in rects).most_common(1)[0][0]
    squares = [r for r in rects if round(r[3], 3) == module]
    left = min(x for x, _y, _w, _h in squares)
    top = max(y + h for _x, y, _w, h in squares)
    size = round((max(x + w for x, _y, w, _h in squares) - left) / module)
    grid = [[False] * size for _ in range(size)]
    for x, y, w, _h in squares:
        row = round((top - y) / module) - 1
        first = round((x - left) / module)
        for column in range(first, first + round(w / module)):
            grid[row][column] = True
    return grid


def encodes(pdf: bytes, url: str) -> bool:
    """Whether the QR code in ``pdf`` is the code of ``url`` (as the certificate draws it)."""
    expected = [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]
    return qr_modules(pdf) == expected
