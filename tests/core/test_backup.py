"""`academy backup` and `academy restore`: a whole instance round-trips, and bad input
changes nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from academy.core.backup import VERSION_TABLE
from academy.extensions import db


def snapshot(application: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, as plain values."""
    found = {}
    with application.app_context():
        for table in db.metadata.sorted_tables:
            if table.name == VERSION_TABLE:
                continue
            rows = db.session.execute(sa.select(table)).all()
            found[table.name] = sorted(tuple(map(repr, row)) for row in rows)
        db.session.remove()
    return found


def files(application: Flask) -> dict[str, bytes]:
    root = Path(application.instance_path)
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("files", "keys")
        for p in (root / folder).rglob("*")
        if p.is_file()
    }


def run(application: Flask, *args: str) -> Any:
    with application.app_context():
        return application.test_cli_runner().invoke(args=list(args))


def test_backup_and_restore_round_trip(make_app: Any, tmp_path: Path) -> None:
    source = make_app(migrate=False)
    assert run(source, "demo").exit_code == 0
    backup = tmp_path / "academy-backup.zip"
    result = run(source, "backup", "-o", str(backup))
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(backup).testzip() is None
    target = make_app(migrate=False)
    restored = run(target, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    before, after = snapshot(source), snapshot(target)
    assert before == after
    assert sum(len(rows) for rows in after.values()) > 100  # the built-in courses came back
    assert files(source) == files(target)


def test_restore_refuses_a_non_empty_instance(make_app: Any, tmp_path: Path) -> None:
    source = make_app(migrate=False)
    run(source, "init", "--no-courses")
    backup = tmp_path / "b.zip"
    assert run(source, "backup", "-o", str(backup)).exit_code == 0
    result = run(source, "restore", str(backup))
    assert result.exit_code == 2 and "not empty" in result.output


def test_restore_refuses_what_is_not_a_backup(make_app: Any, tmp_path: Path) -> None:
    target = make_app(migrate=False)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = run(target, "restore", str(junk))
    assert result.exit_code == 2 and "not an Academy backup" in result.output
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("manifest.json", '{"format": "something-else"}')
    result = run(target, "restore", str(tmp_path / "other.zip"))
    assert result.exit_code == 2 and "format" in result.output
