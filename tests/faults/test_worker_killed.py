"""kill -9 of the worker during a real CNN training (issue 14, section 4).

A real worker process (`python -m jobs.worker`, its TensorFlow child included) on a real
database, pushing to a local fake Rasa. Before: the restarted worker left the job `running`
until the 120 s stale timeout, and nothing told the learner. Now the restarted worker sees at
once that the job's worker is gone (pid and start time), retries it once, and fails it with a
message on a second loss; other jobs are untouched.
"""

import os
import subprocess
import sys
import time

import psutil
import pytest

from db import repository as repo
from db.migrate import upgrade
from db.models import JobStatus
from jobs.notify import PROGRESS_INTENT, RESULT_INTENT
from jobs.policy import LOST_TWICE, RETRYING
from jobs.worker import Worker
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture
def stack(make_settings, rasa):
    """Settings, a database handle, and a way to start real worker processes."""
    # The fake Rasa is no widget: nothing acknowledges a result, so without a long retry the
    # worker would push each result again every few seconds (jobs/delivery.py).
    settings = make_settings(rasa_server_url=rasa.url, recover_interval=0.5, worker_poll_seconds=0.05,
                             progress_min_interval=0.5, result_retry_seconds=600)
    upgrade(settings.db_url)
    db = Worker(settings, worker_id="test-reader")  # only for its sessions; never runs a job
    procs: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        env = {**os.environ, **settings.child_env(), "TF_CPP_MIN_LOG_LEVEL": "2"}
        proc = subprocess.Popen([sys.executable, "-m", "jobs.worker"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        return proc

    yield settings, db, start_worker
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
    db.sandbox.close()


def _queue(db, learner, skill, params):
    with db.sessions() as s:
        job = repo.create_job(s, repo.get_or_create_learner(s, "socketio", learner), learner, skill, params)
        s.commit()
        return job.id


def _job(db, job_id):
    with db.sessions() as s:
        return repo.get_job(s, job_id)


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _kill_mid_training(db, worker, job_id, attempt):
    """Wait until `job_id` trains (attempt `attempt`, progress reported), then kill -9 the worker
    (only its pid, as the OOM killer would) and return the training child it had."""
    _wait(lambda: (j := _job(db, job_id)).attempts == attempt and j.status is JobStatus.running
          and j.progress > 0.05, 240, f"attempt {attempt} to train")
    children = psutil.Process(worker.pid).children()
    assert children, "the training runs in a child process"
    worker.kill()
    worker.wait(10)
    return children


def test_a_worker_killed_mid_training_is_replaced_and_the_job_retried_once(stack, rasa):
    settings, db, start_worker = stack
    job_id = _queue(db, "victim", "vision", {"epochs": 10})
    other_id = _queue(db, "bystander", "hello_neuron", {"epochs": 50})
    worker = start_worker()
    children = _kill_mid_training(db, worker, job_id, attempt=1)
    _wait(lambda: not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children),
          5, "the orphaned training to die with its worker")

    killed_at = time.monotonic()
    start_worker()  # what the supervisor does
    requeued = _wait(lambda: (j := _job(db, job_id)).status is not JobStatus.running or j.attempts > 1, 60,
                     "the restarted worker to reclaim the job")
    reclaim_seconds = time.monotonic() - killed_at
    assert requeued
    print(f"job reclaimed {reclaim_seconds:.1f} s after the restart (stale timeout {settings.job_stale_seconds:g} s)")
    assert reclaim_seconds < settings.job_stale_seconds

    job = _wait(lambda: (j := _job(db, job_id)).notified_at is not None and j,
                300, "the retried job to finish and its result to be pushed")
    assert job.status is JobStatus.succeeded and job.attempts == 2, job.error_detail
    assert job.result["metrics"]["val_accuracy"] > 0.5
    other = _wait(lambda: (j := _job(db, other_id)).status is JobStatus.succeeded and j, 120,
                  "the other learner's job")
    assert other.attempts == 1  # never touched by the crash
    victim_pushes = [c["name"] for c in rasa.calls if c["conversation"] == "victim"]
    assert victim_pushes.count(RESULT_INTENT) == 1 and victim_pushes.index(RESULT_INTENT) > 1


def test_a_job_whose_worker_is_killed_twice_fails_with_a_message_to_the_learner(stack, rasa):
    settings, db, start_worker = stack
    job_id = _queue(db, "unlucky", "vision", {"epochs": 30})
    _kill_mid_training(db, start_worker(), job_id, attempt=1)
    second = start_worker()
    _wait(lambda: _job(db, job_id).progress_note == RETRYING or _job(db, job_id).attempts == 2, 60,
          "the retry")
    _kill_mid_training(db, second, job_id, attempt=2)
    start_worker()
    job = _wait(lambda: (j := _job(db, job_id)).status is JobStatus.failed and j.notified_at and j, 60,
                "the job to fail and the learner to be told")
    assert job.error == LOST_TWICE and "stopped unexpectedly" in job.error
    assert "Traceback" not in job.error and "died during attempt 2" in job.error_detail
    pushes = [(c["name"], c["entities"]["job_id"]) for c in rasa.calls if c["conversation"] == "unlucky"]
    assert (PROGRESS_INTENT, job_id) in pushes and pushes[-1] == (RESULT_INTENT, job_id)
