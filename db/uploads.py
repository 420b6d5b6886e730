"""Repository functions for learners' uploads (db.models.Upload): create, quota, and the owner-only
look-ups the chat uses. Every look-up takes the learner: someone else's upload is never found."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Learner, Upload


def create_upload(session: Session, *, learner: Learner, public_id: str, kind: str, name: str,
                  size_bytes: int, folder: str, summary: str, meta: dict[str, object],
                  choices: list[str]) -> Upload:
    upload = Upload(learner=learner, public_id=public_id, kind=kind, name=name[:255], size_bytes=size_bytes,
                    folder=folder, summary=summary, meta=meta, choices=choices)
    session.add(upload)
    session.flush()
    return upload


def used_bytes(session: Session, learner_id: int) -> int:
    """What the learner's stored uploads count against their quota (their sizes as sent)."""
    return int(session.scalar(select(func.coalesce(func.sum(Upload.size_bytes), 0))
                              .where(Upload.learner_id == learner_id)) or 0)


def find_upload(session: Session, learner_id: int, public_id: str) -> Upload | None:
    return session.scalar(select(Upload).where(Upload.learner_id == learner_id, Upload.public_id == public_id))


def learner_uploads(session: Session, learner_id: int, kind: str | None = None) -> list[Upload]:
    """The learner's uploads, newest first."""
    query = select(Upload).where(Upload.learner_id == learner_id)
    if kind is not None:
        query = query.where(Upload.kind == kind)
    return list(session.scalars(query.order_by(Upload.id.desc())))
