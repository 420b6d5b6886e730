"""Result delivery (jobs/delivery.py): a result is delivered only when a chat showed it; owed
results are pushed again with exponential backoff, never after the age limit."""

from datetime import timedelta

import pytest

from db import repository as repo
from db.models import JobStatus, utcnow
from jobs import delivery
from jobs.notify import RESULT_INTENT, RasaNotifier
from jobs.worker import Worker


def _finished(session, conversation="conv-1", status=JobStatus.succeeded, finished_ago=None):
    learner = repo.get_or_create_learner(session, "socketio", conversation)
    job = repo.create_job(session, learner, conversation, "hello_neuron", {})
    session.flush()
    repo.claim_next_job(session, "w")
    repo.set_status(session, job, status, error=None if status is JobStatus.succeeded else "no")
    if finished_ago is not None:
        job.finished_at = utcnow() - finished_ago
    session.commit()
    return job


def test_retry_delay_doubles_from_the_base_up_to_the_cap():
    assert [delivery.retry_delay(n, 5, 60) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


def test_a_result_rasa_accepted_is_still_owed_until_a_chat_shows_it(sessions, settings):
    with sessions() as s:
        job = _finished(s)
        delivery.record_push(job, accepted=True, settings=settings, now=utcnow() - timedelta(hours=1))
        s.commit()
        assert [j.id for j in delivery.owed_results(s, settings)] == [job.id]
        delivery.mark_shown(s, "conv-1", [job.public_id])
        s.commit()
        assert delivery.owed_results(s, settings) == []
        assert not delivery.never_shown(job)


def test_an_owed_result_waits_out_its_backoff_before_the_next_push(sessions, settings):
    with sessions() as s:
        job = _finished(s)
        now = utcnow()
        for _ in range(3):
            delivery.record_push(job, accepted=True, settings=settings, now=now)
        s.commit()
        wait = delivery.retry_delay(3, settings.result_retry_seconds, settings.result_retry_max_seconds)
        assert wait == 4 * settings.result_retry_seconds
        assert delivery.owed_results(s, settings, now=now + timedelta(seconds=wait - 1)) == []
        assert delivery.owed_results(s, settings, now=now + timedelta(seconds=wait + 1)) == [job]
        # a widget that reconnects does not wait for the backoff
        assert delivery.owed_results(s, settings, now=now, due_only=False, conversation_id="conv-1") == [job]


def test_a_result_older_than_the_age_limit_is_no_longer_pushed_but_stays_marked_unseen(sessions, settings):
    with sessions() as s:
        old = _finished(s, finished_ago=timedelta(hours=settings.result_max_age_hours + 1))
        young = _finished(s, finished_ago=timedelta(hours=settings.result_max_age_hours - 1))
        assert [j.id for j in delivery.owed_results(s, settings)] == [young.id]
        assert delivery.never_shown(old)


def test_a_receipt_acknowledges_only_the_job_of_the_conversation_that_sends_it(sessions, settings):
    with sessions() as s:
        mine, theirs = _finished(s, "mine"), _finished(s, "theirs")
        # a receipt is also in a job's download links, which learners share
        shown = delivery.mark_shown(s, "mine", [mine.public_id, theirs.public_id, "f" * 32])
        s.commit()
        assert shown == [mine]
        assert mine.shown_at is not None and theirs.shown_at is None


def test_failed_and_timed_out_results_are_owed_too_but_a_learners_own_cancel_is_not(sessions, settings):
    with sessions() as s:
        failed = _finished(s, status=JobStatus.failed)
        timed_out = _finished(s, status=JobStatus.cancelled)
        learner = repo.get_or_create_learner(s, "socketio", "conv-1")
        asked = repo.create_job(s, learner, "conv-1", "hello_neuron", {})
        s.flush()
        repo.cancel_job(s, asked, "Cancelled at the learner's request.")  # answered in the chat
        s.commit()
        assert [j.id for j in delivery.owed_results(s, settings)] == [failed.id, timed_out.id]


def test_the_worker_pushes_an_unacknowledged_result_again_with_backoff_then_stops_once_shown(
        make_settings, rasa):
    settings = make_settings(result_retry_seconds=60, tf_threads=0)
    from db.migrate import upgrade

    upgrade(settings.db_url)
    worker = Worker(settings, RasaNotifier(rasa.url), worker_id="w")
    try:
        with worker.sessions() as s:
            job = _finished(s)
            worker._push_result(s, job)  # the first push, when the job ended
        worker.deliver_owed_results()
        assert rasa.intents() == [RESULT_INTENT]  # accepted, not acknowledged: but not due yet
        with worker.sessions() as s:
            s.get(type(job), job.id).next_push_at = utcnow() - timedelta(seconds=1)
            s.commit()
        worker.deliver_owed_results()
        assert rasa.intents() == [RESULT_INTENT, RESULT_INTENT]
        with worker.sessions() as s:
            again = s.get(type(job), job.id)
            assert again.push_attempts == 2
            assert (again.next_push_at.replace(tzinfo=None) - again.notified_at.replace(tzinfo=None)
                    ).total_seconds() == pytest.approx(120)  # doubled
            delivery.mark_shown(s, "conv-1", [job.public_id])
            again.next_push_at = utcnow() - timedelta(seconds=1)
            s.commit()
        worker.deliver_owed_results()
        assert rasa.intents() == [RESULT_INTENT, RESULT_INTENT]  # shown: never again
    finally:
        worker.sandbox.close()
