"""Every kind of bad package is refused with one clear message, changing nothing."""

from __future__ import annotations

import base64
import json
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.services import import_package, verify_package
from academy.plugins.packages.signing import SIGNATURE, Signer
from tests.plugins.packages.builders import raw_zip, sample_files, signed_zip, unzip
from tests.plugins.packages.helpers import install

Counts = Callable[[], dict[str, int]]
SIGNER = "partner-academy"


def files_on_disk(app: Flask) -> set[str]:
    root = Path(app.instance_path) / "files"
    return {str(p.relative_to(root)) for p in root.rglob("*")} if root.exists() else set()


def resign(signer: Signer, change: Callable[[dict[str, bytes]], None]) -> bytes:
    files = sample_files("2.0.0")
    change(files)
    return signed_zip(files, signer)


def rezip(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    files = unzip(data)
    change(files)
    return raw_zip(list(files.items()))  # type: ignore[arg-type]


def with_entry(data: bytes, info: zipfile.ZipInfo, content: bytes) -> bytes:
    return raw_zip([*unzip(data).items(), (info, content)])  # type: ignore[list-item]


def named(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("x")
    info.filename = name
    return info


def symlink() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("assets/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def flip(data: bytes, path: str) -> bytes:
    return rezip(data, lambda f: f.__setitem__(path, bytes([f[path][0] ^ 1]) + f[path][1:]))


def bad_signature(data: bytes) -> bytes:
    def change(files: dict[str, bytes]) -> None:
        signature = json.loads(files[SIGNATURE])
        raw = bytearray(base64.b64decode(signature["signature"]))
        raw[0] ^= 1
        signature["signature"] = base64.b64encode(bytes(raw)).decode()
        files[SIGNATURE] = json.dumps(signature).encode()

    return rezip(data, change)


def replace(path: str, old: bytes, new: bytes) -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        assert old in files[path]
        files[path] = files[path].replace(old, new, 1)

    return change


CASES: list[tuple[str, Callable[[bytes, Signer], bytes], str]] = [
    ("hash", lambda d, s: flip(d, "en/lessons/welcome.md"), "does not match its hash"),
    ("asset hash", lambda d, s: flip(d, "assets/diagram.png"), "does not match its hash"),
    ("bad signature", lambda d, s: bad_signature(d), "signature is not valid"),
    ("no signature", lambda d, s: rezip(d, lambda f: f.pop(SIGNATURE)), "is not signed"),
    ("parent", lambda d, s: with_entry(d, named("../x.md"), b"x"), "points outside"),
    ("absolute", lambda d, s: with_entry(d, named("/x.md"), b"x"), "absolute path"),
    ("backslash", lambda d, s: with_entry(d, named("en\\x.md"), b"x"), "backslash"),
    ("drive", lambda d, s: with_entry(d, named("C:/x.md"), b"x"), "absolute path"),
    ("symlink", lambda d, s: with_entry(d, symlink(), b"/etc"), "symbolic link"),
    ("duplicate", lambda d, s: with_entry(d, named("course.toml"), b"x"), "appears twice"),
    ("not a zip", lambda d, s: d[: len(d) // 2], "not a valid zip archive"),
    (
        "utf-8",
        lambda d, s: resign(s, lambda f: f.__setitem__("en/course.md", b"+++\n\xff\n+++\n")),
        "en/course.md is not valid UTF-8",
    ),
    (
        "toml",
        lambda d, s: resign(s, replace("course.toml", b"[course]", b"[course")),
        "course.toml is not valid TOML",
    ),
    (
        "format version",
        lambda d, s: resign(
            s, replace("course.toml", b"format_version = 1", b"format_version = 9")
        ),
        "unknown format version 9",
    ),
    (
        "duplicate id",
        lambda d, s: resign(s, replace("course.toml", b'id = "practice"', b'id = "welcome"')),
        "the id welcome is used twice",
    ),
    (
        "malformed id",
        lambda d, s: resign(s, replace("course.toml", b'id = "practice"', b'id = "Practice!"')),
        "is not a valid id",
    ),
    (
        "missing id",
        lambda d, s: resign(s, replace("course.toml", b'id = "practice"\n', b"")),
        "id is missing",
    ),
    (
        "missing asset",
        lambda d, s: resign(s, lambda f: f.pop("assets/diagram.png")),
        "refers to assets/diagram.png, which is not in the package",
    ),
    (
        "correct answer",
        lambda d, s: resign(s, replace("course.toml", b'correct = ["a"]', b'correct = ["c"]')),
        "is not among the choices",
    ),
]


@pytest.mark.parametrize(("case", "make", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_package_is_refused_and_changes_nothing(
    app: Flask,
    partner: Signer,
    counts: Counts,
    case: str,
    make: Callable[[bytes, Signer], bytes],
    fragment: str,
) -> None:
    install(partner)
    good = signed_zip(sample_files("2.0.0"), partner)
    data = make(good, partner)
    before, disk = counts(), files_on_disk(app)
    for attempt in (lambda: verify_package(data), lambda: import_package(data, trust=True)):
        with pytest.raises(PackageError) as caught:
            attempt()
        assert fragment in caught.value.message
    assert counts() == before and files_on_disk(app) == disk


def test_size_limits_come_from_the_config(app: Flask, partner: Signer, counts: Counts) -> None:
    data = signed_zip(sample_files(), partner)
    before = counts()
    for setting, value, fragment in [
        ("PACKAGE_MAX_FILES", 5, "too many files (more than 5)"),
        ("PACKAGE_MAX_FILE_BYTES", 64, "larger than 0 MiB"),
        ("PACKAGE_MAX_TOTAL_BYTES", 1000, "package is larger than"),
    ]:
        old = app.config[setting]
        app.config[setting] = value
        try:
            with pytest.raises(
                PackageError, match=fragment.replace("(", r"\(").replace(")", r"\)")
            ):
                import_package(data, trust=True)
        finally:
            app.config[setting] = old
    assert counts() == before
