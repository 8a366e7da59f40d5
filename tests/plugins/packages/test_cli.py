"""The packages and publishers commands: output, exit status and nothing changed on failure."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskCliRunner

from academy.plugins.packages.signing import Signer
from tests.plugins.packages.builders import sample_files, signed_zip, write_package
from tests.plugins.packages.helpers import the_course

Counts = Callable[[], dict[str, int]]


def run(runner: FlaskCliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(args=list(args))
    return result.exit_code, result.output


def test_build_verify_import_and_export(
    runner: FlaskCliRunner, signer: Signer, tmp_path: Path
) -> None:
    source = write_package(tmp_path / "src", sample_files())
    package = tmp_path / "course.zip"
    code, out = run(runner, "packages", "build", str(source), "-o", str(package))
    assert code == 0 and f"Built {package}: sample-course 1.0.0" in out
    code, out = run(runner, "packages", "verify", str(package))
    assert code == 0 and "OK: sample-course 1.0.0" in out and "this academy" in out
    code, out = run(runner, "packages", "import", str(package), "--dry-run")
    assert code == 0 and "Dry run: nothing was changed." in out
    code, out = run(runner, "packages", "import", str(package))
    assert code == 0 and "Imported sample-course 1.0.0." in out
    assert the_course().version == "1.0.0"
    exported = tmp_path / "export.zip"
    code, out = run(runner, "packages", "export", "sample-course", "-o", str(exported))
    assert code == 0 and exported.is_file()
    code, out = run(runner, "packages", "import", str(exported))
    assert code == 2 and "needs force (use --force)" in out


def test_build_refuses_a_bad_folder(runner: FlaskCliRunner, signer: Signer, tmp_path: Path) -> None:
    files = sample_files()
    files["course.toml"] = files["course.toml"].replace(
        b"format_version = 1", b"format_version = 3"
    )
    source = write_package(tmp_path / "src", files)
    package = tmp_path / "course.zip"
    code, out = run(runner, "packages", "build", str(source), "-o", str(package))
    assert code == 2 and "unknown format version 3" in out and not package.exists()
    assert "Traceback" not in out


def test_verify_fails_on_a_changed_byte(
    runner: FlaskCliRunner, partner: Signer, tmp_path: Path
) -> None:
    data = bytearray(signed_zip(sample_files(), partner))
    package = tmp_path / "course.zip"
    data[len(data) // 3] ^= 0xFF
    package.write_bytes(bytes(data))
    code, out = run(runner, "packages", "verify", str(package))
    assert code == 2 and out.startswith("Error: ") and len(out.strip().splitlines()) == 1
    code, out = run(runner, "packages", "verify", str(tmp_path / "missing.zip"))
    assert code == 2 and "cannot read" in out
    code, out = run(runner, "packages", "import", str(tmp_path))
    assert code == 2 and "is a folder" in out


def test_import_needs_trust_and_prints_json(
    runner: FlaskCliRunner, partner: Signer, tmp_path: Path, counts: Counts
) -> None:
    package = tmp_path / "course.zip"
    package.write_bytes(signed_zip(sample_files(), partner))
    before = counts()
    code, out = run(runner, "packages", "import", str(package))
    assert code == 2 and "is not trusted here" in out and "(use --trust)" in out
    code, out = run(runner, "packages", "import", str(package), "--dry-run", "--format", "json")
    assert code == 2
    report = json.loads(out[: out.rindex("}") + 1])
    assert report["publisher"]["trust"] == "unknown" and report["applied"] is False
    assert counts() == before
    code, out = run(runner, "packages", "import", str(package), "--trust", "--format", "json")
    assert code == 0 and json.loads(out)["applied"] is True


def test_publishers_export_trust_list_revoke(
    runner: FlaskCliRunner, signer: Signer, partner: Signer, tmp_path: Path
) -> None:
    own = tmp_path / "own.json"
    code, out = run(runner, "publishers", "export", "-o", str(own))
    assert code == 0 and json.loads(own.read_text())["id"] == signer.publisher.id
    key = tmp_path / "partner.json"
    key.write_text(json.dumps(partner.publisher.to_dict()))
    code, out = run(runner, "publishers", "trust", str(key))
    assert code == 0 and "Trusted publisher Partner academy" in out
    code, out = run(runner, "publishers", "list", "--format", "json")
    listed = {entry["id"]: entry for entry in json.loads(out)}
    assert listed[signer.publisher.id]["self"] and not listed["partner-academy"]["revoked"]
    impostor = tmp_path / "impostor.json"
    impostor.write_text(json.dumps({**partner.publisher.to_dict(), "public_key": "A" * 43 + "="}))
    code, out = run(runner, "publishers", "trust", str(impostor))
    assert code == 2 and "already known here with another key" in out
    code, out = run(runner, "publishers", "revoke", "partner-academy")
    assert code == 0 and "Revoked" in out
    code, out = run(runner, "publishers", "revoke", signer.publisher.id)
    assert code == 2 and "cannot be revoked" in out
    code, out = run(runner, "publishers", "list")
    assert "[revoked]" in out and "[this academy]" in out
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    code, out = run(runner, "publishers", "trust", str(bad))
    assert code == 2 and "not valid JSON" in out
