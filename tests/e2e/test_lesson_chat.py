"""Lessons over socket.io against the real stack: a learner completes lesson 1 (with a wrong
answer, a hint, free questions and a real training), staff see it, and an edited lesson file
changes the next learner's lesson without a restart."""

import os
import time

import httpx
import pytest
from sqlalchemy import select

from db.models import LessonProgress, LessonStatus, QuizAttempt
from tests.e2e.conftest import STAFF_TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def lesson_turn(learner, text, timeout=30):
    """Send text; return every message up to the lesson's state payload that ends the turn."""
    start = len(learner.history)
    learner.say(text)
    state = learner.wait_for(lambda r: r.payload_type == "lesson", timeout=timeout)
    said = [r.text for r in learner.history[start:] if r.text]
    return " ".join(said), state.message


def answer_button(option):
    return f'/lesson_answer{{"answer": "{option}"}}'


def test_learner_completes_lesson_one_with_a_wrong_answer_a_hint_and_questions(stack, learner, db):
    text, state = lesson_turn(learner, "start lesson 1")
    assert "Welcome!" in text and state["lesson_id"] == "hello-neuron" and state["step"] == 1

    text, state = lesson_turn(learner, "next")
    assert "what do you give the computer" in text
    text, _ = lesson_turn(learner, answer_button("a"))  # the wrong answer, clicked
    assert "traditional programming" in text and "Hint:" in text and "Try again" in text
    text, state = lesson_turn(learner, answer_button("b"))
    assert "From data plus answers, the computer infers the rules" in text and "Here is a tiny puzzle" in text

    # A free question at a say step is answered, with the way back into the lesson.
    learner.say("what is overfitting?")
    back = learner.wait_for(lambda r: "middle of **Hello, neuron" in r.text, timeout=20)
    assert any(b["payload"] == "/lesson_repeat" for b in back.message.get("quick_replies", [])
               + back.message.get("buttons", []))

    text, state = lesson_turn(learner, "next")
    assert "Write the rule as a formula" in text
    # ... and only once: Rasa's own fallback ("lost the thread") answered it too when the lesson
    # handed the question on by a FollowupAction.
    assert not any("lost the thread" in r.text for r in learner.history)
    text, _ = lesson_turn(learner, "give me a hint")
    assert "Hint: When x goes up by 1" in text
    # A free question while the quiz is open: answered, then the question again, no attempt used.
    text, _ = lesson_turn(learner, "what is a loss function?")
    assert "Back to the lesson" in text and "Write the rule as a formula" in text
    text, _ = lesson_turn(learner, "y = 2x - 1")
    assert "Right, y = 2x - 1" in text

    text, _ = lesson_turn(learner, "next")
    assert "Which of these does the model learn" in text
    text, _ = lesson_turn(learner, "c")  # typed, not clicked
    assert "How many epochs should the neuron train for" in text
    text, state = lesson_turn(learner, "20000", timeout=20)
    assert "from 10 to 1000" in text
    learner.say("500")
    learner.wait_for(lambda r: r.payload_type == "job", timeout=20)
    learner.wait_for(lambda r: r.payload_type == "result", timeout=90)
    state = learner.wait_for(lambda r: r.payload_type == "lesson", timeout=30).message
    assert state["step"] == 11  # the checkpoint passed: on to "result"
    text, _ = lesson_turn(learner, "next")
    assert "predict about 18.98" in text
    lesson_turn(learner, answer_button("b"))
    text, state = lesson_turn(learner, "next")
    assert state["finished"] and "end of **Hello, neuron" in text

    with db() as session:
        row = session.scalars(select(LessonProgress).where(LessonProgress.conversation_id == learner.session_id)).one()
        assert row.status is LessonStatus.completed and row.completed_at is not None
        attempts = session.scalars(select(QuizAttempt).where(QuizAttempt.learner_id == row.learner_id)
                                   .order_by(QuizAttempt.id)).all()
        assert [(a.step_id, a.correct, a.try_number) for a in attempts] == [
            ("q-flip", False, 1), ("q-flip", True, 2), ("q-rule", True, 1), ("q-param", True, 1),
            ("q-predict", True, 1)]
        assert attempts[2].hints_used == 1 and all(a.seconds is not None for a in attempts)
        learner_id = row.learner_id

    staff = httpx.Client(base_url=stack.settings.public_base_url,
                         headers={"Authorization": f"Bearer {STAFF_TOKEN}"})
    learners = staff.get("/staff/learners").json()
    mine = next(item for item in learners if item["id"] == learner_id)
    (lesson,) = [entry for entry in mine["lessons"] if entry["lesson_id"] == "hello-neuron"]
    assert lesson["status"] == "completed"
    funnel = {entry["lesson_id"]: entry for entry in staff.get("/staff/funnel").json()}
    assert funnel["hello-neuron"]["completed"] >= 1
    questions = {(q["lesson_id"], q["step_id"]): q for q in staff.get("/staff/questions").json()}
    assert questions[("hello-neuron", "q-flip")]["learners"] >= 1
    assert httpx.get(stack.settings.public_base_url + "/staff/funnel").status_code == 401

    # "How am I doing?" gets a summary and a chart.
    learner.say("how am I doing?")
    summary = learner.wait_for(lambda r: "Hello, neuron" in r.text and "%" in r.text, timeout=20)
    chart = learner.wait_for(lambda r: (r.message.get("attachment") or {}).get("type") == "image",
                             timeout=20)
    png = httpx.get(chart.message["attachment"]["payload"]["src"])
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert "1 of" in summary.text


def test_an_edited_lesson_file_changes_the_next_learners_lesson_without_a_restart(stack, learner):
    path = stack.settings.lessons_dir / "01-hello-neuron.yml"
    original = path.read_text()
    try:
        edited = original.replace("Welcome! In ordinary programming", "Hi there! In plain old programming")
        assert edited != original
        path.write_text(edited)
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000))
        text, _ = lesson_turn(learner, "start lesson 1")
        assert "Hi there! In plain old programming" in text
    finally:
        path.write_text(original)
