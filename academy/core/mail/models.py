"""The outbox: every email is stored first, then delivered and retried."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from academy.core.db import Base, CreatedMixin


class OutboxMessage(CreatedMixin, Base):
    __tablename__ = "core_outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text)
    #: What kind of message this is (e.g. "confirm-email"), for tests and the admin.
    kind: Mapped[str] = mapped_column(sa.String(60), default="")
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    failed: Mapped[bool] = mapped_column(default=False)
