"""The worker against a real database and TensorFlow, pushing to a local fake Rasa."""

import threading
import time

import pytest

from db import repository as repo
from db.models import JobStatus
from jobs.notify import PROGRESS_INTENT, RESULT_INTENT, RasaNotifier
from jobs.policy import LOST_TWICE
from jobs.worker import DISK_FULL, UNEXPECTED_FAILURE, Worker
from skills import registry
from tests.jobs import crashing_skill, limit_skills


@pytest.fixture
def make_worker(make_settings, rasa):
    def _make(**overrides):
        # tf_threads=0: the job process need not import TensorFlow up front for fake skills
        settings = make_settings(**{"tf_threads": 0, **overrides})
        from db.migrate import upgrade

        upgrade(settings.db_url)
        worker = Worker(settings, RasaNotifier(rasa.url), worker_id="test-worker")
        made.append(worker)
        return worker

    made = []
    yield _make
    for worker in made:
        worker.sandbox.close()


def _queue(worker, skill="hello_neuron", params=None, conversation="conv-1"):
    with worker.sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", conversation)
        job = repo.create_job(s, learner, conversation, skill, params or {})
        s.commit()
        return job.id


def _job(worker, job_id):
    with worker.sessions() as s:
        job = repo.get_job(s, job_id)
        job.artifacts  # noqa: B018  (loads the relationship while the session is open)
        return job


@pytest.mark.slow
def test_worker_runs_jobs_queued_before_it_started_and_pushes_progress_then_result(make_worker, rasa):
    probe = make_worker()
    first, second = _queue(probe), _queue(probe, params={"epochs": 50})
    # a worker that starts after the jobs were queued; a long interval keeps pushes predictable
    worker = make_worker(progress_min_interval=60)
    assert worker.run_once() and worker.run_once() and not worker.run_once()

    job = _job(worker, first)
    assert job.status is JobStatus.succeeded and job.notified_at is not None
    assert job.result["metrics"]["weight"] == pytest.approx(2.0, abs=0.1)
    kinds = {a.kind for a in job.artifacts}
    assert kinds == {"plot", "model", "validation-data", "tflite", "tfjs", "tfjs-part"}
    for artifact in job.artifacts:
        assert (worker.settings.artifacts_dir / job.public_id / artifact.path).stat().st_size == artifact.size_bytes
    urls = [a["url"] for a in job.result["artifacts"]]
    assert all(u.startswith("http://localhost:8000/artifacts/" + job.public_id) for u in urls)
    assert _job(worker, second).result["metrics"]["epochs"] == 50

    assert rasa.intents() == [PROGRESS_INTENT, RESULT_INTENT, PROGRESS_INTENT, RESULT_INTENT]
    assert rasa.calls[1]["entities"] == {"job_id": first}
    assert rasa.calls[1]["conversation"] == "conv-1"
    assert rasa.calls[1]["query"] == {"output_channel": ["latest"]}


@pytest.mark.slow
def test_worker_sends_at_most_one_progress_push_per_interval(make_worker, rasa):
    throttled = make_worker(progress_min_interval=60)
    _queue(throttled, params={"epochs": 500})
    throttled.run_once()
    assert rasa.intents().count(PROGRESS_INTENT) == 1  # only "started"

    rasa.calls.clear()
    unthrottled = make_worker(progress_min_interval=0)
    _queue(unthrottled, params={"epochs": 500})
    unthrottled.run_once()
    # started + one per 100-epoch chunk except the last (the result follows at once)
    assert rasa.intents().count(PROGRESS_INTENT) == 5


def test_worker_marks_a_crashing_job_failed_and_tells_the_learner_plainly(make_worker, rasa, monkeypatch):
    monkeypatch.setitem(registry.specs(), "crasher", crashing_skill.SPEC)
    worker = make_worker()
    job_id = _queue(worker, skill="crasher")
    worker.run_once()
    job = _job(worker, job_id)
    assert job.status is JobStatus.failed
    assert job.error == UNEXPECTED_FAILURE and "Traceback" not in job.error
    assert "ZeroDivisionError: boom inside the skill" in job.error_detail
    assert rasa.intents()[-1] == RESULT_INTENT and job.notified_at is not None


@pytest.mark.slow
def test_worker_passes_a_skill_error_to_the_learner_as_written(make_worker):
    worker = make_worker()
    job_id = _queue(worker, params={"learning_rate": 1.0})
    worker.run_once()
    job = _job(worker, job_id)
    assert job.status is JobStatus.failed
    assert "learning rate 1 is too big" in job.error


def test_worker_delivers_results_owed_while_rasa_was_down(make_worker, rasa, monkeypatch):
    monkeypatch.setitem(registry.specs(), "crasher", crashing_skill.SPEC)
    worker = make_worker(result_retry_seconds=0.05)
    rasa.status = 503
    job_id = _queue(worker, skill="crasher")
    worker.run_once()
    assert _job(worker, job_id).notified_at is None
    rasa.status = 200
    worker.recover()  # not yet: the retry waits out its backoff
    assert rasa.intents() == []
    time.sleep(0.1)
    worker.recover()  # what a (re)starting worker does
    job = _job(worker, job_id)
    assert job.notified_at is not None and job.push_attempts == 2
    assert job.shown_at is None  # Rasa took it; only the learner's chat can say it was shown
    assert rasa.intents() == [RESULT_INTENT]


def test_worker_recover_requeues_a_job_orphaned_by_a_dead_worker(make_worker):
    worker = make_worker(job_stale_seconds=0.01)
    job_id = _queue(worker)
    with worker.sessions() as s:
        repo.claim_next_job(s, "dead-worker")
    time.sleep(0.05)
    worker.recover()
    assert _job(worker, job_id).status is JobStatus.queued


def test_worker_loop_survives_a_database_error_and_keeps_serving(make_worker, monkeypatch):
    worker = make_worker(worker_poll_seconds=0.01)
    calls = {"n": 0}
    real_run_once = worker.run_once

    def flaky():
        calls["n"] += 1
        if calls["n"] == 1:
            from sqlalchemy.exc import OperationalError

            raise OperationalError("SELECT", {}, Exception("database is locked"))
        if calls["n"] >= 3:
            worker.stop()
        return real_run_once()

    monkeypatch.setattr(worker, "run_once", flaky)
    worker.run_forever()
    assert calls["n"] >= 3


def _when(worker, job_id, condition, action, timeout=30):
    """Run `action(session, job)` from another thread (as another service would) once
    `condition(job)` holds."""
    def watch():
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with worker.sessions() as other:
                job = repo.get_job(other, job_id)
                if condition(job):
                    action(other, job)
                    other.commit()
                    return
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _slow(monkeypatch, worker, steps=50):
    monkeypatch.setitem(registry.specs(), "slow", limit_skills.SLOW)
    return _queue(worker, skill="slow", params={"steps": steps, "step_seconds": 0.02})


def test_worker_drops_its_result_when_the_job_was_requeued_meanwhile(make_worker, rasa, monkeypatch):
    """A slow worker must not overwrite a job that recovery gave to someone else."""
    worker = make_worker(progress_min_interval=60)
    job_id = _slow(monkeypatch, worker, steps=200)

    def requeue(other, job):  # what recovery does for another worker
        repo.set_status(other, job, JobStatus.queued, worker_id=None)

    _when(worker, job_id, lambda job: job.progress > 0.05, requeue)
    worker.run_once()
    job = _job(worker, job_id)
    assert job.status is JobStatus.queued and job.error is None and job.progress < 0.9
    assert rasa.intents() == [PROGRESS_INTENT]  # no result pushed for a job it no longer owns


def test_worker_resends_owed_results_while_running_without_a_restart(make_worker, rasa, monkeypatch):
    monkeypatch.setitem(registry.specs(), "crasher", crashing_skill.SPEC)
    worker = make_worker(worker_poll_seconds=0.01, recover_interval=0.05, result_retry_seconds=0.2)
    rasa.status = 503  # Rasa still loading its model
    job_id = _queue(worker, skill="crasher")
    worker.run_once()
    assert _job(worker, job_id).notified_at is None
    rasa.status = 200
    loop = threading.Thread(target=worker.run_forever)
    loop.start()
    try:
        deadline = time.monotonic() + 10
        while _job(worker, job_id).notified_at is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        loop.join(5)
    assert _job(worker, job_id).notified_at is not None
    assert rasa.intents().count(RESULT_INTENT) == 1


def test_notifier_escapes_a_conversation_id_chosen_by_the_client(rasa):
    notifier = RasaNotifier(rasa.url)
    assert notifier.trigger("../../model", RESULT_INTENT, 7)
    assert notifier.trigger("a?x=1", RESULT_INTENT, 8)
    assert rasa.paths == ["/conversations/..%2F..%2Fmodel/trigger_intent",
                          "/conversations/a%3Fx%3D1/trigger_intent"]
    assert [c["conversation"] for c in rasa.calls] == ["../../model", "a?x=1"]


def test_worker_cancels_a_job_over_its_time_limit_and_tells_the_learner(make_worker, rasa, monkeypatch):
    worker = make_worker(job_time_limit=0.2)
    job_id = _slow(monkeypatch, worker)
    worker.run_once()
    job = _job(worker, job_id)
    assert job.status is JobStatus.cancelled
    assert "0.2 seconds" in job.error and "time limit" in job.error
    assert job.progress < 0.5  # stopped early, not run to the end
    assert rasa.intents()[-1] == RESULT_INTENT and job.notified_at is not None


def test_worker_stops_a_running_job_the_learner_cancelled_without_a_second_message(make_worker, rasa, monkeypatch):
    worker = make_worker()
    job_id = _slow(monkeypatch, worker, steps=200)
    _when(worker, job_id, lambda job: job.progress >= 0.05,  # what the cancel action does
          lambda other, job: repo.cancel_job(other, job, "cancelled by the learner"))
    worker.run_once()
    job = _job(worker, job_id)
    assert job.status is JobStatus.cancelled and job.error == "cancelled by the learner"
    assert job.progress < 0.5
    assert RESULT_INTENT not in rasa.intents()  # the cancel action already answered
    with worker.sessions() as s:
        assert repo.jobs_owing_notification(s) == []


def test_worker_hands_a_skill_its_declared_settings_folders_without_storing_them(make_worker, monkeypatch):
    from pathlib import Path

    monkeypatch.setitem(registry.specs(), "folders", limit_skills.FOLDERS)
    worker = make_worker(hub_module_dir=Path("/srv/hub-module"))
    job_id = _queue(worker, skill="folders", params={})
    worker.run_once()
    job = _job(worker, job_id)
    assert "ZeroDivisionError: hub module at /srv/hub-module" in job.error_detail
    assert job.params == {}


def test_worker_refuses_new_work_with_a_message_when_the_disk_is_nearly_full(make_worker, rasa, monkeypatch):
    monkeypatch.setitem(registry.specs(), "crasher", crashing_skill.SPEC)
    worker = make_worker(disk_min_free_mb=10**12)  # more than any disk has free: "nearly full"
    job_id = _queue(worker, skill="crasher")
    assert worker.run_once()
    job = _job(worker, job_id)
    assert job.status is JobStatus.failed and job.error == DISK_FULL and "disk is nearly full" in job.error
    assert rasa.intents() == [RESULT_INTENT]  # told at once; the skill never started
    roomy = make_worker(disk_min_free_mb=0)
    second = _queue(roomy, skill="crasher")
    roomy.run_once()
    assert _job(roomy, second).error == UNEXPECTED_FAILURE  # with room, the job runs


def test_worker_retries_a_job_whose_training_process_died_then_fails_it(make_worker, rasa, monkeypatch):
    monkeypatch.setitem(registry.specs(), "slow", limit_skills.SLOW)
    worker = make_worker()
    job_id = _queue(worker, skill="slow", params={"steps": 500, "step_seconds": 0.02})

    def kill_child(other, job):
        import psutil

        psutil.Process(worker.sandbox.pid).kill()

    for attempt in (1, 2):
        _when(worker, job_id, lambda job, a=attempt: job.attempts == a and job.progress > 0.02, kill_child)
        assert worker.run_once()
    job = _job(worker, job_id)
    assert job.status is JobStatus.failed and job.error == LOST_TWICE
    assert "SIGKILL" in job.error_detail
    assert rasa.intents().count(RESULT_INTENT) == 1 and rasa.intents()[-1] == RESULT_INTENT
