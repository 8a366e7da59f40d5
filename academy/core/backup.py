"""Backups of an instance: the database and the instance's files, in one zip.

``write_backup`` reads every table inside one read-only transaction (a
consistent snapshot: REPEATABLE READ on PostgreSQL, a WAL read transaction on
SQLite), so it can run while the app serves.  Stored files are never changed
in place (new keys are written, old ones deleted), so copying them after the
snapshot includes everything the snapshot refers to.

``restore_backup`` only restores into an empty database of the same kind: it
builds the schema with the migrations, checks that they reach the backup's
revision, inserts the rows table by table in dependency order and copies the
files back, all or nothing (the database part in one transaction; files land
only after it commits).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from academy.core.db import write_intent
from academy.extensions import db

FORMAT = "academy-backup"
FORMAT_VERSION = 1
INSTANCE_FOLDERS = ("files", "keys")
VERSION_TABLE = "alembic_version"


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why."""


def _value(value: Any) -> Any:
    """A database value as JSON (dates as ISO text, JSON columns as their text)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict | list):
        return {"$json": json.dumps(value)}
    return value


def _restored(value: Any) -> Any:
    if isinstance(value, dict):
        if "$bytes" in value:
            return base64.b64decode(value["$bytes"])
        if "$json" in value:
            return value["$json"]
    return value


def _tables() -> list[sa.Table]:
    return [t for t in db.metadata.sorted_tables if t.name != VERSION_TABLE]


def _revision(connection: sa.Connection) -> list[str]:
    rows = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}")  # noqa: S608
    return sorted(row[0] for row in rows)


def _dump_rows(connection: sa.Connection, table: sa.Table) -> Iterator[str]:
    names = [column.name for column in table.columns]
    columns = ", ".join(f'"{name}"' for name in names)
    query = f'SELECT {columns} FROM "{table.name}"'  # noqa: S608 - names from our metadata
    for row in connection.exec_driver_sql(query):
        yield json.dumps([_value(v) for v in row]) + "\n"


def _snapshot(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def write_backup(app: Flask) -> bytes:
    """The whole instance as a zip (database rows as JSON lines, then the files)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        counts: dict[str, int] = {}
        reading = write_intent.set(False)  # SQLite: a plain BEGIN, writers are not blocked
        try:
            with db.engine.connect() as connection, connection.begin():
                _snapshot(connection)
                revision = _revision(connection)
                for table in _tables():
                    lines = list(_dump_rows(connection, table))
                    counts[table.name] = len(lines)
                    header = json.dumps([c.name for c in table.columns]) + "\n"
                    archive.writestr(f"database/{table.name}.jsonl", header + "".join(lines))
                dialect = connection.dialect.name
        finally:
            write_intent.reset(reading)
        for folder in INSTANCE_FOLDERS:
            root = Path(app.instance_path) / folder
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                if not path.name.startswith(".tmp-"):
                    archive.write(path, f"instance/{folder}/{path.relative_to(root).as_posix()}")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "dialect": dialect,
            "revision": revision,
            "rows": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return buffer.getvalue()


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("this is not an Academy backup (no readable manifest.json)") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("this backup's format is not one this version can restore")
    return manifest


def _check_empty(connection: sa.Connection) -> None:
    existing = set(sa.inspect(connection).get_table_names())
    for table in _tables():
        if table.name in existing:
            count = connection.exec_driver_sql(f'SELECT COUNT(*) FROM "{table.name}"').scalar()  # noqa: S608
            if count:
                raise BackupError(f"the database is not empty (table {table.name} has rows)")


def _insert_rows(connection: sa.Connection, archive: zipfile.ZipFile, table: sa.Table) -> int:
    name = f"database/{table.name}.jsonl"
    if name not in archive.namelist():
        return 0
    lines = archive.read(name).decode().splitlines()
    columns = json.loads(lines[0])
    target = sa.table(table.name, *[sa.column(c) for c in columns])
    rows = [dict(zip(columns, map(_restored, json.loads(line)), strict=True)) for line in lines[1:]]
    for start in range(0, len(rows), 500):
        connection.execute(sa.insert(target), rows[start : start + 500])
    return len(rows)


def _reset_sequences(connection: sa.Connection) -> None:
    """After explicit ids, PostgreSQL's sequences must continue past the largest id."""
    if connection.dialect.name != "postgresql":
        return
    for table in _tables():
        if "id" in table.columns and table.columns["id"].autoincrement is not False:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
            )


def _safe_member(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 3:
        return None
    if path.parts[0] != "instance" or path.parts[1] not in INSTANCE_FOLDERS:
        return None
    return PurePosixPath(*path.parts[1:])


def _restore_files(app: Flask, archive: zipfile.ZipFile) -> int:
    count = 0
    for info in archive.infolist():
        relative = _safe_member(info.filename)
        if relative is None or info.is_dir():
            continue
        target = Path(app.instance_path).joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with archive.open(info) as source:
            data = source.read()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        count += 1
    return count


def restore_backup(app: Flask, data: bytes) -> dict[str, int]:
    """Restore a backup into this (empty) instance; returns rows per table and files."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BackupError("this is not an Academy backup (not a zip file)") from None
    with archive:
        manifest = _manifest(archive)
        if manifest["dialect"] != db.engine.dialect.name:
            raise BackupError(
                f"this backup is of a {manifest['dialect']} database; "
                f"this instance uses {db.engine.dialect.name}"
            )
        with db.engine.connect() as connection:
            _check_empty(connection)
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        restored: dict[str, int] = {}
        with db.engine.begin() as connection:
            if _revision(connection) != manifest["revision"]:
                raise BackupError("this backup was made by another version of Academy")
            _check_empty(connection)
            for table in _tables():
                restored[table.name] = _insert_rows(connection, archive, table)
            _reset_sequences(connection)
        restored["files"] = _restore_files(app, archive)
    return restored
