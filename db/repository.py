"""Repository functions: the only code that writes SQL for learners, jobs and artifacts.

Every function takes a Session and commits nothing itself except `claim_next_job`, whose
atomic UPDATE is the point (see its docstring). Callers own the transaction.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from db.models import Artifact, Job, JobStatus, Learner, UnansweredQuestion, utcnow
from db.states import FINISHED, check_transition


def get_or_create_learner(session: Session, channel: str, external_id: str) -> Learner:
    learner = session.scalar(
        select(Learner).where(Learner.channel == channel, Learner.external_id == external_id)
    )
    if learner is None:
        learner = Learner(channel=channel, external_id=external_id)
        session.add(learner)
        session.flush()
    return learner


def create_job(
    session: Session, learner: Learner, conversation_id: str, skill: str, params: dict
) -> Job:
    job = Job(learner=learner, conversation_id=conversation_id, skill=skill, params=params)
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def count_jobs(session: Session) -> int:
    return session.scalar(select(func.count(Job.id))) or 0


Pick = Callable[[list[tuple[int, int]], dict[int, int], dict[int, datetime]], int | None]


def oldest_first(queued: list[tuple[int, int]], running: dict[int, int],
                 last_started: dict[int, datetime]) -> int | None:
    return queued[0][0] if queued else None


def claim_next_job(session: Session, worker_id: str, pick: Pick = oldest_first) -> Job | None:
    """Move the next queued job to running for this worker, or return None.

    `pick` chooses the next job; the worker passes jobs.policy.pick_next (round-robin between
    learners, so one learner's backlog never holds up another's first job). The UPDATE re-checks
    `status = 'queued'` on the row it changes, so when two workers race for
    the same row only one UPDATE matches it (SQLite serialises writers; PostgreSQL re-evaluates
    the WHERE clause after the first writer commits). The loser sees rowcount 0 and tries again.
    """
    while True:
        candidate = _candidate(session, pick)
        if candidate is None:
            session.rollback()
            return None
        now = utcnow()
        result = session.execute(
            update(Job)
            .where(Job.id == candidate, Job.status == JobStatus.queued)
            .values(
                status=JobStatus.running,
                worker_id=worker_id,
                started_at=now,
                heartbeat_at=now,
                attempts=Job.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        claimed = cast(CursorResult, result).rowcount  # an UPDATE's Result is a CursorResult
        session.commit()
        if claimed == 1:
            job = session.get(Job, candidate, populate_existing=True)
            return job


def _candidate(session: Session, pick: Pick, window: int = 500) -> int | None:
    """The queued job `pick` chooses among the oldest `window`, from (job id, learner id) pairs,
    each learner's running count and each learner's last start."""
    queued = [(job_id, learner_id) for job_id, learner_id in session.execute(
        select(Job.id, Job.learner_id).where(Job.status == JobStatus.queued)
        .order_by(Job.id).limit(window))]
    learners = {learner_id for _, learner_id in queued}
    if not learners:
        return None
    running = dict(session.execute(
        select(Job.learner_id, func.count(Job.id))
        .where(Job.status == JobStatus.running, Job.learner_id.in_(learners))
        .group_by(Job.learner_id)).tuples().all())
    last_started = {learner_id: started for learner_id, started in session.execute(
        select(Job.learner_id, func.max(Job.started_at))
        .where(Job.learner_id.in_(learners), Job.started_at.is_not(None))
        .group_by(Job.learner_id)).tuples() if started is not None}
    return pick(queued, running, last_started)


def learner_usage(session: Session, learner: Learner, since: datetime) -> tuple[list[int], list[datetime]]:
    """A learner's queued or running job ids, and when each of their jobs since `since` was
    queued: what the fair-use rule (jobs.policy.refusal) reads."""
    active = list(session.scalars(select(Job.id).where(
        Job.learner_id == learner.id, Job.status.in_([JobStatus.queued, JobStatus.running]))))
    recent = list(session.scalars(select(Job.created_at).where(
        Job.learner_id == learner.id, Job.created_at >= since)))
    return active, recent


def set_status(session: Session, job: Job, status: JobStatus, **fields: object) -> Job:
    """Change a job's status through the state machine, stamping finished jobs."""
    check_transition(job.status, status)
    job.status = status
    for name, value in fields.items():
        setattr(job, name, value)
    if status in FINISHED:
        job.finished_at = utcnow()
    return job


def still_owns(session: Session, job: Job, worker_id: str) -> bool:
    """True if the job is still running for this worker. A worker checks this before writing a
    result, so it never overwrites a job that was requeued (and maybe rerun) meanwhile."""
    session.refresh(job, with_for_update=session.get_bind().dialect.name == "postgresql")
    return job.status is JobStatus.running and job.worker_id == worker_id


def is_cancelled(session: Session, job: Job) -> bool:
    """Re-read the job's status: a learner may have cancelled it from the action server."""
    session.refresh(job, ["status"])
    return job.status is JobStatus.cancelled


def active_jobs(session: Session, learner: Learner) -> list[Job]:
    """A learner's queued or running jobs, newest first."""
    return list(session.scalars(
        select(Job)
        .where(Job.learner_id == learner.id,
               Job.status.in_([JobStatus.queued, JobStatus.running]))
        .order_by(Job.id.desc())
    ))


def cancel_job(session: Session, job: Job, reason: str) -> Job:
    """Cancel a queued or running job; a running one stops at its worker's next progress
    report. The learner who asked has been answered, so no result is owed."""
    set_status(session, job, JobStatus.cancelled, error=reason)
    job.notified_at = job.shown_at = utcnow()
    return job


def finished_jobs(session: Session, learner: Learner, skill: str | None = None,
                  limit: int = 20) -> list[Job]:
    """A learner's successful runs, newest first, optionally of one skill."""
    query = select(Job).where(Job.learner_id == learner.id,
                              Job.status == JobStatus.succeeded)
    if skill is not None:
        query = query.where(Job.skill == skill)
    return list(session.scalars(query.order_by(Job.id.desc()).limit(limit)))


def record_progress(session: Session, job: Job, fraction: float, note: str) -> Job:
    job.progress = max(0.0, min(1.0, fraction))
    job.progress_note = note
    job.heartbeat_at = utcnow()
    return job


def add_artifact(
    session: Session, job: Job, kind: str, path: str, content_type: str, size_bytes: int
) -> Artifact:
    artifact = Artifact(
        job=job, kind=kind, path=path, content_type=content_type, size_bytes=size_bytes
    )
    session.add(artifact)
    session.flush()
    return artifact


def find_artifact(session: Session, job_public_id: str, path: str) -> Artifact | None:
    return session.scalar(
        select(Artifact)
        .join(Job)
        .where(Job.public_id == job_public_id, Artifact.path == path)
    )


def orphaned_jobs(
    session: Session, stale_after: timedelta, now: datetime | None = None,
    is_gone: Callable[[str | None], bool] = lambda worker_id: False,
) -> list[Job]:
    """Running jobs whose worker died: it stopped beating for `stale_after`, or
    `is_gone(worker_id)` says its process no longer runs (jobs.liveness)."""
    now = now or utcnow()
    orphans = []
    for job in session.scalars(select(Job).where(Job.status == JobStatus.running).order_by(Job.id)):
        beat = job.heartbeat_at
        if beat is not None and beat.tzinfo is None:
            beat = beat.replace(tzinfo=UTC)  # SQLite hands back naive UTC times
        if beat is None or beat < now - stale_after or is_gone(job.worker_id):
            orphans.append(job)
    return orphans


def jobs_owing_notification(session: Session) -> list[Job]:
    """Finished jobs whose result Rasa never accepted. Accepted is not delivered: the worker
    pushes what no chat has shown yet (jobs/delivery.py)."""
    return list(
        session.scalars(
            select(Job)
            .where(
                Job.status.in_([JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled]),
                Job.notified_at.is_(None),
            )
            .order_by(Job.id)
        )
    )


def record_unanswered(session: Session, learner: Learner | None, conversation_id: str, text: str,
                      best_guess: str | None, score: float | None) -> UnansweredQuestion:
    question = UnansweredQuestion(learner=learner, conversation_id=conversation_id, text=text,
                                  best_guess=best_guess, score=score)
    session.add(question)
    session.flush()
    return question


def list_unanswered(session: Session, limit: int = 100, offset: int = 0) -> list[UnansweredQuestion]:
    """Newest first."""
    return list(session.scalars(
        select(UnansweredQuestion).order_by(UnansweredQuestion.id.desc()).limit(limit).offset(offset)
    ))
