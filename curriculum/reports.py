"""Lesson progress reports: for staff (learners, funnel, question difficulty) and for a learner's
own "how am I doing?" (the chat answer and the progress chart).

Each function takes a Session and the lessons in course order (LessonLibrary.ordered()), so
reports follow the current lesson files: step numbers and question texts are today's, and a lesson
nobody has started still shows up with zeros. The rows and counts come from db.reports, which
knows no lessons; here they meet the lessons, and medians and shares are computed. Results are
plain dataclasses; the API turns them into its response models. Nothing is written.

A question's "first try" is the learner's first ever answer to it (db.reports.first_attempts).
"""

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from curriculum.model import Lesson
from db import reports as queries
from db.models import JobStatus, LessonProgress, LessonStatus

IN_PROGRESS = (LessonStatus.active, LessonStatus.paused)
NOT_STARTED = "not started"


# ---- staff: learners ---------------------------------------------------------------------------

@dataclass
class LearnerLesson:
    """One learner in one lesson."""

    lesson_id: str
    title: str | None  # None: the lesson is no longer in the library
    status: str  # a LessonStatus value
    step_id: str | None
    step_number: int | None  # 1-based index of step_id in the lesson; None if finished or unknown
    total_steps: int | None
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None  # stays set when the learner takes the lesson again
    quiz_attempts: int
    first_try_correct: int  # questions whose first ever answer was right


@dataclass
class LearnerProgress:
    id: int
    public_id: str  # for the learner's chart, /progress/{public_id}/chart.png
    channel: str
    external_id: str
    created_at: datetime
    trainings: int  # jobs asked for, whatever became of them
    lessons: list[LearnerLesson] = field(default_factory=list)


def learners_progress(session: Session, lessons: Sequence[Lesson], limit: int = 50,
                      offset: int = 0) -> list[LearnerProgress]:
    """Learners who started a lesson or asked for a training, newest first, each with every
    lesson they touched (course order; lessons since removed from the library last). Chat
    visitors who only talked are left out: they have no progress to show."""
    learners = queries.learners_with_progress(session, limit, offset)
    ids = [learner.id for learner in learners]
    if not ids:
        return []
    trainings = queries.trainings(session, ids)
    attempts = queries.attempt_counts(session, ids)
    first_right: dict[tuple[int, str], int] = defaultdict(int)
    for first in queries.first_attempts(session, learner_ids=ids):
        first_right[first.learner_id, first.lesson_id] += first.correct
    rows: dict[int, list[LessonProgress]] = defaultdict(list)
    for row in queries.progress_rows(session, ids):
        rows[row.learner_id].append(row)

    by_id = {lesson.id: lesson for lesson in lessons}
    order = {lesson.id: index for index, lesson in enumerate(lessons)}

    def state(row: LessonProgress) -> LearnerLesson:
        lesson = by_id.get(row.lesson_id)
        return LearnerLesson(
            lesson_id=row.lesson_id, title=lesson.title if lesson else None, status=row.status.value,
            step_id=row.step_id, step_number=_step_number(lesson, row.step_id),
            total_steps=len(lesson.steps) if lesson else None, started_at=row.started_at,
            updated_at=row.updated_at, completed_at=row.completed_at,
            quiz_attempts=attempts.get((row.learner_id, row.lesson_id), 0),
            first_try_correct=first_right[row.learner_id, row.lesson_id])

    return [LearnerProgress(
        id=learner.id, public_id=learner.public_id, channel=learner.channel,
        external_id=learner.external_id, created_at=learner.created_at,
        trainings=trainings.get(learner.id, 0),
        lessons=[state(row) for row in sorted(
            rows[learner.id], key=lambda r: (order.get(r.lesson_id, len(order)), r.lesson_id))],
    ) for learner in learners]


# ---- staff: funnel -----------------------------------------------------------------------------

@dataclass
class DropOff:
    step_id: str
    step_number: int | None  # None: the step is no longer in the lesson
    type: str | None  # say | ask | run | checkpoint | branch; None for a removed step
    learners: int


@dataclass
class Funnel:
    """started = completed + in_progress + quit: each learner counts once, completion first."""

    lesson_id: str
    title: str
    steps: int
    started: int  # learners with a row for the lesson
    completed: int  # completed_at set (also while they take it again)
    in_progress: int  # active or paused, never completed
    quit: int  # quit, never completed
    drop_off: list[DropOff]  # learners who have not completed it, by current step, in step order
    top_drop_off_step: str | None  # the step most of them are at (the earlier step on a tie)


def funnel(session: Session, lessons: Sequence[Lesson]) -> list[Funnel]:
    """Per lesson in course order: how many started, completed (ever), are still in it or quit,
    and on which step the learners who have not completed it are (the drop-off points)."""
    rows: dict[str, list[queries.Standing]] = defaultdict(list)
    for standing in queries.standings(session, [lesson.id for lesson in lessons]):
        rows[standing.lesson_id].append(standing)

    result = []
    for lesson in lessons:
        started = rows[lesson.id]
        waiting = [(s.status, s.step_id) for s in started if s.completed_at is None]
        counts: dict[str, int] = defaultdict(int)
        for _, step_id in waiting:
            if step_id is not None:
                counts[step_id] += 1
        drop_off = [DropOff(step.id, number, step.type, counts.pop(step.id))
                    for number, step in enumerate(lesson.steps, 1) if step.id in counts]
        drop_off += [DropOff(step_id, None, None, count) for step_id, count in sorted(counts.items())]
        top = max(drop_off, key=lambda d: d.learners, default=None)  # max keeps the first of a tie
        result.append(Funnel(
            lesson_id=lesson.id, title=lesson.title, steps=len(lesson.steps), started=len(started),
            completed=len(started) - len(waiting),
            in_progress=sum(status in IN_PROGRESS for status, _ in waiting),
            quit=sum(status is LessonStatus.quit for status, _ in waiting),
            drop_off=drop_off, top_drop_off_step=top.step_id if top else None))
    return result


# ---- staff: question difficulty ----------------------------------------------------------------

@dataclass
class QuestionDifficulty:
    lesson_id: str
    lesson_title: str
    step_id: str
    question: str
    learners: int  # distinct learners who answered
    first_try_correct_pct: float | None  # 0-100, one decimal; None when nobody answered
    mean_attempts: float | None  # answers per learner, over every run of the lesson
    median_seconds: float | None  # time to the first answer (None when never timed)


def question_difficulty(session: Session, lessons: Sequence[Lesson]) -> list[QuestionDifficulty]:
    """Every quiz question with the share of learners right on their first try; hardest first,
    questions nobody answered yet last, equal shares in course order."""
    lesson_ids = [lesson.id for lesson in lessons]
    totals = queries.question_counts(session, lesson_ids)
    firsts: dict[tuple[str, str], list[tuple[bool, float | None]]] = defaultdict(list)
    for attempt in queries.first_attempts(session, lesson_ids=lesson_ids):
        firsts[attempt.lesson_id, attempt.step_id].append((attempt.correct, attempt.seconds))

    result = []
    for lesson in lessons:
        for ask in lesson.asks:
            learners, attempts = totals.get((lesson.id, ask.id), (0, 0))
            first = firsts[lesson.id, ask.id]
            seconds = [s for _, s in first if s is not None]
            result.append(QuestionDifficulty(
                lesson_id=lesson.id, lesson_title=lesson.title, step_id=ask.id,
                question=ask.question, learners=learners,
                first_try_correct_pct=_pct(sum(right for right, _ in first), len(first)),
                mean_attempts=round(attempts / learners, 2) if learners else None,
                median_seconds=round(statistics.median(seconds), 1) if seconds else None))
    return sorted(result, key=lambda q: (q.first_try_correct_pct is None, q.first_try_correct_pct or 0))


# ---- the learner's own summary -----------------------------------------------------------------

@dataclass
class LessonSummary:
    lesson_id: str
    title: str
    # "not started", a LessonStatus value, or e.g. "active (finished before)" for a lesson the
    # learner completed once and is taking again.
    status: str
    step_number: int | None  # the current step, 1-based (None when not started or finished)
    steps: int
    done: float  # 0..1 of the current run: steps before the current one / steps; 1.0 completed
    answered: int  # questions answered at least once
    first_try_correct: int  # of those, right on the first ever try
    attempts: int  # every answer, every run
    ever_completed: bool = False  # completed at least once (also while taking it again)
    questions: int = 0  # ask steps in the lesson
    first_try_pct: float | None = None  # 0-100 of `answered`; None when nothing answered


@dataclass
class LearnerSummary:
    lessons: list[LessonSummary]  # every lesson of the course, in course order
    completed: int  # lessons completed at least once
    started: int
    answered: int
    first_try_correct: int
    trainings: int  # jobs asked for
    attempts: int = 0
    first_try_pct: float | None = None
    trainings_succeeded: int = 0


def learner_summary(session: Session, learner_id: int, lessons: Sequence[Lesson]) -> LearnerSummary:
    """The learner's progress over the whole course, for the chat's "how am I doing?" and the
    progress chart. Lessons no longer in the library are left out."""
    rows = {row.lesson_id: row for row in queries.progress_rows(session, [learner_id])}
    attempts = {lesson_id: count for (_, lesson_id), count in queries.attempt_counts(session, [learner_id]).items()}
    answered: dict[str, int] = defaultdict(int)
    right: dict[str, int] = defaultdict(int)
    for first in queries.first_attempts(session, learner_ids=[learner_id]):
        answered[first.lesson_id] += 1
        right[first.lesson_id] += first.correct

    summaries = []
    for lesson in lessons:
        row = rows.get(lesson.id)
        number = _step_number(lesson, row.step_id) if row else None
        if row is None:
            status, done = NOT_STARTED, 0.0
        elif row.status is LessonStatus.completed or (row.completed_at and row.step_id is None):
            status, done = LessonStatus.completed.value, 1.0
        else:
            status = row.status.value
            done = ((number or 1) - 1) / len(lesson.steps)
            if row.completed_at is not None:  # taking a finished lesson again
                status = f"{status} (finished before)"
        summaries.append(LessonSummary(
            lesson_id=lesson.id, title=lesson.title, status=status, step_number=number,
            steps=len(lesson.steps), done=round(done, 3), answered=answered[lesson.id],
            first_try_correct=right[lesson.id], attempts=attempts.get(lesson.id, 0),
            ever_completed=row is not None and row.completed_at is not None,
            questions=len(lesson.asks), first_try_pct=_pct(right[lesson.id], answered[lesson.id])))

    jobs = queries.trainings_by_status(session, learner_id)
    total_answered = sum(s.answered for s in summaries)
    total_right = sum(s.first_try_correct for s in summaries)
    return LearnerSummary(
        lessons=summaries,
        completed=sum(s.ever_completed or s.done == 1.0 for s in summaries),
        started=sum(s.status != NOT_STARTED for s in summaries),
        answered=total_answered, first_try_correct=total_right, trainings=sum(jobs.values()),
        attempts=sum(s.attempts for s in summaries), first_try_pct=_pct(total_right, total_answered),
        trainings_succeeded=jobs.get(JobStatus.succeeded, 0))


# ---- helpers -----------------------------------------------------------------------------------

def _step_number(lesson: Lesson | None, step_id: str | None) -> int | None:
    if lesson is None or step_id is None:
        return None
    return next((number for number, step in enumerate(lesson.steps, 1) if step.id == step_id), None)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
