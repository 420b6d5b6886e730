"""A learner's Position in a lesson, kept in their LessonProgress row (db.progress).

The engine works on a Position dataclass; the row keeps it as JSON next to the current step id,
which the staff reports read without the engine. Lesson files change while learners are in them,
so a stored position is only used once `valid` says its step still exists.
"""

import copy
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from curriculum.engine import Position
from curriculum.model import Lesson
from db import progress as store
from db.models import LessonProgress


def load(row: LessonProgress) -> Position | None:
    """The stored position; None for a row that has none yet."""
    # A deep copy: the engine changes its Position in place, and SQLAlchemy only writes a JSON
    # column whose new value differs from the loaded one.
    data = copy.deepcopy(row.position or {})
    if not data.get("lesson_id"):
        return None
    known = {name: data[name] for name in Position.__dataclass_fields__ if name in data}
    return Position(**known)


def dump(position: Position) -> dict[str, Any]:
    return {name: getattr(position, name) for name in Position.__dataclass_fields__}


def save(session: Session, row: LessonProgress, position: Position, now: datetime) -> None:
    """Store the position and its step (a finished lesson is marked completed by db.progress)."""
    store.save_position(session, row, dump(position), position.step_id, now)


def valid(lesson: Lesson, position: Position) -> bool:
    """The position belongs to this lesson and its step is still in the lesson file."""
    if position.lesson_id != lesson.id:
        return False
    if position.step_id is None:
        return True
    try:
        lesson.step(position.step_id)
    except KeyError:
        return False
    return True


def step_number(lesson: Lesson, position: Position | None) -> int:
    """1-based, as the learner is told ("step 2 of 5"); the last step once the lesson is over."""
    if position is None or position.step_id is None:
        return len(lesson.steps)
    ids = [step.id for step in lesson.steps]
    return ids.index(position.step_id) + 1 if position.step_id in ids else 1


def seconds_since_asked(row: LessonProgress, now: datetime) -> float | None:
    """How long the learner took to answer, from when the question (or the last feedback) came."""
    if row.asked_at is None:
        return None
    return (now - _aware(row.asked_at)).total_seconds()


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
