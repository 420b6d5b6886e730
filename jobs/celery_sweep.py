"""The Celery workers' sweep: what the polling worker's recover() does, safe for many workers.

Every pool process runs this loop, but one sweep runs at a time across all of them (redis-py's
lock, which expires, so a dead sweeper never blocks the others). Seen in the soak (bench/soak.py): with
each pool process calling Worker.recover() on its own, a result was pushed twice, because one
process's sweep found a job another had just finished, between its status commit and its first
push. So here:
- jobs of dead workers are requeued (or failed after the last attempt, and their result pushed);
- an owed result is re-sent by the sweep only once its first push is on record, or when it
  finished FIRST_PUSH_GRACE ago without one (the process that finished it died before pushing);
- the broker gets a message for each queued job it holds none for (a publish that failed);
- artifacts are cleaned up now and then.
"""

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from celery import Celery
from sqlalchemy import func, select

from db.models import Job, JobStatus, utcnow
from jobs import celery_app, delivery, recovery
from jobs.notify import PROGRESS_INTENT
from jobs.worker import RETENTION_EVERY, Worker
from tutor.settings import Settings

log = logging.getLogger(__name__)

LOCK_KEY = "tutor:celery-sweep:{queue}"
FIRST_PUSH_GRACE = timedelta(seconds=60)  # the finishing process pushes first, well within this
# A sweeper that died holding the lock frees it after this. It was 300 s: a worker killed while its
# pool process swept (a tenth of the time at a 0.5 s interval) left its running job to nobody for
# five minutes, and CI's "killed worker's job is taken over" test timed out. A sweep takes
# milliseconds; the TTL is renewed before the artifact clean-up, the one step that can be slow.
LOCK_SECONDS = 30


def sweep_lock(settings: Settings) -> Any:
    """The lock one sweeper at a time holds (redis-py's, which expires)."""
    return celery_app.redis_client(settings).lock(
        LOCK_KEY.format(queue=settings.celery_queue), timeout=LOCK_SECONDS, blocking=False)


def sweep_forever(worker: Worker) -> None:
    app = celery_app.make_app(worker.settings)
    lock = sweep_lock(worker.settings)
    next_retention = 0.0
    while not worker.stopping.wait(worker.settings.recover_interval):
        try:
            if not lock.acquire():
                continue  # another pool process is sweeping
            try:
                sweep_once(app, worker)
                if time.monotonic() >= next_retention:
                    next_retention = time.monotonic() + RETENTION_EVERY
                    lock.reacquire()  # a full LOCK_SECONDS for the clean-up
                    worker.clean_up()
            finally:
                lock.release()
        except Exception:  # the database or the broker briefly away: next time
            log.exception("sweep failed; retrying")


def sweep_once(app: Celery, worker: Worker) -> None:
    settings = worker.settings
    with worker.sessions() as session:
        requeued, failed = recovery.reclaim(
            session, timedelta(seconds=settings.job_stale_seconds), settings.job_max_attempts)
        session.commit()
        for job in requeued:
            log.warning("job %s requeued: %s", job.id, job.error_detail)
            worker.notifier.trigger(job.conversation_id, PROGRESS_INTENT, job.id)
        for job in failed:
            log.warning("job %s failed: %s", job.id, job.error_detail)
            worker._push_result(session, job)
        now = utcnow()
        for job in delivery.owed_results(session, settings, now=now):
            if job.next_push_at is not None or _finished_before(job, now - FIRST_PUSH_GRACE):
                worker._push_result(session, job)
    top_up(app, worker)


def _finished_before(job: Job, moment: datetime) -> bool:
    finished = job.finished_at
    if finished is None:
        return False
    if finished.tzinfo is None:  # SQLite hands back naive UTC times
        moment = moment.replace(tzinfo=None)
    return bool(finished < moment)


def top_up(app: Celery, worker: Worker) -> int:
    """Send a message for each queued job the broker holds none for; returns how many."""
    with worker.sessions() as session:
        queued = session.scalar(select(func.count(Job.id)).where(Job.status == JobStatus.queued)) or 0
    missing = queued - celery_app.queue_length(app, worker.settings)
    for _ in range(max(0, missing)):
        celery_app.send(app, worker.settings, 0)  # 0: no job of its own, just a turn
    if missing > 0:
        log.info("sent %d messages for queued jobs the broker had none for", missing)
    return max(0, missing)
