"""Import every core model so that metadata (and Alembic) sees them."""

from academy.core.accounts.models import Organisation, Role, User, UserRole
from academy.core.api.models import ApiToken
from academy.core.audit.models import AuditEvent
from academy.core.mail.models import OutboxMessage

__all__ = ["ApiToken", "AuditEvent", "Organisation", "OutboxMessage", "Role", "User", "UserRole"]
