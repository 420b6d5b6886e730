"""The queue's rules as pure functions: attempts after a lost worker, fair use, the next job.

No database, clock or process here: callers pass what they read, so the same rules serve the
SQL queue's polling loop today and a task-queue engine (Celery's acks_late, reject_on_worker_lost,
its own attempt count) later.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

LOST_TWICE = (
    "The training stopped unexpectedly; the process running it died twice, so I gave up on it. "
    "Nothing you did caused it, and the course staff can see it in the logs. You can ask me to "
    "train again, perhaps with fewer epochs or a smaller model."
)
RETRYING = "the training stopped unexpectedly; starting it again"


class AfterLoss(str, Enum):
    retry = "retry"
    fail = "fail"


def after_lost_attempt(attempts: int, max_attempts: int) -> AfterLoss:
    """What to do with a job whose worker (or training process) died during attempt `attempts`:
    run it again while attempts remain, else fail it with LOST_TWICE."""
    return AfterLoss.retry if attempts < max_attempts else AfterLoss.fail


@dataclass(frozen=True)
class FairUse:
    """Per-learner limits: jobs queued or running at once, and jobs started per hour."""

    max_active: int = 2
    max_per_hour: int = 30


def refusal(limits: FairUse, active_job_ids: Sequence[int], created_last_hour: Iterable[datetime],
            now: datetime) -> str | None:
    """Why a learner may not queue another job now, with when they can, or None if they may.

    `active_job_ids` are their queued or running jobs; `created_last_hour` when their jobs of the
    past hour were queued (the hourly window slides: a slot frees an hour after each job)."""
    if len(active_job_ids) >= limits.max_active:
        jobs = ", ".join(f"#{job_id}" for job_id in sorted(active_job_ids))
        return (f"You already have {len(active_job_ids)} trainings waiting or running ({jobs}), "
                f"and {limits.max_active} at a time is the limit so everyone gets a turn. You can "
                "train again as soon as one of them finishes, or say \"cancel my training\".")
    now = naive_utc(now)
    recent = sorted(t for t in map(naive_utc, created_last_hour) if t > now - timedelta(hours=1))
    if len(recent) >= limits.max_per_hour:
        free_at = recent[len(recent) - limits.max_per_hour] + timedelta(hours=1)
        minutes = max(1, round((free_at - now).total_seconds() / 60))
        return (f"You've started {len(recent)} trainings in the past hour, and "
                f"{limits.max_per_hour} an hour is the limit so everyone gets a turn. You can "
                f"train again in {minutes} minute{'s' if minutes != 1 else ''} "
                f"(at {free_at:%H:%M} UTC).")
    return None


def pick_next(queued: Sequence[tuple[int, int]], running: Mapping[int, int],
              last_started: Mapping[int, datetime]) -> int | None:
    """The queued job to run next, from (job id, learner id) pairs: round-robin between
    learners, not first come first served.

    The learner with the fewest running jobs goes first, then the one who waited longest since
    their last start (never started counts as longest), then their oldest job. So a learner's
    backlog delays another learner's first job by at most the one job already running."""
    if not queued:
        return None
    oldest: dict[int, int] = {}
    for job_id, learner_id in queued:
        oldest[learner_id] = min(job_id, oldest.get(learner_id, job_id))
    never = datetime.min

    def turn(learner_id: int) -> tuple[int, datetime, int]:
        started = last_started.get(learner_id)
        return (running.get(learner_id, 0),
                never if started is None else naive_utc(started),
                oldest[learner_id])

    return oldest[min(oldest, key=turn)]


def naive_utc(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes, PostgreSQL aware ones: compare them as naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment
