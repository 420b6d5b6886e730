"""SQLAlchemy 2 models: learners, jobs and the artifacts jobs produce.

A learner is one identity on one channel (Slack user, widget session); jobs hang off learners so
"progress in SQL" is the learner's trainings and their files.
"""

import enum
import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_public_id() -> str:
    """Unguessable id for URLs, so one learner cannot walk another's artifacts by number."""
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


class JobStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class Learner(Base):
    __tablename__ = "learners"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_learner_identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Unguessable id for the learner's own pages (the progress chart), like Job.public_id.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)

    jobs: Mapped[list["Job"]] = relationship(back_populates="learner")
    lessons: Mapped[list["LessonProgress"]] = relationship(back_populates="learner")


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    # Rasa's sender id: where progress and the result are pushed.
    conversation_id: Mapped[str] = mapped_column(String(255))
    skill: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, name="job_status", native_enum=False, length=16),
        default=JobStatus.queued,
        index=True,
    )
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    progress_note: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    # Plain-language text shown to the learner when the job fails.
    error: Mapped[str | None] = mapped_column(Text)
    # Technical detail (traceback) for staff; never shown in chat.
    error_detail: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When Rasa last accepted a push of the result (it may still not have been shown: the
    # action server was down, or no browser was connected; jobs/delivery.py).
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the learner's chat showed the result (the widget's acknowledgement, or a Slack post);
    # unset on a finished job means the result is still owed.
    shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Re-sends of an owed result back off exponentially (Settings.result_retry_*).
    push_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_push_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    learner: Mapped[Learner] = relationship(back_populates="jobs")
    artifacts: Mapped[list["Artifact"]] = relationship(back_populates="job", order_by="Artifact.id")


# A new job's number is the highest so far plus a random step of 1..MAX_JOB_NUMBER_STEP, not
# plus 1: learners see it ("Job #48213", "export job 48213"), and a sequential one would tell
# anyone the next learner's number and how busy Tutor is. Numbers still grow with time, so the
# queue, "newest first" lists and the fair-use rules keep ordering by id (docs/decisions.md).
# Every action that takes a job number also checks it is the learner's own.
MAX_JOB_NUMBER_STEP = 999
# On PostgreSQL two transactions could read the same highest number and pick the same next one:
# this transaction-scoped lock makes job creation wait its turn until the creator commits
# (milliseconds in an action). SQLite already lets one writer at a time through.
JOB_NUMBER_LOCK = 0x7475746F  # any fixed key; "tuto"


@event.listens_for(Session, "before_flush")
def _number_new_jobs(session: Session, _context: object, _instances: object) -> None:
    new = [obj for obj in session.new if isinstance(obj, Job) and obj.id is None]
    if not new:
        return
    with session.no_autoflush:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": JOB_NUMBER_LOCK})
        number = session.scalar(select(func.max(Job.id))) or 0
    for job in new:
        number += 1 + secrets.randbelow(MAX_JOB_NUMBER_STEP)
        job.id = number


class Artifact(Base):
    __tablename__ = "artifacts"
    __table_args__ = (UniqueConstraint("job_id", "path", name="uq_artifact_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    # plot | tflite | tfjs | ...
    kind: Mapped[str] = mapped_column(String(32))
    # Path relative to the job's artifact folder, e.g. "tfjs/model.json".
    path: Mapped[str] = mapped_column(String(512))
    content_type: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    job: Mapped[Job] = relationship(back_populates="artifacts")


class UnansweredQuestion(Base):
    """A question the FAQ brain was not sure about, for course staff to answer or add."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"), index=True)
    learner: Mapped[Learner | None] = relationship()
    conversation_id: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    # The closest entry and its score, so staff see what Tutor almost answered.
    best_guess: Mapped[str | None] = mapped_column(String(128))
    score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class LessonStatus(str, enum.Enum):
    active = "active"  # the lesson the learner's messages go to (at most one per learner)
    paused = "paused"  # left for another lesson; "start lesson N" resumes it
    quit = "quit"  # the learner said "quit lesson"
    completed = "completed"


class LessonProgress(Base):
    """One learner in one lesson: where they are (the engine's Position, as JSON) and how it went.

    `completed_at` stays set when a learner takes a finished lesson again, so the staff funnel
    counts completions, not current states.
    """

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("learner_id", "lesson_id", name="uq_lesson_progress"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    lesson_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[LessonStatus] = mapped_column(
        Enum(LessonStatus, name="lesson_status", native_enum=False, length=16),
        default=LessonStatus.active, index=True)
    # The current step (None once finished) and the rest of the engine's Position.
    step_id: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[dict] = mapped_column(JSON, default=dict)
    # Where the lesson talks to the learner (Rasa sender id), and a training it waits for.
    conversation_id: Mapped[str] = mapped_column(String(255))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    # When the open question was put to the learner: quiz attempts store the time they took.
    asked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    learner: Mapped[Learner] = relationship(back_populates="lessons")


class QuizAttempt(Base):
    """One answer to a lesson question: what was said, whether it was right, how long it took."""

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    lesson_id: Mapped[str] = mapped_column(String(64), index=True)
    step_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)
    # 1 for the first answer to this question in this run of the lesson, 2 for the retry, ...
    try_number: Mapped[int] = mapped_column(Integer)
    hints_used: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    learner: Mapped[Learner] = relationship()


class Upload(Base):
    """A learner's own data, checked and normalised into a folder skills read (docs/decisions.md, D34).

    The learner is the channel that received the file (the widget's session, a signed Slack
    event), never what a request says. `folder` is relative to Settings.var_dir.
    """

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # uploads.contract.KINDS
    name: Mapped[str] = mapped_column(String(255))  # the file's name as sent, for "use the flowers zip"
    size_bytes: Mapped[int] = mapped_column(Integer)  # as sent; counts towards the learner's quota
    folder: Mapped[str] = mapped_column(String(512))
    summary: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    # Numeric columns to pick from (a series with several); empty once the upload can train.
    choices: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    learner: Mapped[Learner] = relationship()
