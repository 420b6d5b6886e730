"""Real Celery workers for tests: `python -m tests.jobs.celery_test_worker` on the machine's Redis,
with the jobs table on PostgreSQL, and helpers to queue jobs through jobs.service and wait."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from db import repository as repo
from db.engine import make_engine, make_session_factory
from db.models import Job, JobStatus
from jobs import service
from jobs.policy import FairUse
from tutor.settings import ROOT, Settings

# Redis database 15: far from the default 0 that `make run-scaled` uses.
TEST_BROKER = "redis://127.0.0.1:6379/15"
FINISHED = (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled)
ROOMY = FairUse(max_active=100, max_per_hour=1000)  # fair use is not what these tests are about


class CeleryWorkerProcess:
    """One `celery worker` (prefork pool, one process) in its own process group."""

    def __init__(self, settings: Settings, log_path: Path, name: str = "w1"):
        self.settings = settings
        self.log_path = log_path
        env = {**os.environ, **settings.child_env(), "PYTHONUNBUFFERED": "1"}
        with open(log_path, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.jobs.celery_test_worker", "--no-warm-up",
                 f"--name={name}@tutor-test"],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> "CeleryWorkerProcess":
        wait_for(lambda: " ready." in self.log(), timeout, f"worker ready; log:\n{self.log_tail()}",
                 alive=self.proc)
        return self

    def log_tail(self) -> str:
        return self.log()[-3000:]

    def pool_pids(self) -> list[int]:
        return [child.pid for child in psutil.Process(self.proc.pid).children()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def wait_for(condition, timeout: float, what: str, alive: subprocess.Popen | None = None, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if alive is not None and alive.poll() is not None:
            raise AssertionError(f"the worker exited ({alive.returncode}) while waiting for {what}")
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


class Jobs:
    """The jobs table as the action server sees it: queue through jobs.service, read rows."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        self.sessions = make_session_factory(self.engine)

    def queue(self, skill: str, params: dict | None = None, conversation: str = "conv-1") -> int:
        with self.sessions() as session:
            learner = repo.get_or_create_learner(session, "socketio", conversation)
            job = service.enqueue(session, learner, conversation, skill, params or {}, ROOMY, self.settings)
            session.commit()  # the engine sends the job id after this commit
            return job.id

    def get(self, job_id: int) -> Job:
        with self.sessions() as session:
            job = repo.get_job(session, job_id)
            assert job is not None
            return job

    def wait_finished(self, job_id: int, timeout: float = 30) -> Job:
        return wait_for(lambda: (job := self.get(job_id)).status in FINISHED and job, timeout,
                        f"job {job_id} to finish")

    def wait_running(self, job_id: int, timeout: float = 30, progress: float = 0.0) -> Job:
        return wait_for(lambda: ((job := self.get(job_id)).status is JobStatus.running
                                 and job.progress > progress and job), timeout, f"job {job_id} running")

    def cancel(self, job_id: int) -> None:
        with self.sessions() as session:
            job = repo.get_job(session, job_id)
            assert job is not None
            repo.cancel_job(session, job, "cancelled by the test")
            session.commit()

    def close(self) -> None:
        self.engine.dispose()


def pid_of(worker_id: str | None) -> int:
    """The pid in a worker id `host:pid:start time` (jobs/liveness.py)."""
    assert worker_id is not None
    return int(worker_id.split(":")[1])


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
