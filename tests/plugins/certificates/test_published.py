"""The published credentials verify with the published keys alone; revocation shows everywhere.

A verifier here uses only what anyone can download: the credential files, the
issuer profile, the JWKS and the status list.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Flask
from flask.testing import FlaskClient

from academy.core.accounts.models import User
from academy.core.keys import create_key
from academy.extensions import db
from academy.plugins.certificates import proof, statuslist
from academy.plugins.certificates.documents import claims_of
from academy.plugins.certificates.multikey import from_multikey
from academy.plugins.certificates.vcjwt import VcJwtError, verify_jwt
from tests.conftest import login
from tests.plugins.certificates.factories import issue


def fetch(client: FlaskClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.get_data(as_text=True))


def issuer_resolver(client: FlaskClient) -> Any:
    """Trust exactly the keys the issuer profile publishes."""
    profile = fetch(client, "/issuer")
    assert profile["type"] == ["Profile"]
    keys: dict[str, Ed25519PublicKey] = {
        method["id"]: from_multikey(method["publicKeyMultibase"])
        for method in profile["verificationMethod"]
    }
    assert set(profile["assertionMethod"]) == set(keys)
    return keys.get


def jwt_text(client: FlaskClient, code: str) -> str:
    response = client.get(f"/certificates/{code}/credential.jwt")
    assert response.status_code == 200 and response.mimetype == "application/jwt"
    return response.get_data(as_text=True)


def is_revoked_per_status_list(client: FlaskClient, credential: dict[str, Any]) -> bool:
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    path = entry["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
    status_list = fetch(client, "/" + path)
    assert proof.verify(status_list, issuer_resolver(client))
    encoded = status_list["credentialSubject"]["encodedList"]
    return statuslist.is_revoked(encoded, int(entry["statusListIndex"]))


def test_the_json_ld_credential_verifies_with_its_proof(client: FlaskClient) -> None:
    certificate = issue(name="Ana Conceição Núñez")
    document = fetch(client, f"/certificates/{certificate.code}/credential.json")
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof.verify(document, issuer_resolver(client))
    assert not is_revoked_per_status_list(client, document)


def test_the_jwt_verifies_with_the_published_jwks(client: FlaskClient) -> None:
    certificate = issue()
    token = jwt_text(client, certificate.code)
    jwks = fetch(client, "/.well-known/jwks.json")
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "EdDSA" and header["kid"] in {k["kid"] for k in jwks["keys"]}
    credential = verify_jwt(token, jwks)
    stored = dict(certificate.credential)
    stored.pop("proof")
    assert credential == stored


def _one_character_changed(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1
    return text.replace(old, new, 1)


def test_one_changed_character_fails_verification(client: FlaskClient) -> None:
    certificate = issue(name="Ana Lima")
    text = client.get(f"/certificates/{certificate.code}/credential.json").get_data(as_text=True)
    forged = json.loads(_one_character_changed(text, "Ana Lima", "Ana Lina"))
    assert not proof.verify(forged, issuer_resolver(client))
    hours = json.loads(text)
    hours["credentialSubject"]["achievement"]["description"] += "!"
    assert not proof.verify(hours, issuer_resolver(client))
    token = jwt_text(client, certificate.code)
    header, payload, signature = token.split(".")
    jwks = fetch(client, "/.well-known/jwks.json")
    for position in (5, len(payload) // 2):
        changed = "A" if payload[position] != "A" else "B"
        forged_payload = payload[:position] + changed + payload[position + 1 :]
        with pytest.raises(VcJwtError):
            verify_jwt(f"{header}.{forged_payload}.{signature}", jwks)


def test_revoked_credentials_still_verify_but_the_status_list_says_revoked(
    client: FlaskClient, runner: Any
) -> None:
    certificate = issue()
    other = issue()
    db.session.commit()
    result = runner.invoke(
        args=["certificates", "revoke", certificate.code, "--reason", "Issued in error"]
    )
    assert result.exit_code == 0, result.output
    resolver = issuer_resolver(client)
    document = fetch(client, f"/certificates/{certificate.code}/credential.json")
    assert proof.verify(document, resolver)  # the signature holds ...
    assert is_revoked_per_status_list(client, document)  # ... but the issuer revoked it
    jwks = fetch(client, "/.well-known/jwks.json")
    from_jwt = verify_jwt(jwt_text(client, certificate.code), jwks)
    assert is_revoked_per_status_list(client, from_jwt)
    kept = fetch(client, f"/certificates/{other.code}/credential.json")
    assert not is_revoked_per_status_list(client, kept)
    verdict = fetch(client, f"/verify/{certificate.code}.json")
    assert verdict["status"] == "revoked"
    assert verdict["revocation_reason"] == "Issued in error" and verdict["revoked_at"]
    page = client.get(f"/verify/{certificate.code}")
    assert "This certificate was revoked on" in page.text and "Issued in error" in page.text


def test_rotated_keys_stay_published_and_old_certificates_verify(
    app: Flask, client: FlaskClient
) -> None:
    old = issue()
    new_key = create_key(app.instance_path)
    new = issue()
    assert new.key_id == new_key.kid != old.key_id
    jwks = fetch(client, "/.well-known/jwks.json")
    assert {old.key_id, new.key_id} <= {k["kid"] for k in jwks["keys"]}
    resolver = issuer_resolver(client)
    for certificate in (old, new):
        assert proof.verify(
            fetch(client, f"/certificates/{certificate.code}/credential.json"), resolver
        )
        verify_jwt(jwt_text(client, certificate.code), jwks)


def qr_text(pdf: bytes, folder: Path) -> str:
    """What the QR code printed on a PDF says (read from a rendered image)."""
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    if not (pdftoppm and zbarimg):
        pytest.skip("pdftoppm (poppler-utils) and zbarimg (zbar-tools) are not installed")
    (folder / "c.pdf").write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-png", "-r", "100", str(folder / "c.pdf"), str(folder / "p")], check=True
    )
    image = next(folder.glob("p*.png"))
    found = subprocess.run([zbarimg, "-q", "--raw", str(image)], capture_output=True, text=True)
    return found.stdout.strip()


def test_the_pdfs_qr_code_opens_the_verification_page(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    certificate = issue()
    login(client, db.session.get(User, certificate.user_id))
    with client.get(f"/certificates/{certificate.code}.pdf") as response:
        pdf = response.get_data()
    url = qr_text(pdf, tmp_path)
    base = app.config["ACADEMY_BASE_URL"].rstrip("/")
    assert url == f"{base}/verify/{certificate.code}" == claims_of(certificate).verify_url
    page = client.get(url.removeprefix(base))
    assert page.status_code == 200 and certificate.holder_name in page.text


def test_private_keys_are_never_published(client: FlaskClient) -> None:
    issue()
    jwks = fetch(client, "/.well-known/jwks.json")
    assert jwks["keys"] and all("d" not in key for key in jwks["keys"])
    assert "PRIVATE" not in client.get("/issuer").get_data(as_text=True)
