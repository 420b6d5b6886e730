"""The Celery workers' sweep (jobs/celery_sweep.py) on a real database and Redis, pushing to a fake
Rasa: it never races the process that finished a job for that job's first push."""

import uuid
from datetime import timedelta

import pytest

from db import repository as repo
from db.models import JobStatus, utcnow
from jobs import celery_app, celery_sweep
from jobs.notify import RESULT_INTENT, RasaNotifier
from jobs.worker import Worker
from tests.conftest import require_server
from tests.jobs.celery_harness import TEST_BROKER


@pytest.fixture
def worker(make_settings, rasa):
    require_server("Redis", "127.0.0.1", 6379)
    from db.migrate import upgrade

    settings = make_settings(job_engine="celery", broker_url=TEST_BROKER,
                             celery_queue=f"tutor-test-{uuid.uuid4().hex[:10]}", tf_threads=0)
    upgrade(settings.db_url)
    made = Worker(settings, RasaNotifier(rasa.url), worker_id="sweeper")
    yield made
    made.close()
    celery_app.redis_client(settings).delete(settings.celery_queue)


def _finished_job(worker, conversation, finished_ago: float, pushed: bool = False) -> int:
    with worker.sessions() as session:
        learner = repo.get_or_create_learner(session, "socketio", conversation)
        job = repo.create_job(session, learner, conversation, "hello_neuron", {})
        repo.set_status(session, job, JobStatus.running)
        repo.set_status(session, job, JobStatus.succeeded, result={"summary": "done"})
        job.finished_at = utcnow() - timedelta(seconds=finished_ago)
        if pushed:  # pushed once already; its backoff has run out
            job.push_attempts, job.next_push_at = 1, utcnow() - timedelta(seconds=1)
        session.commit()
        return job.id


def test_the_sweep_leaves_a_just_finished_result_to_the_process_that_finished_it(worker, rasa):
    just_now = _finished_job(worker, "conv-now", finished_ago=1)
    long_ago = _finished_job(worker, "conv-old", finished_ago=120)  # its finisher died unpushed
    due = _finished_job(worker, "conv-due", finished_ago=10, pushed=True)
    app = celery_app.make_app(worker.settings)
    celery_sweep.sweep_once(app, worker)
    pushed = sorted(call["entities"]["job_id"] for call in rasa.calls if call["name"] == RESULT_INTENT)
    assert pushed == sorted([long_ago, due]) and just_now not in pushed


def test_the_sweep_sends_a_message_for_each_queued_job_the_broker_has_none_for(worker):
    with worker.sessions() as session:
        learner = repo.get_or_create_learner(session, "socketio", "conv-q")
        for _ in range(3):
            repo.create_job(session, learner, "conv-q", "hello_neuron", {})
        session.commit()
    app = celery_app.make_app(worker.settings)
    celery_app.send(app, worker.settings, 0)  # one of them was published
    assert celery_sweep.top_up(app, worker) == 2
    assert celery_app.queue_length(app, worker.settings) == 3
    assert celery_sweep.top_up(app, worker) == 0


def test_a_sweeper_that_dies_holding_the_lock_blocks_the_others_for_at_most_30_s(worker):
    """A worker SIGKILLed mid-sweep never releases the lock: its expiry is how long the next
    worker waits before it can take over the dead one's running job."""
    held = celery_sweep.sweep_lock(worker.settings)
    assert held.acquire()  # and its holder dies: no release
    try:
        assert not celery_sweep.sweep_lock(worker.settings).acquire()  # one sweeper at a time
        ttl = celery_app.redis_client(worker.settings).pttl(held.name) / 1000
        assert 0 < ttl <= 30
        held.reacquire()  # the clean-up's renewal gives a full TTL again
        assert celery_app.redis_client(worker.settings).pttl(held.name) / 1000 > 29
    finally:
        celery_app.redis_client(worker.settings).delete(held.name)
