"""Which engine runs jobs: the one small interface between queueing a job and running it.

`submit(job_id)` after the job's row is committed, `cancel(job_id)` after its row says
cancelled. The jobs table is the truth whichever engine runs (status, progress, results), so
the engines only differ in how a worker learns there is work:

- "db" (the embedded default, `make run`): the worker polls the table (jobs/worker.py), so both
  calls have nothing to do;
- "celery" (the scaled profile): the job's id goes to the broker, a Celery worker claims it from
  the table (jobs/celery_worker.py); a cancel is cooperative at the next progress report, with
  `revoke(terminate=True)` as the fallback when the job does not stop.

Skills and actions never see which one runs: they call jobs.service.enqueue and `cancel` here.
Why the embedded default stays on the table: docs/decisions.md, D31.
"""

import logging
import threading
from functools import cache
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from tutor.settings import Settings

log = logging.getLogger(__name__)


class Engine(Protocol):
    def submit(self, job_id: int) -> None: ...

    def cancel(self, job_id: int) -> None: ...


class DatabaseEngine:
    """The jobs table is the queue: the polling worker finds new and cancelled jobs itself."""

    def submit(self, job_id: int) -> None:
        return None

    def cancel(self, job_id: int) -> None:
        return None


class CeleryEngine:
    """Sends job ids to Celery workers over the broker (jobs/celery_app.py)."""

    def __init__(self, settings: Settings):
        from jobs import celery_app  # Celery is imported only when this engine is chosen

        self.settings = settings
        self.app = celery_app.make_app(settings)
        self._celery = celery_app

    def submit(self, job_id: int) -> None:
        """Publish the job's id. A publish that fails (broker down) is logged, not raised: the
        row is committed and queued, and a worker's sweep sends it again (celery_worker.top_up)."""
        try:
            self._celery.send(self.app, self.settings, job_id)
        except Exception:  # kombu raises its own OperationalError and socket errors
            log.exception("could not send job %s to the broker; a worker's sweep will", job_id)

    def cancel(self, job_id: int) -> None:
        """The worker running the job sees the cancelled row at its next check and stops it; if
        the job is still running a grace period later, its Celery task is terminated."""
        timer = threading.Timer(self.settings.job_kill_grace_seconds + 2 * self.settings.job_heartbeat_seconds,
                                self._terminate, (job_id,))
        timer.daemon = True
        timer.start()

    def _terminate(self, job_id: int) -> None:
        try:
            self._celery.terminate(self.app, self.settings, job_id)
        except Exception:
            log.exception("could not revoke the task of cancelled job %s", job_id)


@cache
def _engine(kind: str, settings_json: str) -> Engine:
    if kind == "celery":
        return CeleryEngine(Settings.model_validate_json(settings_json))
    return DatabaseEngine()


def engine_for(settings: Settings) -> Engine:
    """The configured engine (one per process and configuration: Celery keeps its connections)."""
    return _engine(settings.job_engine, settings.model_dump_json())


def submit_after_commit(session: Session, job_id: int, settings: Settings) -> None:
    """Submit the job once `session` commits, so no worker looks for a row that is not there yet;
    nothing is sent when the transaction rolls back."""
    if settings.job_engine == "db":
        return
    event.listen(session, "after_commit", lambda _session: engine_for(settings).submit(job_id), once=True)


def cancel(job_id: int, settings: Settings | None = None) -> None:
    """Tell the engine that job `job_id`'s row was cancelled (after the commit)."""
    engine_for(settings or Settings()).cancel(job_id)
