"""The worker: claims queued jobs, runs each in a limited child process, tells the learner.

The worker process itself never imports TensorFlow: each training runs in a spawned child
(jobs/sandbox.py) with a wall-clock, memory and thread limit, which imports TensorFlow and stays
warm for the next job (one tiny training at start-up traces the kernels). The worker records the
child's progress, beats the job's heartbeat and checks for a cancel meanwhile. Several workers
may share one database: `claim_next_job` hands each job to exactly one of them, round-robin
between learners; a worker that starts reclaims at once the jobs of a dead one on its host.
"""

import logging
import os
import shutil
import signal
import threading
import time
import traceback
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from db import repository as repo
from db.engine import make_engine, make_session_factory
from db.models import Job, JobStatus, utcnow
from jobs import artifacts, delivery, liveness, policy, recovery, retention, service
from jobs.notify import PROGRESS_INTENT, RESULT_INTENT, RasaNotifier
from jobs.sandbox import Kind, Limits, Outcome, Sandbox
from skills import registry
from skills.base import SkillResult
from tutor import log_redaction
from tutor.settings import Settings

log = logging.getLogger(__name__)

UNEXPECTED_FAILURE = (
    "Sorry, the training crashed on my side. Nothing you did caused it, and it has been "
    "logged for the course staff. You can ask me to train again."
)
DISK_FULL = (
    "I can't start trainings right now: the server's disk is nearly full. The course staff "
    "can see it in the worker's log; please ask me again later."
)
CANCELLED, TAKEN, SHUTDOWN = "cancelled", "taken", "shutdown"  # why a running job is stopped
RETENTION_EVERY = 600.0  # seconds between artifact clean-ups (also run when the disk is low)


def warm_up() -> None:
    """Run a tiny hello-neuron job end to end (train, plot, TFLite, LiteRT, TF.js) once in a new
    job process, so the first learner does not pay for imports, tracing and converter start-up."""
    import tempfile

    from skills import hello_neuron

    with tempfile.TemporaryDirectory() as tmp:
        hello_neuron.run(hello_neuron.Params(epochs=5), Path(tmp))


def limits_of(settings: Settings) -> Limits:
    return Limits(wall_seconds=settings.job_time_limit, memory_mb=settings.job_memory_limit_mb,
                  threads=settings.tf_threads, grace_seconds=settings.job_kill_grace_seconds)


class Worker:
    def __init__(self, settings: Settings, notifier: RasaNotifier | None = None,
                 worker_id: str | None = None):
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        self.sessions = make_session_factory(self.engine)
        self.notifier = notifier or RasaNotifier(settings.rasa_url, settings.rasa_token)
        self.worker_id = worker_id or liveness.this_worker_id()
        self.sandbox = Sandbox(limits_of(settings), poll_seconds=min(0.5, settings.job_heartbeat_seconds))
        self.stopping = threading.Event()
        self._next_retention = 0.0

    # --- start-up -------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Start the job process and warm TensorFlow in it (and in every replacement)."""
        self.sandbox.warm_up = warm_up
        self.sandbox.start(wait_ready=True)

    def recover(self) -> None:
        """Requeue (or fail) jobs a dead worker left running, deliver results nobody was told
        about, and clean up old artifacts now and then."""
        with self.sessions() as session:
            requeued, failed = recovery.reclaim(
                session, timedelta(seconds=self.settings.job_stale_seconds), self.settings.job_max_attempts)
            session.commit()
            for job in requeued:
                log.warning("job %s requeued: %s", job.id, job.error_detail)
                self.notifier.trigger(job.conversation_id, PROGRESS_INTENT, job.id)
        for job in failed:
            log.warning("job %s failed: %s", job.id, job.error_detail)
        self.deliver_owed_results()
        if time.monotonic() >= self._next_retention:
            self.clean_up()

    def deliver_owed_results(self) -> None:
        """Push again the results no chat has shown yet whose backoff ran out (jobs/delivery.py)."""
        with self.sessions() as session:
            for job in delivery.owed_results(session, self.settings):
                self._push_result(session, job)

    def clean_up(self) -> None:
        self._next_retention = time.monotonic() + RETENTION_EVERY
        with self.sessions() as session:
            removed = retention.apply(session, self.settings)
            session.commit()
        if removed:
            log.info("artifact retention removed the files of %d jobs", len(removed))

    def disk_nearly_full(self) -> bool:
        folder = self.settings.artifacts_dir
        folder.mkdir(parents=True, exist_ok=True)
        return retention.disk_nearly_full(shutil.disk_usage(folder).free, self.settings.disk_min_free_mb)

    # --- the loop ---------------------------------------------------------------------------

    def run_forever(self) -> None:
        """Serve jobs until stopped; every `recover_interval` seconds also requeue orphaned jobs
        and re-send results Rasa did not take (it may still be loading at start-up)."""
        log.info("worker %s waiting for jobs", self.worker_id)
        next_recovery = 0.0
        while not self.stopping.is_set():
            try:
                if time.monotonic() >= next_recovery:
                    self.recover()
                    next_recovery = time.monotonic() + self.settings.recover_interval
                busy = self.run_once()
            except Exception:  # e.g. the database is briefly unreachable: keep serving
                log.exception("worker loop error; retrying")
                busy = False
            if not busy:
                self.stopping.wait(self.settings.worker_poll_seconds)

    def run_once(self) -> bool:
        """Claim and run one job; False when the queue was empty."""
        low_disk = self.disk_nearly_full()
        if low_disk:
            self.clean_up()
            low_disk = self.disk_nearly_full()
        with self.sessions() as session:
            job = repo.claim_next_job(session, self.worker_id, policy.pick_next)
            if job is None:
                return False
            self.run_claimed(session, job, low_disk)
        return True

    def run_claimed(self, session: Session, job: Job, low_disk: bool) -> None:
        """Run a job this worker claimed (here, or in a Celery task: jobs/celery_worker.py)."""
        if low_disk:
            log.error("disk nearly full (< %g MB free): job %s refused",
                      self.settings.disk_min_free_mb, job.id)
            repo.set_status(session, job, JobStatus.failed, error=DISK_FULL,
                            error_detail="the artifacts disk was nearly full")
            session.commit()
            self._push_result(session, job)
        else:
            self._run(session, job)

    def _run(self, session: Session, job: Job) -> None:
        log.info("job %s (%s) started", job.id, job.skill)
        repo.record_progress(session, job, 0.0, "starting")
        session.commit()
        self.notifier.trigger(job.conversation_id, PROGRESS_INTENT, job.id)
        last_push = last_beat = time.monotonic()

        def progress(fraction: float, note: str) -> None:
            """Record the child's progress and push it now and then."""
            nonlocal last_push, last_beat
            repo.record_progress(session, job, fraction, note)
            session.commit()
            now = last_beat = time.monotonic()
            if now - last_push >= self.settings.progress_min_interval and fraction < 1.0:
                last_push = now
                self.notifier.trigger(job.conversation_id, PROGRESS_INTENT, job.id)

        def check() -> str | None:
            """Beat the heartbeat, and stop the job if its learner cancelled it or recovery gave
            it to another worker meanwhile, or the worker is asked to stop."""
            nonlocal last_beat
            if self.stopping.is_set():
                return SHUTDOWN
            session.refresh(job, ["status", "worker_id"])
            if job.status is JobStatus.cancelled:
                return CANCELLED
            if job.status is not JobStatus.running or job.worker_id != self.worker_id:
                return TAKEN
            if time.monotonic() - last_beat >= self.settings.job_heartbeat_seconds:
                last_beat = time.monotonic()
                job.heartbeat_at = utcnow()
            session.commit()
            return None

        out_dir = artifacts.job_dir(self.settings, job.public_id)
        shutil.rmtree(out_dir, ignore_errors=True)  # a retried job starts from an empty folder
        try:
            skill = registry.get(job.skill)
            params = skill.params.model_validate(job.params)
            for name in skill.settings:  # machine-level folders, never stored with the job
                setattr(params, name, getattr(self.settings, name))
            service.resolve_source(session, job, params,
                                   lambda public_id: artifacts.job_dir(self.settings, public_id))
            service.resolve_uploads(job, params, self.settings.var_dir)
        except Exception as exc:  # an unknown skill or stored params a new version refuses
            outcome = Outcome(Kind.crash, detail=f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        else:
            outcome = self.sandbox.run(skill.run, params, out_dir, progress, check)
        if outcome.kind is Kind.stopped and outcome.message == CANCELLED:
            log.info("job %s cancelled by its learner", job.id)
            session.rollback()
            shutil.rmtree(out_dir, ignore_errors=True)
            return
        # If a write below fails (database down), the job stays running without heartbeats and
        # recover() requeues it, so it is retried rather than lost.
        session.rollback()
        if outcome.kind is Kind.stopped and outcome.message == SHUTDOWN:
            if repo.still_owns(session, job, self.worker_id):  # the next worker runs it again
                repo.set_status(session, job, JobStatus.queued, worker_id=None, attempts=job.attempts - 1)
                session.commit()
            log.info("job %s stopped for the worker's shutdown and queued again", job.id)
            return
        if outcome.kind is Kind.stopped or not repo.still_owns(session, job, self.worker_id):
            log.warning("job %s was taken from worker %s; dropping its result", job.id, self.worker_id)
            session.rollback()
            return
        if outcome.kind is Kind.ok:
            self._store_result(session, job, outcome.result, out_dir)
            repo.set_status(session, job, JobStatus.succeeded, progress=1.0)
        else:
            shutil.rmtree(out_dir, ignore_errors=True)
            if outcome.kind is Kind.lost:
                recovery.lose(session, job, self.settings.job_max_attempts, outcome.detail)
            else:
                status, error = self._failure(outcome)
                repo.set_status(session, job, status, error=error, error_detail=outcome.detail or None)
        session.commit()
        log.info("job %s %s%s", job.id, job.status.value,
                 f" ({outcome.kind.value}: {outcome.detail.splitlines()[0]})" if outcome.detail else "")
        if job.status is JobStatus.queued:  # lost, to be retried: say so, the result comes later
            self.notifier.trigger(job.conversation_id, PROGRESS_INTENT, job.id)
        else:
            self._push_result(session, job)

    def _failure(self, outcome: Outcome) -> tuple[JobStatus, str]:
        """The status and the learner's words for a job that did not succeed."""
        if outcome.kind is Kind.timeout:
            return JobStatus.cancelled, (
                f"I stopped it after {self.settings.job_time_limit:g} seconds, the time limit for "
                "one training. Try fewer epochs or a smaller model and ask again.")
        if outcome.kind is Kind.memory:
            return JobStatus.failed, (
                f"The training needed more memory than the {self.settings.job_memory_limit_mb} MB "
                "one training may use, so I stopped it. Try a smaller model, fewer units or a "
                "smaller batch, and ask again.")
        if outcome.kind is Kind.skill_error:
            return JobStatus.failed, outcome.message
        log.error("job crashed: %s", outcome.detail)
        return JobStatus.failed, UNEXPECTED_FAILURE

    def _store_result(self, session: Session, job: Job, result: SkillResult, out_dir: Path) -> None:
        stored: list[dict[str, object]] = []
        for item in result.artifacts:
            total = 0
            for path in [item.path, *item.extra_files]:
                size = path.stat().st_size
                total += size
                repo.add_artifact(session, job, item.kind if path == item.path else f"{item.kind}-part",
                                  path.relative_to(out_dir).as_posix(), artifacts.content_type(path), size)
            stored.append({
                "kind": item.kind,
                "name": item.path.name,
                "url": self.settings.artifact_url(job.public_id, item.path.relative_to(out_dir).as_posix()),
                "size_bytes": total,
            })
        job.result = {
            **result.extras,  # e.g. textgen's "generated"; never overrides the fixed keys
            "skill": result.skill,
            "metrics": result.metrics,
            "artifacts": stored,
            "summary": result.summary,
        }

    def _push_result(self, session: Session, job: Job) -> None:
        """One push; the result stays owed until the learner's chat acknowledges it."""
        accepted = self.notifier.trigger(job.conversation_id, RESULT_INTENT, job.id)
        delivery.record_push(job, accepted, self.settings)
        session.commit()

    def stop(self, *_args: object) -> None:
        self.stopping.set()

    def close(self) -> None:
        self.sandbox.close()
        self.notifier.close()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    log_redaction.install()  # httpx logs each push's URL: Rasa's token and the conversation id
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    settings = Settings()
    os.nice(settings.worker_nice)  # the dialogue processes come first on a busy machine
    worker = Worker(settings)
    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    worker.recover()  # a dead predecessor's jobs are requeued before the slow warm-up
    started = time.perf_counter()
    worker.warm_up()
    log.info("TensorFlow warm in %.1f s", time.perf_counter() - started)
    worker.run_forever()  # recovers orphaned jobs and owed results on its first pass
    worker.close()


if __name__ == "__main__":
    main()
