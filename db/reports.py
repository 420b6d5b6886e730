"""The read-only queries behind the progress reports: rows, counts and first answers by id.

curriculum.reports builds the staff reports and a learner's "how am I doing?" from these, against
the current lesson files. This module knows rows, not lessons (db depends on nothing above it), so
every query takes plain learner or lesson ids. Counts and "lowest id" run in SQL, filtered to the
ids asked about, the same on SQLite and PostgreSQL. Nothing is written.

A question's "first try" is the learner's FIRST EVER answer to it: the lowest QuizAttempt.id per
learner, lesson and step (`first_attempts`). Taking a lesson again gives no second first try, so a
question does not look easier than it was when met cold.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Job, JobStatus, Learner, LessonProgress, LessonStatus, QuizAttempt


class FirstAttempt(NamedTuple):
    learner_id: int
    lesson_id: str
    step_id: str
    correct: bool
    seconds: float | None


class Standing(NamedTuple):
    """Where one learner is in one lesson, for the funnel."""

    lesson_id: str
    status: LessonStatus
    step_id: str | None
    completed_at: datetime | None


def find_learner(session: Session, public_id: str) -> Learner | None:
    """The learner behind a progress-chart URL."""
    return session.scalar(select(Learner).where(Learner.public_id == public_id))


def learners_with_progress(session: Session, limit: int = 50, offset: int = 0) -> list[Learner]:
    """Learners who started a lesson or asked for a training, newest first (chat visitors who
    only talked have no progress to show)."""
    active = select(LessonProgress.learner_id).union(select(Job.learner_id))
    return list(session.scalars(select(Learner).where(Learner.id.in_(active))
                                .order_by(Learner.id.desc()).limit(limit).offset(offset)))


def progress_rows(session: Session, learner_ids: Sequence[int]) -> list[LessonProgress]:
    """Every lesson row of these learners."""
    return list(session.scalars(select(LessonProgress).where(LessonProgress.learner_id.in_(learner_ids))))


def standings(session: Session, lesson_ids: Sequence[str]) -> list[Standing]:
    """Status, current step and completion of every learner in these lessons."""
    return [Standing(*row) for row in session.execute(
        select(LessonProgress.lesson_id, LessonProgress.status, LessonProgress.step_id,
               LessonProgress.completed_at)
        .where(LessonProgress.lesson_id.in_(lesson_ids)))]


def trainings(session: Session, learner_ids: Sequence[int]) -> dict[int, int]:
    """learner id -> jobs asked for, whatever became of them (learners with none are left out)."""
    return dict(session.execute(
        select(Job.learner_id, func.count(Job.id)).where(Job.learner_id.in_(learner_ids))
        .group_by(Job.learner_id)).tuples().all())


def trainings_by_status(session: Session, learner_id: int) -> dict[JobStatus, int]:
    return dict(session.execute(
        select(Job.status, func.count(Job.id)).where(Job.learner_id == learner_id).group_by(Job.status))
        .tuples().all())


def attempt_counts(session: Session, learner_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """(learner id, lesson id) -> answers given to the lesson's questions, every run."""
    return {(learner_id, lesson_id): count for learner_id, lesson_id, count in session.execute(
        select(QuizAttempt.learner_id, QuizAttempt.lesson_id, func.count(QuizAttempt.id))
        .where(QuizAttempt.learner_id.in_(learner_ids))
        .group_by(QuizAttempt.learner_id, QuizAttempt.lesson_id))}


def question_counts(session: Session, lesson_ids: Sequence[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(lesson id, step id) -> (distinct learners who answered, answers given)."""
    return {(lesson_id, step_id): (learners, attempts)
            for lesson_id, step_id, learners, attempts in session.execute(
                select(QuizAttempt.lesson_id, QuizAttempt.step_id,
                       func.count(func.distinct(QuizAttempt.learner_id)), func.count(QuizAttempt.id))
                .where(QuizAttempt.lesson_id.in_(lesson_ids))
                .group_by(QuizAttempt.lesson_id, QuizAttempt.step_id))}


def first_attempts(session: Session, learner_ids: Sequence[int] | None = None,
                   lesson_ids: Sequence[str] | None = None) -> list[FirstAttempt]:
    """Each learner's very first answer to each question (of these learners or lessons)."""
    first_ids = select(func.min(QuizAttempt.id)).group_by(
        QuizAttempt.learner_id, QuizAttempt.lesson_id, QuizAttempt.step_id)
    if learner_ids is not None:
        first_ids = first_ids.where(QuizAttempt.learner_id.in_(learner_ids))
    if lesson_ids is not None:
        first_ids = first_ids.where(QuizAttempt.lesson_id.in_(lesson_ids))
    return [FirstAttempt(learner_id, lesson_id, step_id, bool(correct), seconds)
            for learner_id, lesson_id, step_id, correct, seconds in session.execute(
                select(QuizAttempt.learner_id, QuizAttempt.lesson_id, QuizAttempt.step_id,
                       QuizAttempt.correct, QuizAttempt.seconds)
                .where(QuizAttempt.id.in_(first_ids)))]
