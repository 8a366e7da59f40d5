"""People, their organisations and their global roles."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.core.db import Base, CreatedMixin


class Role(enum.StrEnum):
    """Global roles.  Rights on single objects (a cohort's moderator) live in plugins."""

    ADMIN = "admin"
    MANAGER = "manager"
    REVIEWER = "reviewer"
    MODERATOR = "moderator"
    LEARNER = "learner"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.MANAGER: _l("Academy manager"),
    Role.REVIEWER: _l("Selection committee reviewer"),
    Role.MODERATOR: _l("Moderator"),
    Role.LEARNER: _l("Learner"),
}


class OrganisationKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    REGION = "region"
    ASSOCIATION = "association"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(ORGANISATION_KIND_LABELS[self])


ORGANISATION_KIND_LABELS = {
    OrganisationKind.MUNICIPALITY: _l("Municipality"),
    OrganisationKind.REGION: _l("Province or region"),
    OrganisationKind.ASSOCIATION: _l("Association of local governments"),
    OrganisationKind.OTHER: _l("Other organisation"),
}


class Organisation(CreatedMixin, Base):
    """A municipality, province/region or association, from a managed list."""

    __tablename__ = "core_organisation"
    __table_args__ = (sa.UniqueConstraint("name", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OrganisationKind] = mapped_column(
        sa.Enum(OrganisationKind, native_enum=False, length=20)
    )
    country: Mapped[str] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.country}>"


def new_login_id() -> str:
    return secrets.token_urlsafe(24)


class User(CreatedMixin, Base):
    """An account.  ``login_id`` is what the session stores: changing it logs out everywhere."""

    __tablename__ = "core_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_organisation.id", ondelete="SET NULL"), index=True
    )
    job_function: Mapped[str] = mapped_column(sa.String(200), default="")
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    login_id: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_login_id)
    email_confirmed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="user"
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active and self.deleted_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.login_id

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Base):
    __tablename__ = "core_user_role"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20), primary_key=True
    )
    user: Mapped[User] = relationship(back_populates="role_rows")
