"""The audit log: one call records a staff write, one lists them for the staff page.

Every route that changes something on staff's behalf (publish, revert, answer, dismiss, reply)
calls `record` in the same session as its change, so the entry commits with it or not at all.
"""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.staff_models import AuditEntry


def record(session: Session, staff: str, action: str, target: str,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Add an entry (the caller commits): `staff` is the account name from the token, `action`
    a short verb ("publish"), `target` what it acted on ("lesson:intro"), `detail` any JSON."""
    entry = AuditEntry(staff=staff, action=action, target=target[:255], detail=detail or {})
    session.add(entry)
    return entry


def recent(session: Session, limit: int = 50, offset: int = 0) -> tuple[list[AuditEntry], int]:
    """Newest first, one page, and how many entries there are in all."""
    total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
    return list(rows), total
