"""Artifact retention: delete old job folders, and the oldest while all of them are too big,
but never the files a lesson, an export or a learner's latest model still needs.

`expired` is the pure rule; `apply` reads the jobs, deletes their folders and artifact records,
and marks their results, so "show my models" says the files are gone instead of linking to them.
"""

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Artifact, Job, JobStatus, LessonProgress, Upload, utcnow
from jobs import artifacts
from jobs.policy import naive_utc
from tutor.settings import Settings

MB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    job_id: int
    finished_at: datetime
    size_bytes: int


def expired(runs: Iterable[Run], keep: set[int], now: datetime, max_age: timedelta,
            max_total_bytes: float) -> list[int]:
    """Jobs whose files go: those older than `max_age`, then the oldest others until the rest
    fit in `max_total_bytes`. Jobs in `keep` always stay (and still count towards the total)."""
    ordered = sorted(runs, key=lambda run: (naive_utc(run.finished_at), run.job_id))
    total = sum(run.size_bytes for run in ordered)
    gone = []
    for run in ordered:
        if run.job_id in keep:
            continue
        if naive_utc(run.finished_at) < naive_utc(now - max_age) or total > max_total_bytes:
            gone.append(run.job_id)
            total -= run.size_bytes
    return gone


def still_needed(session: Session) -> set[int]:
    """Job ids whose files something still reads: jobs not finished yet, the trainings a lesson
    points at, the source runs of queued or running exports and predictions (params
    `source_job_id`), and each learner's newest successful run of each skill ("export my model"
    and "is this positive" use it without a job number)."""
    unfinished = list(session.execute(select(Job.id, Job.params).where(
        Job.status.in_([JobStatus.queued, JobStatus.running]))))
    keep = {job_id for job_id, _ in unfinished}
    keep |= {params.get("source_job_id") for _, params in unfinished
             if isinstance(params, dict) and isinstance(params.get("source_job_id"), int)}
    keep |= set(session.scalars(select(LessonProgress.job_id).where(LessonProgress.job_id.is_not(None))))
    keep |= set(session.scalars(select(func.max(Job.id)).where(Job.status == JobStatus.succeeded)
                                .group_by(Job.learner_id, Job.skill)))
    return keep


def apply(session: Session, settings: Settings, now: datetime | None = None) -> list[int]:
    """Delete the files of expired jobs; returns their ids. The caller commits."""
    now = now or utcnow()
    rows = session.execute(
        select(Job.id, Job.finished_at, func.sum(Artifact.size_bytes))
        .join(Artifact, Artifact.job_id == Job.id)
        .where(Job.finished_at.is_not(None))
        .group_by(Job.id, Job.finished_at))
    runs = [Run(job_id, finished, int(size or 0)) for job_id, finished, size in rows if finished is not None]
    gone = expired(runs, still_needed(session), now, timedelta(days=settings.artifact_max_age_days),
                   settings.artifact_max_total_mb * MB)
    for job in session.scalars(select(Job).where(Job.id.in_(gone))):
        shutil.rmtree(artifacts.job_dir(settings, job.public_id), ignore_errors=True)
        for artifact in list(job.artifacts):
            session.delete(artifact)
        job.result = {**(job.result or {}), "artifacts": [], "artifacts_expired_at": now.isoformat()}
    apply_uploads(session, settings, now)
    return gone


def apply_uploads(session: Session, settings: Settings, now: datetime | None = None) -> list[int]:
    """Learners' uploads follow the artifacts' age limit (D34): older ones lose their folder and
    row, except one a queued or running job still reads (its `upload_dir`). The caller commits."""
    now = now or utcnow()
    cutoff = naive_utc(now - timedelta(days=settings.artifact_max_age_days))
    reading = {str(params.get("upload_dir")) for params in session.scalars(select(Job.params).where(
        Job.status.in_([JobStatus.queued, JobStatus.running]))) if isinstance(params, dict)}
    gone = []
    for upload in session.scalars(select(Upload)):
        folder = settings.var_dir / upload.folder
        if naive_utc(upload.created_at) >= cutoff or str(folder) in reading:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        session.delete(upload)
        gone.append(upload.id)
    return gone


def disk_nearly_full(free_bytes: int, min_free_mb: float) -> bool:
    return free_bytes < min_free_mb * MB
