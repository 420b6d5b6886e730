"""Celery workers of the scaled profile: each pool process runs jobs through the same Worker.

`python -m jobs.celery_worker` starts a Celery worker (prefork pool, one process by default). The
Celery processes never import TensorFlow: each pool process, made by fork from a parent that has
not loaded it, builds its own jobs.worker.Worker after the fork, whose job sandbox is a spawned
child that imports and warms TensorFlow (D27). So a training has the sandbox's limits (wall
clock, memory, threads) and, behind them, Celery's: the soft limit raises in the task, the hard
one kills the pool process (its sandbox dies with it), and the parent fails the job.

A message is a turn of work, not a private channel to one job: the task first settles its own
job (a redelivery after its pool process died counts as a lost attempt, jobs.policy), then
claims the fairest queued job (jobs.policy.pick_next), as the polling worker does. There is one
message per queued job, so every job runs, duplicates find nothing to do and exit, and one
learner's backlog still never holds up another learner's first job. A sweep (jobs/celery_sweep.py,
one pool process at a time) requeues dead workers' jobs, re-sends owed results, and tops up the
broker when it holds fewer messages than there are queued jobs (a publish that failed).
"""

import argparse
import logging
import multiprocessing
import os
import socket
import threading
from datetime import timedelta
from typing import Any

from celery import Celery, signals
from celery.exceptions import SoftTimeLimitExceeded
from celery.worker.request import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import repository as repo
from db.models import Job, JobStatus
from jobs import celery_app, celery_sweep, liveness, policy, recovery
from jobs.worker import Worker
from tutor import log_redaction
from tutor.settings import Settings

log = logging.getLogger(__name__)

_worker: Worker | None = None  # this pool process's own, made after the fork
_warm_up = True  # --no-warm-up (tests with tiny fake skills): TensorFlow is not loaded up front


def time_limit_message(seconds: float) -> str:
    return (f"I stopped it after {seconds:g} seconds, the time limit for one training. Try fewer "
            "epochs or a smaller model and ask again.")


# --- in the pool process ---------------------------------------------------------------------

def _init_pool_process(**_kwargs: object) -> None:
    """Per pool process, after the fork: its own engine, notifier and job sandbox, and the sweep."""
    global _worker
    # Celery's pool processes (billiard) are daemonic and carry billiard's authkey object, and the
    # standard multiprocessing, which the job sandbox spawns its child with, refuses both: no
    # children for a daemonic process, and billiard's key does not pickle into a spawn. The
    # daemon flag only keeps children from being orphaned; the sandbox's child dies with its
    # parent anyway (PR_SET_PDEATHSIG, jobs/sandbox.py). A fresh key of our own replaces billiard's.
    this = multiprocessing.current_process()
    this._config["daemon"] = False  # type: ignore[attr-defined]
    this._config["authkey"] = multiprocessing.process.AuthenticationString(os.urandom(32))  # type: ignore[attr-defined]
    _worker = Worker(Settings())
    if _warm_up:
        _worker.warm_up()
    threading.Thread(target=celery_sweep.sweep_forever, args=(_worker,), name="tutor-sweep",
                     daemon=True).start()


def _shutdown_pool_process(**_kwargs: object) -> None:
    if _worker is not None:
        _worker.stopping.set()
        _worker.close()


def settle_own(session: Session, worker: Worker, job_id: int) -> None:
    """A message whose job is running under a dead process was redelivered because that process
    died: count the lost attempt (retry, or fail and tell the learner after the last one)."""
    job = repo.get_job(session, job_id)
    if job is None or job.status is not JobStatus.running:
        return  # queued: claimed below; finished: nothing to do (idempotent)
    stale = worker.settings.job_stale_seconds
    if job not in repo.orphaned_jobs(session, timedelta(seconds=stale), is_gone=liveness.is_gone):
        return  # its worker lives: a duplicate delivery
    status = recovery.lose(session, job, worker.settings.job_max_attempts,
                           f"worker {job.worker_id} died during attempt {job.attempts}")
    session.commit()
    log.warning("job %s %s after a lost attempt", job.id, status.value)
    if status is JobStatus.failed:
        worker._push_result(session, job)


def run_job(task: Any, job_id: int) -> str:
    """The Celery task: settle the message's own job, then run the fairest queued job."""
    worker = _worker
    assert worker is not None, "the pool process was not initialised"
    settings = worker.settings
    with worker.sessions() as session:
        settle_own(session, worker, job_id)
    running: Job | None = None
    try:
        while True:
            low_disk = worker.disk_nearly_full()
            if low_disk:
                worker.clean_up()
                low_disk = worker.disk_nearly_full()
            with worker.sessions() as session:
                running = repo.claim_next_job(session, worker.worker_id, policy.pick_next)
                if running is None:
                    return "nothing queued"
                celery_app.remember_task(settings, running.id, task.request.id)
                try:
                    worker.run_claimed(session, running, low_disk)
                finally:
                    celery_app.forget_task(settings, running.id)
                if running.status is not JobStatus.queued:  # a lost attempt runs again at once
                    return f"job {running.id} {running.status.value}"
    except SoftTimeLimitExceeded:
        worker.sandbox.close()  # the training is killed; the next job gets a fresh sandbox
        if running is not None:
            limit = settings.celery_soft_limit or settings.job_time_limit
            fail_if_running(worker, running.id, worker.worker_id, time_limit_message(limit),
                            f"Celery's soft time limit ({limit:g} s)")
        return "soft time limit"


def fail_if_running(worker: Worker, job_id: int, worker_id: str | None, error: str, detail: str) -> bool:
    """Fail a job still running for `worker_id` (any worker when None) and push its result."""
    with worker.sessions() as session:
        job = repo.get_job(session, job_id)
        if job is None or job.status is not JobStatus.running or (worker_id and job.worker_id != worker_id):
            return False
        repo.set_status(session, job, JobStatus.failed, error=error, error_detail=detail)
        session.commit()
        worker._push_result(session, job)
        return True


# --- in the worker's parent process ---------------------------------------------------------

class JobRequest(Request):  # type: ignore[misc]
    """Celery's hard time limit killed the pool process: fail the job it ran, and say why."""

    def on_timeout(self, soft: bool, timeout: float) -> None:
        super().on_timeout(soft, timeout)
        if not soft and self.worker_pid:
            try:
                fail_jobs_of_process(Settings(), self.worker_pid, timeout)
            except Exception:
                log.exception("could not fail the job of pool process %s", self.worker_pid)


def fail_jobs_of_process(settings: Settings, pid: int, timeout: float) -> list[int]:
    """The running jobs of pool process `pid` on this host, failed with the time-limit message.
    Its own engine, opened and closed here: this process forks new pool processes."""
    worker = Worker(settings, worker_id=f"celery-parent:{os.getpid()}")
    prefix = f"{socket.gethostname()}:{pid}:"
    try:
        with worker.sessions() as session:
            ids = list(session.scalars(select(Job.id).where(
                Job.status == JobStatus.running, Job.worker_id.startswith(prefix))))
        failed = [job_id for job_id in ids if fail_if_running(
            worker, job_id, None, time_limit_message(timeout),
            f"Celery's hard time limit ({timeout:g} s) killed pool process {pid}")]
        for job_id in failed:
            log.warning("job %s failed: Celery's hard time limit killed its process", job_id)
        return failed
    finally:
        worker.close()
        worker.engine.dispose()


def make_worker_app(settings: Settings) -> Celery:
    app = celery_app.make_app(settings)
    app.task(name=celery_app.TASK, bind=True, Request=JobRequest, acks_late=True,
             reject_on_worker_lost=True)(run_job)
    signals.worker_process_init.connect(_init_pool_process, weak=False)
    signals.worker_process_shutdown.connect(_shutdown_pool_process, weak=False)
    return app


def main(argv: list[str] | None = None) -> None:
    global _warm_up
    parser = argparse.ArgumentParser(prog="python -m jobs.celery_worker")
    parser.add_argument("--name", default=f"tutor-{os.getpid()}@{socket.gethostname()}")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--no-warm-up", action="store_true")
    args, celery_args = parser.parse_known_args(argv)
    _warm_up = not args.no_warm_up
    logging.basicConfig(level=logging.INFO, format="%(asctime)s celery-worker %(levelname)s %(message)s")
    log_redaction.install()  # the notifier's pushes carry Rasa's token and the conversation id
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    settings = Settings()
    os.nice(settings.worker_nice)
    app = make_worker_app(settings)
    log.info("Celery worker on %s, queue %s, limits soft %s s / hard %g s, visibility %g s",
             _redacted(settings.broker_url), settings.celery_queue, settings.celery_soft_limit,
             settings.celery_hard_limit, settings.celery_visibility_timeout)
    app.worker_main(["worker", "--pool=prefork", f"--concurrency={args.concurrency}",
                     f"--hostname={args.name}", "--loglevel=INFO", "--without-gossip",
                     "--without-mingle", "-Q", settings.celery_queue, *celery_args])


def _redacted(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl() \
        if parts.hostname else url


if __name__ == "__main__":
    main()
