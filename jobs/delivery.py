"""When a job's result counts as delivered, and when an owed one is pushed again.

Rasa's trigger_intent answers 200 whether or not the learner saw anything: the action server may
have been down (Rasa logs the error and carries on), or no browser was in the socket.io room the
result was emitted to. So Rasa accepting a push (`notified_at`) is only an attempt. A result is
delivered when the learner's chat showed it (`shown_at`):
- the web widget acknowledges every result card it rendered (POST /chat/results/shown with the
  card's receipt, the job's public id, and its own session id: api/routes/results.py);
- a result that goes to Slack counts as shown once the action has rendered it, because Slack keeps
  the message until the learner looks (actions/job_updates.py).
Until then the result is owed: the worker pushes it again with exponential backoff until it is
`result_max_age_hours` old, and a widget that (re)connects or sends a message asks for its owed
results at once (POST /chat/results/owed). "Show my models" marks results never shown.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import Job, JobStatus, utcnow
from tutor.settings import Settings

FINISHED = (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled)
MAX_RECEIPTS = 50  # one acknowledgement names at most this many results


def retry_delay(attempts: int, base: float, cap: float) -> float:
    """Seconds to wait after the `attempts`-th push before the next: base, 2 base, 4 base ... cap."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def oldest_owed(settings: Settings, now: datetime) -> datetime:
    """A result that finished before this is no longer pushed (it stays in "show my models")."""
    return now - timedelta(hours=settings.result_max_age_hours)


def owed_results(session: Session, settings: Settings, *, now: datetime | None = None,
                 conversation_id: str | None = None, due_only: bool = True) -> list[Job]:
    """Finished jobs whose result no chat has shown yet, young enough to push again; with
    `due_only`, only those whose backoff has run out; with `conversation_id`, one learner's."""
    now = now or utcnow()
    query = select(Job).where(Job.status.in_(FINISHED), Job.shown_at.is_(None),
                              Job.finished_at >= oldest_owed(settings, now))
    if due_only:
        query = query.where(or_(Job.next_push_at.is_(None), Job.next_push_at <= now))
    if conversation_id is not None:
        query = query.where(Job.conversation_id == conversation_id)
    return list(session.scalars(query.order_by(Job.id)))


def record_push(job: Job, accepted: bool, settings: Settings, now: datetime | None = None) -> None:
    """Count one push of the result (accepted by Rasa or not) and schedule the next."""
    now = now or utcnow()
    job.push_attempts = (job.push_attempts or 0) + 1
    if accepted:
        job.notified_at = now
    delay = retry_delay(job.push_attempts, settings.result_retry_seconds, settings.result_retry_max_seconds)
    job.next_push_at = now + timedelta(seconds=delay)


def mark_shown(session: Session, conversation_id: str, receipts: Iterable[str],
               now: datetime | None = None) -> list[Job]:
    """Acknowledge results this conversation's chat showed. Receipts of other conversations'
    jobs are ignored: a receipt is also in the job's download links, which learners share."""
    wanted = list(dict.fromkeys(receipts))[:MAX_RECEIPTS]
    if not wanted:
        return []
    jobs = list(session.scalars(select(Job).where(
        Job.public_id.in_(wanted), Job.conversation_id == conversation_id, Job.status.in_(FINISHED))))
    for job in jobs:
        job.shown_at = job.shown_at or now or utcnow()
    return jobs


def never_shown(job: Job) -> bool:
    """A finished result that no chat has shown (still owed, or past the age limit)."""
    return job.status in FINISHED and job.shown_at is None
