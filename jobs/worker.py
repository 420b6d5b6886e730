"""The worker: claims queued jobs, runs their skill, stores artifacts and tells the learner.

Keeps TensorFlow imported and warm (one tiny training at start-up traces the kernels), so a
learner's y = 2x - 1 takes well under a second of training. Several workers may share one
database: `claim_next_job` hands each job to exactly one of them.
"""

import logging
import os
import shutil
import signal
import socket
import threading
import time
import traceback
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from db import repository as repo
from db.engine import make_engine, make_session_factory
from db.models import Job, JobStatus, utcnow
from jobs import artifacts, service
from jobs.notify import PROGRESS_INTENT, RESULT_INTENT, RasaNotifier
from skills import registry
from skills.base import SkillError, SkillResult
from tutor import log_redaction
from tutor.settings import Settings

log = logging.getLogger(__name__)

class JobStopped(Exception):
    """Raised from a skill's progress report to end its training early."""


class JobTimedOut(JobStopped):
    pass


class JobCancelledByLearner(JobStopped):
    pass


UNEXPECTED_FAILURE = (
    "Sorry, the training crashed on my side. Nothing you did caused it, and it has been "
    "logged for the course staff. You can ask me to train again."
)


class Worker:
    def __init__(self, settings: Settings, notifier: RasaNotifier | None = None,
                 worker_id: str | None = None):
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        self.sessions = make_session_factory(self.engine)
        self.notifier = notifier or RasaNotifier(settings.rasa_url, settings.rasa_token)
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = threading.Event()

    # --- start-up -------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Run a tiny hello-neuron job end to end (train, plot, TFLite, LiteRT, TF.js) once, so
        the first learner does not pay for imports, tracing and converter start-up."""
        import tempfile

        from skills import hello_neuron

        with tempfile.TemporaryDirectory() as tmp:
            hello_neuron.run(hello_neuron.Params(epochs=5), Path(tmp))

    def recover(self) -> None:
        """Requeue jobs a dead worker left running, and deliver results nobody was told about."""
        with self.sessions() as session:
            failed = repo.recover_stale_jobs(
                session,
                timedelta(seconds=self.settings.job_stale_seconds),
                self.settings.job_max_attempts,
            )
            session.commit()
        for job in failed:
            log.warning("job %s failed after its worker died", job.id)
        self.deliver_owed_results()

    def deliver_owed_results(self) -> None:
        with self.sessions() as session:
            for job in repo.jobs_owing_notification(session):
                self._push_result(session, job)

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
        with self.sessions() as session:
            job = repo.claim_next_job(session, self.worker_id)
            if job is None:
                return False
            self._run(session, job)
        return True

    def _run(self, session: Session, job: Job) -> None:
        log.info("job %s (%s) started", job.id, job.skill)
        repo.record_progress(session, job, 0.0, "starting")
        session.commit()
        self.notifier.trigger(job.conversation_id, PROGRESS_INTENT, job.id)
        started = last_push = time.monotonic()
        limit = self.settings.job_time_limit

        def progress(fraction: float, note: str) -> None:
            """Record progress, push it now and then, and stop the skill (by raising) when the
            learner cancelled the job or it ran past its time limit."""
            nonlocal last_push
            if repo.is_cancelled(session, job):
                raise JobCancelledByLearner()
            now = time.monotonic()
            if now - started > limit:
                raise JobTimedOut()
            repo.record_progress(session, job, fraction, note)
            session.commit()
            if now - last_push >= self.settings.progress_min_interval and fraction < 1.0:
                last_push = now
                self.notifier.trigger(job.conversation_id, PROGRESS_INTENT, job.id)

        out_dir = artifacts.job_dir(self.settings, job.public_id)
        shutil.rmtree(out_dir, ignore_errors=True)  # a retried job starts from an empty folder
        result: SkillResult | None
        outcome: dict[str, object]  # set_status's other fields
        try:
            skill = registry.get(job.skill)
            params = skill.params.model_validate(job.params)
            for name in skill.settings:  # machine-level folders, never stored with the job
                setattr(params, name, getattr(self.settings, name))
            service.resolve_source(session, job, params,
                                   lambda public_id: artifacts.job_dir(self.settings, public_id))
            result = skill.run(params, out_dir, progress)
            status, outcome = JobStatus.succeeded, {"progress": 1.0}
        except JobCancelledByLearner:
            log.info("job %s cancelled by its learner", job.id)
            session.rollback()
            shutil.rmtree(out_dir, ignore_errors=True)
            return
        except JobTimedOut:
            result, status, outcome = None, JobStatus.cancelled, {"error": (
                f"I stopped it after {limit:g} seconds, the time limit for one training. "
                "Try fewer epochs or a smaller model and ask again.")}
        except SkillError as exc:
            result, status = None, JobStatus.failed
            outcome = {"error": str(exc), "error_detail": traceback.format_exc()}
        except Exception as exc:  # a crashed job must still reach the learner
            log.exception("job %s crashed", job.id)
            result, status = None, JobStatus.failed
            outcome = {"error": UNEXPECTED_FAILURE,
                       "error_detail": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"}
        # If this write fails (database down), the job stays running without heartbeats and
        # recover() requeues it, so it is retried rather than lost.
        session.rollback()
        if not repo.still_owns(session, job, self.worker_id):
            log.warning("job %s was taken from worker %s; dropping its result", job.id, self.worker_id)
            session.rollback()
            return
        if result is not None:
            self._store_result(session, job, result, out_dir)
        else:
            shutil.rmtree(out_dir, ignore_errors=True)
        repo.set_status(session, job, status, **outcome)
        session.commit()
        log.info("job %s %s", job.id, job.status.value)
        self._push_result(session, job)

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
        if self.notifier.trigger(job.conversation_id, RESULT_INTENT, job.id):
            job.notified_at = utcnow()
            session.commit()

    def stop(self, *_args: object) -> None:
        self.stopping.set()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    log_redaction.install()  # httpx logs each push's URL: Rasa's token and the conversation id
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    settings = Settings()
    os.nice(settings.worker_nice)  # the dialogue processes come first on a busy machine
    worker = Worker(settings)
    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    started = time.perf_counter()
    worker.warm_up()
    log.info("TensorFlow warm in %.1f s", time.perf_counter() - started)
    worker.run_forever()  # recovers orphaned jobs and owed results on its first pass
    worker.notifier.close()


if __name__ == "__main__":
    main()
