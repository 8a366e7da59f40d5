"""The managed list of fields of expertise applicants choose from.

The seven fields the academy starts with are added at ``academy init``
(idempotently; a field a manager archived stays archived) and are shown
translated; fields managers add keep the name they typed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.core.accounts.models import User
from academy.core.audit import services as audit
from academy.core.db import utcnow
from academy.core.errors import Conflict, DomainError
from academy.extensions import db
from academy.plugins.cohorts.models import ExpertiseField

DEFAULT_FIELDS = {
    "Food security": _l("Food security"),
    "Human-resources management": _l("Human-resources management"),
    "Ecotourism": _l("Ecotourism"),
    "Environmental health and sanitation": _l("Environmental health and sanitation"),
    "Urban planning": _l("Urban planning"),
    "Local finance": _l("Local finance"),
    "Water management": _l("Water management"),
}
NAME_MAX = 120


def field_label(field: ExpertiseField) -> str:
    """The field's name, translated for the fields the academy starts with."""
    label = DEFAULT_FIELDS.get(field.name)
    return str(label) if label is not None else field.name


def _by_name(name: str) -> ExpertiseField | None:
    query = sa.select(ExpertiseField).where(sa.func.lower(ExpertiseField.name) == name.lower())
    return db.session.scalar(query)


def ensure_default_fields() -> list[str]:
    """Add the default fields that are missing; returns the names added."""
    added = []
    for name in DEFAULT_FIELDS:
        if _by_name(name) is None:
            db.session.add(ExpertiseField(name=name))
            added.append(name)
    db.session.flush()
    return added


def all_fields() -> list[ExpertiseField]:
    """Every field, archived ones included, by name."""
    return list(db.session.scalars(sa.select(ExpertiseField).order_by(ExpertiseField.name)))


def active_fields() -> list[ExpertiseField]:
    query = sa.select(ExpertiseField).where(ExpertiseField.archived_at.is_(None))
    return sorted(db.session.scalars(query), key=lambda field: field_label(field).casefold())


def chosen_fields(ids: Sequence[int]) -> list[ExpertiseField]:
    """The active fields with these ids, else DomainError (archived or unknown ids)."""
    wanted = set(ids)
    if not wanted:
        raise DomainError(_("Please choose at least one field of expertise."), field="expertise")
    query = sa.select(ExpertiseField).where(
        ExpertiseField.id.in_(wanted), ExpertiseField.archived_at.is_(None)
    )
    found = list(db.session.scalars(query))
    if len(found) != len(wanted):
        raise DomainError(_("Please choose fields of expertise from the list."), field="expertise")
    return found


def create_field(name: str, *, by: User) -> ExpertiseField:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise DomainError(
            _("Please enter a name of at most %(max)d characters.", max=NAME_MAX), field="name"
        )
    if _by_name(name) is not None:
        raise Conflict(_("The field “%(name)s” is already on the list.", name=name), field="name")
    field = ExpertiseField(name=name)
    db.session.add(field)
    db.session.flush()
    audit.record(by, "expertise.created", field)
    return field


def set_archived(field: ExpertiseField, archived: bool, *, by: User) -> bool:
    """Archive (no longer offered; kept on earlier applications) or bring back a field."""
    if (field.archived_at is not None) == archived:
        return False
    field.archived_at = utcnow() if archived else None
    db.session.flush()
    audit.record(by, "expertise.archived" if archived else "expertise.unarchived", field)
    return True
