"""Finding: job numbers were sequential (1, 2, 3, ...), so a learner who saw "Job #41" knew the
next learner's was #42, and with `/EXTERNAL_job_result{"job_id": N}` could walk through everyone's
results. Now each new number is the highest so far plus a random step (db/models.py), on SQLite
and PostgreSQL alike; numbers still grow, so the queue and "newest first" keep their order."""

from db import repository as repo
from db.models import MAX_JOB_NUMBER_STEP, Job


def _queue(sessions, count: int) -> list[int]:
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", "a" * 32)
        ids = [repo.create_job(s, learner, "a" * 32, "hello_neuron", {}).id for _ in range(count)]
        s.commit()
    return ids


def test_job_numbers_are_not_sequential_but_still_grow(sessions):
    ids = _queue(sessions, 40)
    steps = [b - a for a, b in zip([0, *ids], ids, strict=False)]
    assert all(1 <= step <= MAX_JOB_NUMBER_STEP for step in steps)
    assert steps.count(1) < 5  # sequential numbering would make every step 1
    assert len(set(steps)) > 20  # and the steps are not one fixed stride either


def test_jobs_added_in_one_flush_get_distinct_growing_numbers(sessions):
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", "b" * 32)
        s.add_all([Job(learner=learner, conversation_id="b" * 32, skill="vision", params={}) for _ in range(5)])
        s.commit()
        ids = sorted(s.scalars(Job.__table__.select().with_only_columns(Job.id)))
    assert len(set(ids)) == 5
    later = _queue(sessions, 1)[0]
    assert later > max(ids)


def test_two_jobs_queued_at_once_on_postgresql_get_distinct_numbers(postgres_url, monkeypatch):
    """Both transactions read the same highest number before either commits; with the same random
    step they would pick the same one, and the second learner's training would fail to queue."""
    import threading
    import time

    from db import models
    from db.engine import make_engine, make_session_factory
    from db.migrate import upgrade

    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    monkeypatch.setattr(models.secrets, "randbelow", lambda n: 0)  # every step is 1: a sure clash
    first, second = sessions(), sessions()
    try:
        ann = repo.get_or_create_learner(first, "socketio", "c" * 32)
        bob = repo.get_or_create_learner(second, "socketio", "d" * 32)
        first.commit()
        second.commit()
        held = repo.create_job(first, ann, "c" * 32, "vision", {})  # flushed, not committed yet
        got: dict = {}

        def queue_bobs() -> None:
            try:
                got["id"] = repo.create_job(second, bob, "d" * 32, "vision", {}).id
                second.commit()
            except Exception as exc:  # what the learner would have been told about
                got["error"] = exc

        thread = threading.Thread(target=queue_bobs)
        thread.start()
        time.sleep(0.5)  # bob's flush is under way while ann's transaction is open
        first.commit()
        thread.join(timeout=30)
        assert "error" not in got, got
        assert got["id"] == held.id + 1
    finally:
        first.close()
        second.close()
        engine.dispose()
