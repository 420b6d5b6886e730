"""Repository functions for lesson progress: where each learner is, and every quiz answer.

Like db.repository, callers own the transaction (nothing here commits).
"""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Job, Learner, LessonProgress, LessonStatus, QuizAttempt, utcnow


def active_lesson(session: Session, learner: Learner) -> LessonProgress | None:
    """The lesson the learner's lesson commands go to (at most one is active)."""
    return session.scalar(select(LessonProgress).where(
        LessonProgress.learner_id == learner.id, LessonProgress.status == LessonStatus.active
    ).order_by(LessonProgress.updated_at.desc()).limit(1))


def latest_lesson(session: Session, learner: Learner) -> LessonProgress | None:
    """The lesson the learner touched last, whatever its state (for "where was I")."""
    return session.scalar(select(LessonProgress).where(LessonProgress.learner_id == learner.id)
                          .order_by(LessonProgress.updated_at.desc(), LessonProgress.id.desc())
                          .limit(1))


def lesson_rows(session: Session, learner: Learner) -> dict[str, LessonProgress]:
    rows = session.scalars(select(LessonProgress).where(LessonProgress.learner_id == learner.id))
    return {row.lesson_id: row for row in rows}


def open_lesson(session: Session, learner: Learner, lesson_id: str,
                conversation_id: str) -> tuple[LessonProgress, bool]:
    """Make this lesson the learner's active one, pausing any other; (row, created)."""
    session.execute(
        update(LessonProgress)
        .where(LessonProgress.learner_id == learner.id, LessonProgress.status == LessonStatus.active,
               LessonProgress.lesson_id != lesson_id)
        .values(status=LessonStatus.paused)
        .execution_options(synchronize_session="fetch"))
    row = session.scalar(select(LessonProgress).where(
        LessonProgress.learner_id == learner.id, LessonProgress.lesson_id == lesson_id))
    created = row is None
    if row is None:
        row = LessonProgress(learner=learner, lesson_id=lesson_id, position={})
        session.add(row)
    row.status = LessonStatus.active
    row.conversation_id = conversation_id
    row.updated_at = utcnow()
    session.flush()
    return row, created


def save_position(session: Session, row: LessonProgress, position: dict, step_id: str | None,
                  now: datetime | None = None) -> LessonProgress:
    """Store the engine's position; a lesson that reached its end is marked completed."""
    now = now or utcnow()
    row.position = position
    row.step_id = step_id
    row.updated_at = now
    if step_id is None and row.status is not LessonStatus.completed:
        row.status = LessonStatus.completed
        row.completed_at = now
        row.job_id = None
        row.asked_at = None
    return row


def quit_lesson(session: Session, row: LessonProgress) -> LessonProgress:
    row.status = LessonStatus.quit
    row.updated_at = utcnow()
    row.job_id = None
    return row


def record_attempt(session: Session, row: LessonProgress, step_id: str, answer: str, correct: bool,
                   try_number: int, hints_used: int, seconds: float | None) -> QuizAttempt:
    attempt = QuizAttempt(learner_id=row.learner_id, lesson_id=row.lesson_id, step_id=step_id,
                          answer=answer[:2000], correct=correct, try_number=try_number,
                          hints_used=hints_used, seconds=seconds)
    session.add(attempt)
    session.flush()
    return attempt


def waiting_on(session: Session, job: Job) -> LessonProgress | None:
    """The active lesson that is waiting for this training's result, if any."""
    return session.scalar(select(LessonProgress).where(
        LessonProgress.job_id == job.id, LessonProgress.status == LessonStatus.active))
