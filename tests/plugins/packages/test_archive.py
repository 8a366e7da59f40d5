"""Safe zip reading: hostile entry names, limits, bombs; deterministic writing."""

from __future__ import annotations

import random
import stat
import zipfile

import pytest
from flask import Flask

from academy.plugins.packages.archive import Limits, read_directory, read_zip, write_zip
from academy.plugins.packages.errors import PackageError
from tests.plugins.packages.builders import raw_zip, sample_files, write_package

LIMITS = Limits(max_files=50, max_file_bytes=4 * 1024 * 1024, max_total_bytes=6 * 1024 * 1024)


def refused(data: bytes, fragment: str, limits: Limits = LIMITS) -> None:
    with pytest.raises(PackageError) as caught:
        read_zip(data, limits)
    assert fragment in caught.value.message


def test_write_zip_is_deterministic_and_reads_back(app_ctx: Flask) -> None:
    files = sample_files()
    data = write_zip(files)
    assert data == write_zip(dict(reversed(list(files.items()))))
    assert read_zip(data, LIMITS) == files


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("../evil.md", "points outside the package"),
        ("en/../../evil.md", "points outside the package"),
        ("/etc/passwd", "is an absolute path"),
        ("C:/windows/evil.md", "is an absolute path"),
        ("c:evil.md", "is an absolute path"),
        ("en\\lessons\\evil.md", "contains a backslash"),
        ("en//lessons.md", "is malformed"),
        ("./course.toml", "is malformed"),
        ("en/\x01.md", "is malformed"),
    ],
)
def test_hostile_names_are_refused(app_ctx: Flask, name: str, fragment: str) -> None:
    info = zipfile.ZipInfo("placeholder")
    info.filename = name  # bypass zipfile's own clean-up of the name
    refused(raw_zip([("course.toml", b"x"), (info, b"data")]), fragment)


def test_symlink_is_refused(app_ctx: Flask) -> None:
    info = zipfile.ZipInfo("assets/link.png")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    refused(raw_zip([("course.toml", b"x"), (info, b"/etc/passwd")]), "is a symbolic link")


def test_duplicate_entries_are_refused(app_ctx: Flask) -> None:
    refused(raw_zip([("course.toml", b"a"), ("course.toml", b"b")]), "appears twice")


def test_too_many_files_are_refused(app_ctx: Flask) -> None:
    entries = [(f"assets/{n}.txt", b"x") for n in range(51)]
    refused(raw_zip(entries), "too many files (more than 50)")  # type: ignore[arg-type]


def test_file_over_the_size_limit_is_refused(app_ctx: Flask) -> None:
    big = random.Random(1).randbytes(5 * 1024 * 1024)  # does not compress
    refused(raw_zip([("assets/big.bin", big)]), "larger than 4 MiB")


def test_total_over_the_size_limit_is_refused(app_ctx: Flask) -> None:
    part = random.Random(2).randbytes(3 * 1024 * 1024)
    entries = [("assets/a.bin", part), ("assets/b.bin", part), ("assets/c.bin", part)]
    refused(raw_zip(entries), "package is larger than 6 MiB")  # type: ignore[arg-type]


def test_zip_bomb_is_refused(app_ctx: Flask) -> None:
    bomb = b"\0" * (3 * 1024 * 1024)  # deflates about 1000:1
    refused(raw_zip([("assets/zeros.bin", bomb)]), "looks like a zip bomb")


def test_lying_header_sizes_are_not_believed(app_ctx: Flask) -> None:
    data = bytearray(raw_zip([("assets/a.txt", b"hello world" * 10)]))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (3).to_bytes(4, "little")  # claim 3 bytes
    refused(bytes(data), "not a valid zip archive")


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04garbage"])
def test_not_a_zip_is_refused(app_ctx: Flask, data: bytes) -> None:
    refused(data, "not a valid zip archive")


def test_truncated_zip_is_refused(app_ctx: Flask) -> None:
    data = write_zip(sample_files())
    for cut in (10, len(data) // 2, len(data) - 10):
        with pytest.raises(PackageError):
            read_zip(data[:cut], LIMITS)


def test_directory_skips_dot_files_and_refuses_symlinks(app_ctx: Flask, tmp_path) -> None:
    files = sample_files()
    root = write_package(tmp_path / "pkg", files)
    (root / ".gitkeep").write_text("")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref")
    assert read_directory(root, LIMITS) == files
    (root / "assets" / "link.png").symlink_to(root / "assets" / "diagram.png")
    with pytest.raises(PackageError, match="symbolic link"):
        read_directory(root, LIMITS)


def test_directory_limits(app_ctx: Flask, tmp_path) -> None:
    root = write_package(tmp_path / "pkg", sample_files())
    with pytest.raises(PackageError, match="too many files"):
        read_directory(root, Limits(max_files=3))
    with pytest.raises(PackageError, match="is not a folder"):
        read_directory(root / "course.toml", LIMITS)
