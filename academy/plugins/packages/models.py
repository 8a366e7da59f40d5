"""Trusted publishers and the history of package imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from academy.core.db import Base, CreatedMixin


class Publisher(CreatedMixin, Base):
    """A publisher whose packages this instance accepts, bound to one public key."""

    __tablename__ = "packages_publisher"

    id: Mapped[int] = mapped_column(primary_key=True)
    publisher_id: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    public_key: Mapped[str] = mapped_column(sa.String(64))  # base64 of the raw Ed25519 key
    #: This instance itself (its own packages, built-in courses).
    is_self: Mapped[bool] = mapped_column(default=False)
    trusted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None]


class PackageImport(CreatedMixin, Base):
    """One applied import: what came in, from whom, and what changed."""

    __tablename__ = "packages_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("courses_course.id", ondelete="SET NULL"), index=True
    )
    course_uuid: Mapped[str] = mapped_column(sa.String(36), index=True)
    version: Mapped[str] = mapped_column(sa.String(40))
    previous_version: Mapped[str | None] = mapped_column(sa.String(40))
    publisher_id: Mapped[str] = mapped_column(sa.String(120), default="")
    format: Mapped[str] = mapped_column(sa.String(20), default="academy")  # academy | imscc
    package_sha256: Mapped[str] = mapped_column(sa.String(64))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id", ondelete="SET NULL"))
    #: The diff and warnings shown at dry-run, as applied.
    report: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
