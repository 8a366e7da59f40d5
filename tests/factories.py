"""Plain factory functions: they add and flush, never commit."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from academy.core.accounts import services as accounts
from academy.core.accounts.models import Organisation, OrganisationKind, Role, User
from academy.extensions import db

_counter = itertools.count(1)
PASSWORD = "correct horse battery"


def make_organisation(
    name: str | None = None,
    *,
    country: str = "PT",
    kind: OrganisationKind = OrganisationKind.MUNICIPALITY,
) -> Organisation:
    organisation = Organisation(
        name=name or f"Municipality {next(_counter)}", country=country, kind=kind
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_user(
    email: str | None = None,
    *,
    name: str | None = None,
    roles: Iterable[Role] = (Role.LEARNER,),
    confirmed: bool = True,
    organisation: Organisation | None = None,
    locale: str | None = None,
    password: str = PASSWORD,
) -> User:
    number = next(_counter)
    return accounts.create_user(
        email or f"user{number}@example.org",
        name or f"User {number}",
        password,
        roles=roles,
        confirmed=confirmed,
        organisation=organisation,
        locale=locale,
    )
