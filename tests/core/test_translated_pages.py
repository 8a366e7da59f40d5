"""The same pages in every language show no English interface string."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from academy.core.accounts.models import Role
from tests.conftest import login
from tests.core.test_catalogues import LANGUAGES, catalogue
from tests.factories import make_user

ANONYMOUS_PAGES = ["main.home", "account.login", "account.register"]
SIGNED_IN_PAGES = ["account.profile", "admin.index"]
TAGS = re.compile(r"<[^>]+>")


def english_strings(language: str) -> list[str]:
    """Source strings of two words or more whose translation differs from the English."""
    return [
        m.id
        for m in catalogue(language)
        if isinstance(m.id, str) and " " in m.id and "%(" not in m.id and m.string != m.id
    ]


def visible_text(body: str) -> str:
    return html.unescape(TAGS.sub(" ", body))


def page_urls(app: Flask, endpoints: list[str]) -> list[str]:
    with app.test_request_context():
        return [url_for(endpoint) for endpoint in endpoints] + ["/no-such-page"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_have_no_english(app: Flask, client: FlaskClient, language: str) -> None:
    client.post("/language", data={"language": language, "next": "/"})
    admin = make_user(roles={Role.ADMIN}, locale=language)
    english = english_strings(language)
    for signed_in, endpoints in ((False, ANONYMOUS_PAGES), (True, SIGNED_IN_PAGES)):
        if signed_in:
            login(client, admin)
        for url in page_urls(app, endpoints):
            body = client.get(url).get_data(as_text=True)
            assert f'<html lang="{language}"' in body, url
            text = visible_text(body)
            leaked = [s for s in english if s in text]
            assert not leaked, f"{language} {url}: English strings {leaked[:5]}"
