"""Repository functions on SQLite and PostgreSQL (the `db_url` fixture runs both)."""

import threading
from datetime import timedelta

from db import repository as repo
from db.models import JobStatus, utcnow


def _job(session, external_id="u1", skill="hello_neuron"):
    learner = repo.get_or_create_learner(session, "socketio", external_id)
    return repo.create_job(session, learner, external_id, skill, {"epochs": 5})


def test_get_or_create_learner_returns_the_same_learner_for_one_identity(sessions):
    with sessions() as s:
        a = repo.get_or_create_learner(s, "slack", "U1")
        b = repo.get_or_create_learner(s, "slack", "U1")
        c = repo.get_or_create_learner(s, "socketio", "U1")
        s.commit()
        assert a.id == b.id
        assert c.id != a.id


def test_create_job_starts_queued_with_params_and_conversation(sessions):
    with sessions() as s:
        job = _job(s)
        s.commit()
    with sessions() as s:
        job = repo.get_job(s, job.id)
        assert job.status is JobStatus.queued
        assert job.params == {"epochs": 5}
        assert job.conversation_id == "u1"
        assert len(job.public_id) == 32
        assert job.created_at is not None


def test_claim_next_job_takes_the_oldest_queued_job_and_marks_it_running(sessions):
    with sessions() as s:
        first, second = _job(s), _job(s)
        s.commit()
    with sessions() as s:
        claimed = repo.claim_next_job(s, "w1")
        assert claimed.id == first.id
        assert claimed.status is JobStatus.running
        assert claimed.worker_id == "w1"
        assert claimed.attempts == 1
        assert repo.claim_next_job(s, "w1").id == second.id
        assert repo.claim_next_job(s, "w1") is None


def test_claim_next_job_never_gives_one_job_to_two_workers(sessions):
    with sessions() as s:
        ids = [_job(s).id for _ in range(30)]
        s.commit()
    claims: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    barrier = threading.Barrier(len(claims))

    def work(name):
        barrier.wait()
        with sessions() as s:
            while (job := repo.claim_next_job(s, name)) is not None:
                claims[name].append(job.id)

    threads = [threading.Thread(target=work, args=(n,)) for n in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for got in claims.values() for i in got]
    assert sorted(everything) == ids  # each job exactly once


def test_set_status_stamps_finished_jobs_and_stores_error_text(sessions):
    with sessions() as s:
        job = _job(s)
        s.commit()
        job = repo.claim_next_job(s, "w")
        repo.set_status(s, job, JobStatus.failed, error="plain words", error_detail="trace")
        s.commit()
        again = repo.get_job(s, job.id)
        assert again.status is JobStatus.failed
        assert again.finished_at is not None
        assert again.error == "plain words"


def test_orphaned_jobs_are_the_running_jobs_without_a_recent_heartbeat(sessions):
    with sessions() as s:
        job = _job(s)
        s.commit()
        repo.claim_next_job(s, "dead-worker")
        assert repo.orphaned_jobs(s, timedelta(seconds=60)) == []
        later = utcnow() + timedelta(minutes=10)
        assert [j.id for j in repo.orphaned_jobs(s, timedelta(seconds=60), now=later)] == [job.id]


def test_orphaned_jobs_include_a_fresh_job_whose_worker_is_gone(sessions):
    with sessions() as s:
        job = _job(s)
        s.commit()
        repo.claim_next_job(s, "alive")
        assert repo.orphaned_jobs(s, timedelta(seconds=60), is_gone=lambda w: w == "dead") == []
        found = repo.orphaned_jobs(s, timedelta(seconds=60), is_gone=lambda w: w == "alive")
        assert [j.id for j in found] == [job.id]


def test_find_artifact_matches_job_public_id_and_path_only(sessions):
    with sessions() as s:
        job = _job(s)
        repo.add_artifact(s, job, "tflite", "hello_neuron.tflite", "application/octet-stream", 10)
        s.commit()
        assert repo.find_artifact(s, job.public_id, "hello_neuron.tflite").size_bytes == 10
        assert repo.find_artifact(s, job.public_id, "other.tflite") is None
        assert repo.find_artifact(s, "0" * 32, "hello_neuron.tflite") is None


def test_jobs_owing_notification_lists_finished_unnotified_jobs(sessions):
    with sessions() as s:
        done, pending = _job(s), _job(s)
        s.commit()
        repo.claim_next_job(s, "w")
        repo.set_status(s, done, JobStatus.succeeded)
        s.commit()
        assert [j.id for j in repo.jobs_owing_notification(s)] == [done.id]
        done.notified_at = utcnow()
        s.commit()
        assert repo.jobs_owing_notification(s) == []
        assert repo.get_job(s, pending.id).status is JobStatus.queued
