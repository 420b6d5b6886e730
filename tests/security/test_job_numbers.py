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
