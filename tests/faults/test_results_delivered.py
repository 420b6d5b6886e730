"""Results are never lost (issue 14, section 5) on the real stack: a browser that was away when
its result was pushed, and Rasa restarted while a result is owed.

Before: the worker set `notified_at` as soon as Rasa answered 200 to the push, and nothing else
counted; a result pushed into a socket.io room nobody was in was marked delivered and never
shown. Now a result counts as delivered when the widget acknowledges it (jobs/delivery.py); the
widget (tests/faults/widget.py does what web/src/delivery.js does) asks for what it is owed
whenever it (re)connects, and gets every unseen result once.
"""

import os
import signal
import time

import pytest
from sqlalchemy import select

from db import repository as repo
from db.engine import make_engine, make_session_factory
from db.models import Job, JobStatus
from tests.faults.widget import Widget

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def db(stack):
    engine = make_engine(stack.settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def widget(stack):
    page = Widget(stack)
    yield page
    page.close()


def _jobs_of(db, session_id) -> list[Job]:
    with db() as s:
        return list(s.scalars(select(Job).where(Job.conversation_id == session_id).order_by(Job.id)))


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _results(received, job_id) -> int:
    return sum(r.payload_type == "result" and r.message.get("job_id") == job_id for r in received)


def _done_texts(received, job_id) -> int:
    return sum(r.text.startswith(f"Job #{job_id} is done.") for r in received)


def test_a_result_pushed_while_the_browser_was_away_is_shown_on_reconnect_exactly_once(stack, widget, db):
    widget.connect()
    widget.say("Train a neuron to learn y = 2x - 1")
    card = widget.wait_for(lambda r: r.payload_type == "job", timeout=30)
    job_id = card.message["job_id"]
    widget.close()  # the laptop lid closes while the job trains

    job = _wait(lambda: (j := _jobs_of(db, widget.session_id)[-1]).notified_at and j, 120,
                "the result to be pushed to Rasa while nobody is connected")
    assert job.status is JobStatus.succeeded
    assert _results(widget.received, job_id) == 0, "the result arrived before the browser left"
    assert job.shown_at is None  # before: Rasa's 200 counted as delivered, and that was the end

    back_at = time.monotonic()
    assert widget.connect() == [job_id]  # reconnect: the widget asks what it is owed
    result = widget.wait_for_result(job_id, timeout=60)
    reconnect_to_result = time.monotonic() - back_at
    assert result.message["receipt"] == job.public_id and result.message["status"] == "succeeded"
    shown = _wait(lambda: (j := _jobs_of(db, widget.session_id)[-1]).shown_at and j, 10, "the acknowledgement")
    assert shown.push_attempts >= 2

    widget.close()  # and once more: a shown result is never sent again
    before = len(widget.received)
    assert widget.connect() == []
    widget.drain(stack.settings.result_retry_seconds + 3)  # past the worker's next re-send too
    assert _results(widget.received[before:], job_id) == 0 and _done_texts(widget.received[before:], job_id) == 0
    assert widget.shown == [job_id]
    print(f"\njob {job_id}: pushed {shown.push_attempts} times, shown once, "
          f"{reconnect_to_result:.2f} s after the reconnect")


def test_rasa_restarted_while_a_result_is_owed_delivers_it_once_rasa_is_back(stack, widget, db):
    widget.connect()
    widget.say("hello")  # the conversation's latest channel is now socket.io
    widget.wait_for(lambda r: bool(r.text), timeout=30)
    rasa = stack.procs["rasa"]
    restarts = stack.states["rasa"].restarts
    os.killpg(rasa.pid, signal.SIGKILL)
    rasa.wait(10)
    killed_at = time.monotonic()
    with db() as s:  # a training finishes while Rasa is down
        learner = repo.get_or_create_learner(s, "socketio", widget.session_id)
        job_id = repo.create_job(s, learner, widget.session_id, "hello_neuron", {"epochs": 50}).id
        s.commit()
    job = _wait(lambda: (j := _jobs_of(db, widget.session_id)[-1]).push_attempts and j, 120,
                "the worker to try to push the result")
    assert job.status is JobStatus.succeeded and job.notified_at is None and job.shown_at is None

    _wait(lambda: stack.states["rasa"].restarts > restarts and stack.states["rasa"].state == "running",
          240, "the supervisor to restart Rasa")
    back_after = time.monotonic() - killed_at
    widget.close()
    widget.connect()  # the page reconnects to the restarted Rasa
    result = widget.wait_for_result(job_id, timeout=60)
    assert result.message["metrics"]["weight"] == pytest.approx(2.0, abs=0.5)
    shown = _wait(lambda: (j := _jobs_of(db, widget.session_id)[-1]).shown_at and j, 10, "the acknowledgement")
    widget.drain(3)
    assert widget.shown == [job_id]
    before = len(widget.received)
    widget.close()
    assert widget.connect() == []
    widget.drain(3)
    assert _results(widget.received[before:], job_id) == 0
    print(f"\nRasa back {back_after:.0f} s after kill -9; job {job_id} shown after {shown.push_attempts} pushes")
