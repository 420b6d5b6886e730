"""kill -9 of the action server during a lesson (issue 14, fault suite), on the real stack.

Before: Rasa logged "Bot will continue, but the actions events are lost" and sent nothing, so
the learner's answer got no reply at all. Now (bot/action_outage.py) the learner is told to send
it again; the supervisor restarts the action server; the resent answer is graded against the
same question (nothing the dropped turn would have stored was stored), and the lesson goes on.
"""

import os
import signal
import time

import pytest
from sqlalchemy import select

from bot.action_outage import OUTAGE
from db.engine import make_engine, make_session_factory
from db.models import LessonProgress, QuizAttempt
from tutor.chat_client import Learner

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def learner(stack):
    person = Learner(stack.settings.chat_socket_url).connect()
    yield person
    person.close()


@pytest.fixture
def db(stack):
    engine = make_engine(stack.settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()


def lesson_turn(learner, text, timeout=30):
    start = len(learner.history)
    learner.say(text)
    state = learner.wait_for(lambda r: r.payload_type == "lesson", timeout=timeout)
    return " ".join(r.text for r in learner.history[start:] if r.text), state.message


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_action_server_killed_during_a_lesson_the_learner_is_told_and_nothing_is_lost(stack, learner, db):
    lesson_turn(learner, "start lesson 1")
    text, state = lesson_turn(learner, "next")
    assert "what do you give the computer" in text
    step = state["step"]

    actions = stack.procs["actions"]
    restarts = stack.states["actions"].restarts
    os.killpg(actions.pid, signal.SIGKILL)  # what the OOM killer does
    actions.wait(10)
    killed_at = time.monotonic()
    learner.say('/lesson_answer{"answer": "b"}')
    told = learner.wait_for(lambda r: bool(r.text), timeout=30)
    assert told.text == OUTAGE

    _wait(lambda: stack.states["actions"].restarts > restarts and stack.states["actions"].state == "running",
          120, "the supervisor to restart the action server")
    back_after = time.monotonic() - killed_at
    text, state = lesson_turn(learner, '/lesson_answer{"answer": "b"}')  # the learner sends it again
    assert "From data plus answers, the computer infers the rules" in text
    assert state["step"] > step

    with db() as s:
        row = s.scalars(select(LessonProgress).where(LessonProgress.conversation_id == learner.session_id)).one()
        attempts = s.scalars(select(QuizAttempt).where(QuizAttempt.learner_id == row.learner_id)).all()
        assert [(a.step_id, a.correct, a.try_number) for a in attempts] == [("q-flip", True, 1)]  # nothing half-stored
    print(f"\naction server back {back_after:.1f} s after kill -9; the learner was told at once")
