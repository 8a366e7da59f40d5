"""Reading packages safely into a ``{path: bytes}`` map, and writing deterministic zips.

A package comes from anywhere, so nothing in the zip is trusted: entry names
are checked (no ``..``, absolute paths, backslashes, drive letters, symlinks or
duplicates), the number of files and the bytes read are capped while reading
(header sizes are never believed), and a file that inflates more than
:data:`MAX_RATIO` times past one MiB is taken for a zip bomb.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from academy.plugins.packages.errors import PackageError

MIB = 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = MIB
CHUNK = 64 * 1024
#: Every entry gets this time stamp, so the same files always zip to the same bytes.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_DRIVE = re.compile(r"^[A-Za-z]:")
_ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
    zlib.error,
    struct.error,
    OverflowError,
    IndexError,
    KeyError,
)


@dataclass(frozen=True)
class Limits:
    """How many files and bytes a package may hold."""

    max_files: int = 2000
    max_file_bytes: int = 50 * MIB
    max_total_bytes: int = 200 * MIB

    @classmethod
    def from_config(cls, config: Any) -> Limits:
        return cls(
            max_files=int(config["PACKAGE_MAX_FILES"]),
            max_file_bytes=int(config["PACKAGE_MAX_FILE_BYTES"]),
            max_total_bytes=int(config["PACKAGE_MAX_TOTAL_BYTES"]),
        )


def check_name(name: str) -> None:
    """Refuse an entry name that could escape the package or means something else."""
    if "\\" in name:
        raise PackageError(_("The entry %(name)s contains a backslash.", name=name))
    if name.startswith("/") or _DRIVE.match(name):
        raise PackageError(_("The entry %(name)s is an absolute path.", name=name))
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise PackageError(_("The entry %(name)s points outside the package (..).", name=name))
    if not name or any(part in {"", "."} for part in parts) or _has_control(name):
        raise PackageError(_("The entry name %(name)s is malformed.", name=repr(name)))


def _has_control(name: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in name)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _check_entries(infos: list[zipfile.ZipInfo], limits: Limits) -> list[zipfile.ZipInfo]:
    """The file entries (directories left out), after checking every name."""
    if len(infos) > limits.max_files:
        raise PackageError(
            _("The package has too many files (more than %(limit)s).", limit=limits.max_files)
        )
    seen: set[str] = set()
    files = []
    for info in infos:
        check_name(info.filename)
        if info.filename in seen:
            raise PackageError(_("The entry %(name)s appears twice.", name=info.filename))
        seen.add(info.filename)
        if _is_symlink(info):
            raise PackageError(_("The entry %(name)s is a symbolic link.", name=info.filename))
        if info.flag_bits & 0x1:
            raise PackageError(_("The entry %(name)s is encrypted.", name=info.filename))
        if not info.is_dir():
            files.append(info)
    return files


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, limits: Limits
) -> bytes:
    """The entry's bytes, read in chunks and stopped as soon as a limit is passed."""
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            out += chunk
            if len(out) > cap:
                raise _too_large(info.filename, len(out), limits)
            if len(out) > RATIO_FLOOR and len(out) > MAX_RATIO * max(info.compress_size, 1):
                raise PackageError(
                    _("The entry %(name)s looks like a zip bomb.", name=info.filename)
                )
    return bytes(out)


def _too_large(name: str, size: int, limits: Limits) -> PackageError:
    if size > limits.max_file_bytes:
        return PackageError(
            _(
                "The file %(name)s is larger than %(limit)s MiB.",
                name=name,
                limit=limits.max_file_bytes // MIB,
            )
        )
    return PackageError(
        _("The package is larger than %(limit)s MiB.", limit=limits.max_total_bytes // MIB)
    )


def read_zip(data: bytes, limits: Limits) -> dict[str, bytes]:
    """Every file of the zip ``data`` as ``{path: bytes}``, or a PackageError."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files: dict[str, bytes] = {}
            total = 0
            for info in _check_entries(archive.infolist(), limits):
                cap = min(limits.max_file_bytes, limits.max_total_bytes - total)
                files[info.filename] = _read_member(archive, info, cap, limits)
                total += len(files[info.filename])
            return files
    except PackageError:
        raise
    except _ZIP_ERRORS:
        raise PackageError(_("The file is not a valid zip archive, or it is damaged.")) from None


def read_directory(root: Path, limits: Limits) -> dict[str, bytes]:
    """Every file under ``root`` as ``{posix path: bytes}``; dot-files are left out."""
    if not root.is_dir():
        raise PackageError(_("%(path)s is not a folder.", path=str(root)))
    files: dict[str, bytes] = {}
    total = 0
    for path in _walk(root):
        name = path.relative_to(root).as_posix()
        if path.is_symlink():
            raise PackageError(_("The entry %(name)s is a symbolic link.", name=name))
        check_name(name)
        if len(files) >= limits.max_files:
            raise PackageError(
                _("The package has too many files (more than %(limit)s).", limit=limits.max_files)
            )
        size = path.stat().st_size
        total += size
        if size > limits.max_file_bytes or total > limits.max_total_bytes:
            raise _too_large(name, max(size, total), limits)
        files[name] = path.read_bytes()
    return files


def _walk(root: Path) -> Iterable[Path]:
    """Files under ``root`` in a stable order, not following links, without dot-files."""
    for folder, dirs, names in os.walk(root, followlinks=False):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (base / d for d in dirs if (base / d).is_symlink())
        dirs[:] = [d for d in dirs if not (base / d).is_symlink()]
        yield from (base / n for n in sorted(names) if not n.startswith("."))


def write_zip(files: dict[str, bytes]) -> bytes:
    """A zip of ``files``: sorted names, fixed time stamps, regular-file modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.create_system = 3
            archive.writestr(info, files[name])
    return buffer.getvalue()
