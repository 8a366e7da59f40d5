"""MANIFEST.sha256 and SIGNATURE.json: integrity and publisher of a built package."""

from __future__ import annotations

import base64
import json

import pytest
from flask import Flask

from academy.plugins.packages.errors import PackageError
from academy.plugins.packages.publishers import parse_key_file
from academy.plugins.packages.signing import (
    MANIFEST,
    SIGNATURE,
    PublisherKey,
    Signer,
    sign_files,
    verify_files,
)
from tests.plugins.packages.builders import new_signer, sample_files


def signed(signer: Signer) -> dict[str, bytes]:
    return sign_files(sample_files(), signer)


def refused(files: dict[str, bytes], fragment: str) -> None:
    with pytest.raises(PackageError) as caught:
        verify_files(files)
    assert fragment in caught.value.message


def test_signed_files_verify(app_ctx: Flask, partner: Signer) -> None:
    files = signed(partner)
    content, publisher = verify_files(files)
    assert content == sample_files()
    assert publisher == partner.publisher
    lines = files[MANIFEST].decode().splitlines()
    assert lines == sorted(lines, key=lambda line: line[66:])
    assert all(line[64:66] == "  " for line in lines)
    signature = json.loads(files[SIGNATURE])
    assert signature["algorithm"] == "Ed25519" and signature["format"] == 1
    assert len(base64.b64decode(signature["publisher"]["public_key"])) == 32


def test_changed_byte_is_refused(app_ctx: Flask, partner: Signer) -> None:
    files = signed(partner)
    files["en/lessons/welcome.md"] = files["en/lessons/welcome.md"].replace(b"text", b"test")
    refused(files, "en/lessons/welcome.md does not match its hash")


def test_added_or_removed_file_is_refused(app_ctx: Flask, partner: Signer) -> None:
    files = signed(partner)
    files["assets/extra.txt"] = b"smuggled"
    refused(files, "assets/extra.txt is not listed")
    files = signed(partner)
    del files["assets/diagram.png"]
    refused(files, "lists assets/diagram.png, which is not in the package")


def test_rewritten_manifest_breaks_the_signature(app_ctx: Flask, partner: Signer) -> None:
    files = signed(partner)
    files["en/lessons/welcome.md"] += b"\nmore"
    files[MANIFEST] = sign_files(
        {k: v for k, v in files.items() if k not in {MANIFEST, SIGNATURE}}, new_signer()
    )[MANIFEST]
    refused(files, "The signature is not valid")


def test_signature_by_another_key_is_refused(app_ctx: Flask, partner: Signer) -> None:
    files = signed(partner)
    impostor = json.loads(files[SIGNATURE])
    impostor["publisher"]["public_key"] = new_signer().publisher.public_key
    files[SIGNATURE] = json.dumps(impostor).encode()
    refused(files, "The signature is not valid")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda s: s.pop("signature"), "must have format, algorithm"),
        (lambda s: s.update(algorithm="RSA"), "algorithm must be Ed25519"),
        (lambda s: s.update(format=2), "unknown signature format"),
        (lambda s: s.update(signature="not base64!"), "not a base64 Ed25519 signature"),
        (lambda s: s.update(signature=base64.b64encode(b"x" * 10).decode()), "not a base64"),
        (lambda s: s["publisher"].update(public_key="AAAA"), "not a base64 Ed25519 key"),
        (lambda s: s["publisher"].update(id="bad id"), "publisher id 'bad id' is not valid"),
        (lambda s: s["publisher"].pop("name"), "exactly id, name and public_key"),
    ],
)
def test_malformed_signature_is_refused(
    app_ctx: Flask, partner: Signer, change: object, fragment: str
) -> None:
    files = signed(partner)
    data = json.loads(files[SIGNATURE])
    change(data)  # type: ignore[operator]
    files[SIGNATURE] = json.dumps(data).encode()
    refused(files, fragment)


def test_missing_signature_files_are_refused(app_ctx: Flask, partner: Signer) -> None:
    files = signed(partner)
    del files[SIGNATURE]
    refused(files, "not signed")
    files = signed(partner)
    del files[MANIFEST]
    refused(files, "no MANIFEST.sha256")
    files = signed(partner)
    files[SIGNATURE] = b"{not json"
    refused(files, "SIGNATURE.json is not valid JSON")


@pytest.mark.parametrize(
    ("manifest", "fragment"),
    [
        (lambda m: m.rstrip(b"\n"), "must end with a line break"),
        (lambda m: b"\n".join(reversed(m.rstrip(b"\n").split(b"\n"))) + b"\n", "out of order"),
        (lambda m: m.replace(b"  ", b" ", 1), "line 1: malformed"),
        (lambda m: m + m.split(b"\n")[0] + b"\n", "malformed or out of order"),
        (lambda m: b"\xff" + m, "not valid UTF-8"),
    ],
)
def test_malformed_manifest_is_refused(
    app_ctx: Flask, partner: Signer, manifest: object, fragment: str
) -> None:
    files = signed(partner)
    files[MANIFEST] = manifest(files[MANIFEST])  # type: ignore[operator]
    refused(files, fragment)


def test_key_file(app_ctx: Flask, partner: Signer) -> None:
    raw = json.dumps(partner.publisher.to_dict()).encode()
    assert parse_key_file(raw) == partner.publisher
    with pytest.raises(PackageError, match="not valid JSON"):
        parse_key_file(b"\x00")
    with pytest.raises(PackageError, match="exactly id, name and public_key"):
        parse_key_file(b"[]")
    with pytest.raises(PackageError, match="too large"):
        parse_key_file(b" " * 70000)
    assert PublisherKey.from_dict(partner.publisher.to_dict()) == partner.publisher
