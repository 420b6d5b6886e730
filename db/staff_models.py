"""Staff accounts, the audit log of their writes, and every published lesson version.

Kept apart from db.models (learners, jobs, progress) because nothing on the learners' side reads
them; they share its Base, so migrations and `create_all` see them too.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, utcnow


class StaffAccount(Base):
    """One named staff token. Only its SHA-256 is stored (db.staff_accounts says why that is
    enough); a revoked account keeps its row, so the audit log still names who did what."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One staff write: who, when, what (publish, revert, answer, dismiss, reply...), on what."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    staff: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(255))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class LessonVersion(Base):
    """The text of one lesson as published (number 1, 2, ... per lesson), by whom and when."""

    __tablename__ = "lesson_versions"
    __table_args__ = (UniqueConstraint("lesson_id", "number", name="uq_lesson_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[str] = mapped_column(String(128), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    # publish | revert | baseline (the file as it was before the first publish from the page)
    action: Mapped[str] = mapped_column(String(16), default="publish")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
