"""The one path from chat and lessons to the worker: queue a job, describe it, pick a source run.

Actions and lesson turns both call these, so a job is validated, stored and announced the same
way whoever asks for it. Nothing here knows Rasa: callers turn the returned payloads into
messages on their channel.
"""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from db import repository as repo
from db.models import Job, JobStatus, Learner, utcnow
from jobs import engine, policy
from jobs.policy import FairUse
from skills import registry
from skills.base import FromRun
from skills.upload_data import OnUpload
from tutor.payloads import JobCard
from tutor.settings import Settings
from uploads import contract


class FairUseRefused(Exception):
    """The learner is over a fair-use limit; the message says which and when they can train."""


def fair_use(settings: Settings) -> FairUse:
    return FairUse(max_active=settings.max_active_jobs, max_per_hour=settings.max_jobs_per_hour)


class NotYourJob(Exception):
    """The learner named a job of another learner's."""

    def __init__(self, job_id: int):
        super().__init__(f"job #{job_id} belongs to another learner")
        self.job_id = job_id


def enqueue(session: Session, learner: Learner, conversation_id: str, skill: str,
            params: dict, limits: FairUse | None = None, settings: Settings | None = None) -> Job:
    """Validate `params` against the skill's own Params and store a queued job.

    Raises pydantic.ValidationError for out-of-bounds settings (callers explain the bounds),
    KeyError for an unknown skill, and FairUseRefused when the learner already has `limits`
    (default: the settings') worth of jobs. The stored params are the validated ones, so the
    worker runs exactly what the learner was promised. The configured job engine is told once
    the caller commits (jobs/engine.py).
    """
    spec = registry.get(skill)
    validated = spec.params.model_validate(params)
    now = utcnow()
    active, recent = repo.learner_usage(session, learner, since=now - timedelta(hours=1))
    settings = settings or Settings()
    reason = policy.refusal(limits or fair_use(settings), active, recent, now)
    if reason is not None:
        raise FairUseRefused(reason)
    job = repo.create_job(session, learner, conversation_id, skill, validated.model_dump(mode="json"))
    engine.submit_after_commit(session, job.id, settings)  # the scaled engine learns of it (D31)
    return job


def job_card(job: Job) -> JobCard:
    """The payload that opens a progress bar for a job just queued."""
    return JobCard(job_id=job.id, skill=job.skill)


def source_run(session: Session, learner: Learner, job_id: int | None = None,
               skills: tuple[str, ...] | list[str] = ()) -> Job | None:
    """The learner's finished training to export or ask: job `job_id`, else their newest run of
    one of `skills` (any trained model when empty). None when there is none; NotYourJob when
    `job_id` is another learner's."""
    if job_id is not None:
        job = repo.get_job(session, job_id)
        if job is not None and job.learner_id != learner.id:
            raise NotYourJob(job_id)
        return job if job is not None and job.status is JobStatus.succeeded else None
    trainers = registry.trainers()
    for job in repo.finished_jobs(session, learner, limit=50):
        if job.skill in trainers and (not skills or job.skill in skills):
            return job
    return None


def resolve_source(session: Session, job: Job, params: object, job_dir: Callable[[str], Path]) -> None:
    """Fill in a FromRun job's source folder, for the worker. The source must be a finished run
    of the same learner: a job can never read another learner's files, whatever its params say."""
    if not isinstance(params, FromRun):
        return
    source = repo.get_job(session, params.source_job_id)
    if source is None or source.learner_id != job.learner_id or source.status is not JobStatus.succeeded:
        params.model_dir = None  # the skill then tells the learner to train first
        return
    params.model_dir = job_dir(source.public_id)


def resolve_uploads(job: Job, params: object, var_dir: Path) -> None:
    """Give a skill that can train on an upload its job's learner's own uploads folder: the skill
    reads `upload_dir` only inside it, so a job can name neither /etc nor another learner's upload,
    whatever its params say (D34). Always set, so a root stored in params is never used."""
    if isinstance(params, OnUpload):
        params.uploads_root = contract.uploads_root(var_dir) / job.learner.public_id
