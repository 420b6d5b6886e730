"""The Celery engine for real: `celery worker` processes on the machine's Redis, the jobs table on
PostgreSQL, pushes to a local fake Rasa, tiny fake skills (tests/jobs/limit_skills.py)."""

import os
import signal
import uuid

import psutil
import pytest

from db.models import JobStatus
from jobs import celery_app
from jobs.notify import RESULT_INTENT
from jobs.policy import LOST_TWICE
from skills import registry
from tests.conftest import require_server
from tests.jobs import limit_skills
from tests.jobs.celery_harness import TEST_BROKER, CeleryWorkerProcess, Jobs, gone, pid_of, wait_for


@pytest.fixture(autouse=True)
def fake_skills(monkeypatch):
    """The skills tests/jobs/celery_test_worker.py registers in the workers, known here too."""
    for spec in (limit_skills.SLOW, limit_skills.HANG, limit_skills.ALLOCATE, limit_skills.KILL_WORKER):
        monkeypatch.setitem(registry.specs(), spec.name, spec)


@pytest.fixture
def celery_stack(make_settings, postgres_url, rasa, tmp_path):
    """make(**settings) -> (Jobs, start_worker): a fresh queue on Redis per test."""
    require_server("Redis", "127.0.0.1", 6379)
    from db.migrate import upgrade

    made: dict = {"workers": [], "jobs": []}

    def make(**overrides):
        settings = make_settings(**{
            "database_url": postgres_url, "job_engine": "celery", "broker_url": TEST_BROKER,
            "celery_queue": f"tutor-test-{uuid.uuid4().hex[:10]}", "rasa_server_url": rasa.url,
            "tf_threads": 0, "worker_nice": 0, "recover_interval": 0.5, "job_heartbeat_seconds": 0.5,
            "progress_min_interval": 60, "result_retry_seconds": 600, "job_kill_grace_seconds": 1,
            **overrides})
        upgrade(settings.db_url)
        jobs = Jobs(settings)
        made["jobs"].append(jobs)

        def start_worker(name: str = "w1") -> CeleryWorkerProcess:
            worker = CeleryWorkerProcess(settings, tmp_path / f"{name}.log", name)
            made["workers"].append(worker)
            return worker.wait_ready()

        made["settings"] = settings
        return jobs, start_worker

    yield make
    for worker in made["workers"]:
        worker.stop()
    for jobs in made["jobs"]:
        jobs.close()
    if "settings" in made:
        celery_app.redis_client(made["settings"]).delete(made["settings"].celery_queue)


def results_of(rasa, job_id):
    return [c for c in rasa.calls if c["name"] == RESULT_INTENT and c["entities"] == {"job_id": job_id}]


def assert_one_result(rasa, job_id):
    """The job's result reached Rasa exactly once. The push follows the status commit that
    wait_finished sees, so it is waited for (CI once looked in between)."""
    wait_for(lambda: results_of(rasa, job_id), 15, f"job {job_id}'s result pushed")
    assert len(results_of(rasa, job_id)) == 1


def test_celery_runs_a_queued_job_once_and_a_redelivered_message_of_a_finished_job_does_nothing(
        celery_stack, rasa):
    jobs, start_worker = celery_stack()
    worker = start_worker()
    job_id = jobs.queue("slow", {"steps": 5, "step_seconds": 0.02})
    done = jobs.wait_finished(job_id)
    assert done.status is JobStatus.succeeded and done.attempts == 1
    assert done.result["metrics"] == {"steps": 5.0} and done.progress == 1.0
    assert_one_result(rasa, job_id)

    app = celery_app.make_app(jobs.settings)
    for _ in range(2):  # the broker delivers the same job id again (at-least-once)
        celery_app.send(app, jobs.settings, job_id)
    wait_for(lambda: worker.log().count("'nothing queued'") >= 2, 20, "both redeliveries handled")
    again = jobs.get(job_id)
    assert (again.status, again.attempts, again.finished_at) == (JobStatus.succeeded, 1, done.finished_at)
    assert_one_result(rasa, job_id)


def test_a_pool_process_killed_mid_job_is_redelivered_and_the_job_finishes_on_its_second_attempt(
        celery_stack, rasa):
    jobs, start_worker = celery_stack()
    start_worker()
    job_id = jobs.queue("slow", {"steps": 30, "step_seconds": 0.1})
    first = jobs.wait_running(job_id, progress=0.1)
    os.kill(pid_of(first.worker_id), signal.SIGKILL)  # the pool process, and its sandbox with it

    done = jobs.wait_finished(job_id, timeout=40)
    assert done.status is JobStatus.succeeded and done.attempts == 2
    assert pid_of(done.worker_id) != pid_of(first.worker_id)
    assert_one_result(rasa, job_id)


def test_a_killed_worker_job_is_taken_over_by_another_worker(celery_stack, rasa):
    jobs, start_worker = celery_stack()
    first_worker = start_worker("w1")
    job_id = jobs.queue("slow", {"steps": 30, "step_seconds": 0.1})
    first = jobs.wait_running(job_id, progress=0.1)
    os.killpg(first_worker.proc.pid, signal.SIGKILL)  # the whole worker: parent, pool, sandbox
    first_worker.proc.wait()
    start_worker("w2")

    done = jobs.wait_finished(job_id, timeout=40)
    assert done.status is JobStatus.succeeded and done.attempts == 2
    assert pid_of(done.worker_id) != pid_of(first.worker_id)
    assert_one_result(rasa, job_id)


def test_a_poison_job_that_kills_its_worker_every_time_is_failed_after_max_attempts(celery_stack, rasa):
    jobs, start_worker = celery_stack(job_max_attempts=2)
    worker = start_worker()
    job_id = jobs.queue("kill_worker")
    done = jobs.wait_finished(job_id, timeout=60)
    assert done.status is JobStatus.failed and done.error == LOST_TWICE and done.attempts == 2
    assert_one_result(rasa, job_id)

    after = jobs.wait_finished(jobs.queue("slow", {"steps": 3}))  # the worker still serves
    assert after.status is JobStatus.succeeded
    assert worker.proc.poll() is None


def test_celery_hard_time_limit_kills_a_hung_job_and_its_sandbox(celery_stack, rasa):
    # The sandbox's own limit (60 s) and Celery's soft limit (off) never come: only the hard one.
    jobs, start_worker = celery_stack(job_time_limit=60, celery_soft_time_limit=0, celery_hard_time_limit=10)
    worker = start_worker()
    job_id = jobs.queue("hang")
    running = jobs.wait_running(job_id, progress=-1)
    pool = psutil.Process(pid_of(running.worker_id))
    # the job sandbox (and multiprocessing's resource tracker, which the spawn started)
    children = wait_for(lambda: pool.children(), 10, "the job sandbox")

    done = jobs.wait_finished(job_id, timeout=20)
    assert done.status is JobStatus.failed and "after 10 seconds" in done.error
    assert "hard time limit" in done.error_detail
    wait_for(lambda: gone(pool.pid) and all(gone(child.pid) for child in children), 10,
             "the pool process and its sandbox gone")
    assert_one_result(rasa, job_id)

    after = jobs.wait_finished(jobs.queue("slow", {"steps": 3}), timeout=30)  # a new pool process
    assert after.status is JobStatus.succeeded and pid_of(after.worker_id) != pool.pid
    assert worker.proc.poll() is None


def test_celery_soft_time_limit_stops_a_hung_job_and_the_pool_process_serves_on(celery_stack, rasa):
    jobs, start_worker = celery_stack(job_time_limit=60, celery_soft_time_limit=6, celery_hard_time_limit=30)
    start_worker()
    job_id = jobs.queue("hang")
    done = jobs.wait_finished(job_id, timeout=20)
    assert done.status is JobStatus.failed and "after 6 seconds" in done.error
    assert_one_result(rasa, job_id)

    after = jobs.wait_finished(jobs.queue("slow", {"steps": 3}), timeout=20)
    assert after.status is JobStatus.succeeded and after.worker_id == done.worker_id


def test_a_job_over_the_memory_limit_fails_with_a_message_and_the_next_job_runs(celery_stack, rasa):
    jobs, start_worker = celery_stack(job_memory_limit_mb=1024)
    start_worker()
    job_id = jobs.queue("allocate", {"megabytes": 2048})
    done = jobs.wait_finished(job_id, timeout=30)
    assert done.status is JobStatus.failed and "more memory than the 1024 MB" in done.error
    assert_one_result(rasa, job_id)
    small = jobs.wait_finished(jobs.queue("allocate", {"megabytes": 10}), timeout=30)
    assert small.status is JobStatus.succeeded


def test_a_pool_process_is_replaced_after_max_tasks_per_child_jobs(celery_stack):
    jobs, start_worker = celery_stack(celery_max_tasks_per_child=1)
    start_worker()
    first = jobs.wait_finished(jobs.queue("slow", {"steps": 2}))
    second = jobs.wait_finished(jobs.queue("slow", {"steps": 2}))
    assert first.status is second.status is JobStatus.succeeded
    assert pid_of(first.worker_id) != pid_of(second.worker_id)
    wait_for(lambda: gone(pid_of(first.worker_id)), 10, "the first pool process gone")


def test_a_cancelled_job_stops_at_its_next_report_and_no_result_is_pushed(celery_stack, rasa):
    jobs, start_worker = celery_stack()
    start_worker()
    job_id = jobs.queue("slow", {"steps": 200, "step_seconds": 0.05})
    jobs.wait_running(job_id, progress=0.05)
    jobs.cancel(job_id)
    # the pool process is free again within a second or two: the next job runs and finishes
    after = jobs.wait_finished(jobs.queue("slow", {"steps": 3}), timeout=8)
    assert after.status is JobStatus.succeeded
    cancelled = jobs.get(job_id)
    assert cancelled.status is JobStatus.cancelled and cancelled.progress < 0.5
    assert results_of(rasa, job_id) == []


def test_revoke_terminate_kills_the_pool_process_of_a_cancelled_job_that_never_stops(celery_stack, rasa):
    # The sandbox would wait 60 s before it kills a job that ignores the stop: the fallback is quicker.
    jobs, start_worker = celery_stack(job_kill_grace_seconds=60)
    start_worker()
    job_id = jobs.queue("hang")
    running = jobs.wait_running(job_id, progress=-1)
    jobs.cancel(job_id)
    app = celery_app.make_app(jobs.settings)
    assert celery_app.terminate(app, jobs.settings, job_id)
    wait_for(lambda: gone(pid_of(running.worker_id)), 10, "the pool process killed")
    after = jobs.wait_finished(jobs.queue("slow", {"steps": 3}), timeout=30)
    assert after.status is JobStatus.succeeded
    assert jobs.get(job_id).status is JobStatus.cancelled and results_of(rasa, job_id) == []
