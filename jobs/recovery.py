"""Jobs whose worker or training process died: retried once, then failed with a message.

The rule (jobs.policy.after_lost_attempt) is pure; this module applies it to job rows, for a
worker that finds a dead predecessor's jobs and for a worker whose own training process died.
"""

from datetime import timedelta

from sqlalchemy.orm import Session

from db import repository as repo
from db.models import Job, JobStatus
from jobs import liveness
from jobs.policy import LOST_TWICE, RETRYING, AfterLoss, after_lost_attempt


def lose(session: Session, job: Job, max_attempts: int, detail: str) -> JobStatus:
    """Queue the running `job` again while attempts remain, else fail it; the caller commits and
    tells the learner (a progress push for a retry, the result for a failure)."""
    if after_lost_attempt(job.attempts, max_attempts) is AfterLoss.retry:
        repo.set_status(session, job, JobStatus.queued, worker_id=None, progress=0.0,
                        progress_note=RETRYING, error_detail=detail)
    else:
        repo.set_status(session, job, JobStatus.failed, error=LOST_TWICE, error_detail=detail)
    return job.status


def reclaim(session: Session, stale_after: timedelta, max_attempts: int) -> tuple[list[Job], list[Job]]:
    """Requeue or fail the jobs of dead workers: gone from this host (at once) or silent for
    `stale_after` (any host). Returns (requeued, failed)."""
    requeued: list[Job] = []
    failed: list[Job] = []
    for job in repo.orphaned_jobs(session, stale_after, is_gone=liveness.is_gone):
        detail = f"worker {job.worker_id} died during attempt {job.attempts}"
        (requeued if lose(session, job, max_attempts, detail) is JobStatus.queued else failed).append(job)
    return requeued, failed
