"""``academy packages import FILE.imscc`` and ``export COURSE --format imscc``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskCliRunner

from academy.plugins.packages.signing import Signer
from tests.plugins.packages.helpers import install
from tests.plugins.packages.imscc import schemas
from tests.plugins.packages.imscc.cartridges import cartridge, simple_cartridge, unzip
from tests.plugins.packages.imscc.test_hostile import LAUGHS

Counts = Callable[[], dict[str, int]]


def run(runner: FlaskCliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(args=list(args))
    return result.exit_code, result.output


def test_import_a_cartridge(runner: FlaskCliRunner, tmp_path: Path, counts: Counts) -> None:
    path = tmp_path / "course.imscc"
    path.write_bytes(cartridge(simple_cartridge()))
    before = counts()
    code, out = run(runner, "packages", "import", str(path), "--dry-run")
    assert code == 0 and "Common Cartridge 1.1" in out and "Dry run: nothing was changed." in out
    assert counts() == before
    code, out = run(runner, "packages", "import", str(path))
    assert code == 0 and "Imported handmade-course 1.0.0 from a Common Cartridge." in out
    code, out = run(runner, "packages", "import", str(path), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["format"] == "imscc" and report["action"] == "reinstall"


def test_a_zip_with_a_manifest_is_a_cartridge_too(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "from-moodle.zip"
    path.write_bytes(cartridge(simple_cartridge()))
    code, out = run(runner, "packages", "import", str(path), "--dry-run")
    assert code == 0 and "Course: Handmade course (handmade-course)" in out


def test_a_hostile_cartridge_fails_with_one_line(
    runner: FlaskCliRunner, tmp_path: Path, counts: Counts
) -> None:
    path = tmp_path / "evil.imscc"
    path.write_bytes(cartridge({**simple_cartridge(), "imsmanifest.xml": LAUGHS}))
    before = counts()
    code, out = run(runner, "packages", "import", str(path))
    assert code == 2 and len(out.strip().splitlines()) == 1
    assert "declares a document type or entities" in out and counts() == before
    path.write_bytes(cartridge({"readme.txt": b"no manifest"}))
    code, out = run(runner, "packages", "import", str(path))
    assert code == 2 and "there is no imsmanifest.xml" in out


def test_export_as_a_cartridge(runner: FlaskCliRunner, signer: Signer, tmp_path: Path) -> None:
    install(signer)
    target = tmp_path / "course.imscc"
    code, out = run(
        runner, "packages", "export", "sample-course", "-o", str(target), "--format", "imscc"
    )
    assert code == 0 and "(Common Cartridge 1.1)" in out
    files = unzip(target.read_bytes())
    assert schemas.errors(files["imsmanifest.xml"], schemas.MANIFEST_XSD) == []
    code, out = run(
        runner,
        "packages",
        "export",
        "sample-course",
        "-o",
        str(tmp_path / "c13.imscc"),
        "--format",
        "imscc",
        "--cc-version",
        "1.3",
    )
    assert code == 0 and b"1.3.0" in unzip((tmp_path / "c13.imscc").read_bytes())["imsmanifest.xml"]
    code, out = run(runner, "packages", "export", "nope", "-o", str(target), "--format", "imscc")
    assert code == 2 and "There is no course nope here." in out
