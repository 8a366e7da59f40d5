"""Recording audit events.  Services call :func:`record`; it only flushes."""

from __future__ import annotations

from typing import Any

from academy.core.accounts.models import User
from academy.core.audit.models import AuditEvent
from academy.extensions import db


def record(
    actor: User | None,
    action: str,
    target: Any = None,
    *,
    label: str = "",
    **details: Any,
) -> AuditEvent:
    """Add an audit event: ``action`` is a dotted verb such as ``user.role_granted``."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=str(getattr(target, "id", "") or "") if target is not None else "",
        target_label=label or _label_of(target),
        details=details,
    )
    db.session.add(event)
    return event


def _label_of(target: Any) -> str:
    for attribute in ("email", "name", "title", "slug", "code"):
        value = getattr(target, attribute, None)
        if isinstance(value, str):
            return value[:255]
    return ""
