"""Property tests: broken packages never raise anything but PackageError, never half-import."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.extensions import db
from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.services import import_package, verify_package
from tests.plugins.packages.builders import new_signer, raw_zip, sample_files, signed_zip
from tests.plugins.packages.conftest import row_counts

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PUBLISHER = new_signer("fuzz-publisher", "Fuzz publisher")
GOOD = signed_zip(sample_files(), PUBLISHER)
MANIFEST = sample_files()["course.toml"].decode()
TOML_BITS = st.sampled_from(
    [
        '"',
        "'",
        "[",
        "]",
        "[[",
        "=",
        "\n",
        "#",
        "{",
        "}",
        ",",
        ".",
        "-",
        "0",
        "1.0.0",
        "true",
        "id",
        "modules",
        "items",
        "type",
        "quiz",
        "\\",
        "\x00",
        "é",
        "format_version",
        " ",
    ]
)


@contextmanager
def attempt() -> Iterator[None]:
    """Try an import: PackageError leaves the counts as they were; success is undone."""
    before = row_counts()
    nested = db.session.begin_nested()
    try:
        yield
    except PackageError as exc:
        assert exc.message and "\n" not in exc.message
        assert row_counts() == before
    finally:
        if nested.is_active:
            nested.rollback()
    assert row_counts() == before


def check(data: bytes) -> None:
    with attempt():
        verify_package(data)
    with attempt():
        import_package(data, trust=True)


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(1, 255)), min_size=1, max_size=4)
)
def test_byte_flips(app_ctx: Flask, flips: list[tuple[int, int]]) -> None:
    data = bytearray(GOOD)
    for index, mask in flips:
        data[index] ^= mask
    check(bytes(data))


@FUZZ
@given(st.integers(0, len(GOOD) - 1))
def test_truncated_zips(app_ctx: Flask, cut: int) -> None:
    check(GOOD[:cut])


@FUZZ
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=30), st.binary(max_size=200)),
        max_size=6,
    )
)
def test_random_entries(app_ctx: Flask, entries: list[tuple[str, bytes]]) -> None:
    infos = []
    for name, content in entries:
        info = zipfile.ZipInfo("x")
        info.filename = name
        infos.append((info, content))
    try:
        data = raw_zip(infos)  # type: ignore[arg-type]
    except (ValueError, UnicodeEncodeError):
        return  # zipfile itself cannot write such a name
    check(data)
    files = sample_files()
    extra = {name: content for name, content in entries if name not in files}
    check(signed_zip({**files, **extra}, PUBLISHER))


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(MANIFEST)), st.integers(0, 12), TOML_BITS),
        min_size=1,
        max_size=3,
    )
)
def test_mutated_manifests(app_ctx: Flask, edits: list[tuple[int, int, str]]) -> None:
    text = MANIFEST
    for start, length, insert in edits:
        text = text[:start] + insert + text[start + length :]
    files = sample_files()
    files["course.toml"] = text.encode("utf-8", "surrogatepass")
    check(signed_zip(files, PUBLISHER))


@FUZZ
@given(
    st.sampled_from(sorted(p for p in sample_files() if p.endswith((".md", ".toml")))),
    st.binary(max_size=300),
)
def test_random_file_content(app_ctx: Flask, path: str, content: bytes) -> None:
    files = sample_files()
    files[path] = content
    check(signed_zip(files, PUBLISHER))


def test_fuzz_helpers_accept_a_good_package(app_ctx: Flask, counts: Callable[[], object]) -> None:
    with attempt():
        report = import_package(GOOD, trust=True)
        assert report.applied
