"""Every published text of a lesson, numbered per lesson, newest last."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.staff_models import LessonVersion


def add(session: Session, lesson_id: str, text: str, author: str, action: str = "publish") -> LessonVersion:
    """The next version of `lesson_id` (the caller commits)."""
    number = (session.scalar(select(func.max(LessonVersion.number))
                             .where(LessonVersion.lesson_id == lesson_id)) or 0) + 1
    version = LessonVersion(lesson_id=lesson_id, number=number, text=text, author=author, action=action)
    session.add(version)
    session.flush()
    return version


def listing(session: Session, lesson_id: str) -> list[LessonVersion]:
    return list(session.scalars(select(LessonVersion).where(LessonVersion.lesson_id == lesson_id)
                                .order_by(LessonVersion.number.desc())))


def get(session: Session, lesson_id: str, number: int) -> LessonVersion | None:
    return session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson_id,
                                                      LessonVersion.number == number))
