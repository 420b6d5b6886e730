"""Issue 18 through the real stack: staff answer and dismiss grouped unanswered questions on the
staff API, the learner who asked gets the answer in their chat (socket.io and the fake Slack), the
running Rasa answers a paraphrase with the new entry and declines a dismissed wording without a
restart, and a learner who asks for a person gets a staff reply in chat. The Slack asker:
tests/slack/test_slack_staff_inbox.py."""


import httpx
import pytest
from sqlalchemy import update

from actions.answer_question import OFF_TOPIC
from actions.handoff import ENDED, NOBODY, OPENED
from db.inbox_models import StaffPresence
from db.models import utcnow
from faq import replay
from tests.e2e.conftest import STAFF_TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
AUTH = {"Authorization": f"Bearer {STAFF_TOKEN}"}


def _staff(stack, method: str, path: str, **kwargs) -> dict:
    r = httpx.request(method, f"{stack.settings.public_base_url}/staff/inbox/{path}", headers=AUTH,
                      timeout=120, **kwargs)
    assert r.status_code == 200, r.text
    return r.json()


def _group_of(stack, text: str) -> dict:
    return next(g for g in _staff(stack, "GET", "groups") if text in g["examples"])


def _rest(stack, text: str) -> list[dict]:
    with httpx.Client(timeout=60, headers=replay.rest_headers(stack.settings.rasa_token)) as client:
        return replay.ask(client, stack.settings.rasa_url, text)


def _staff_note(received) -> bool:
    return received.payload_type == "staff"


def test_staff_answer_reaches_the_asker_over_socketio_and_a_paraphrase_is_answered_live(stack, learner):
    question = "how do capsule networks route between layers?"
    learner.say(question)
    learner.wait_for(lambda r: "not sure" in r.text, timeout=60)
    outcome = _staff(stack, "POST", "groups/answer", json={
        "question_ids": _group_of(stack, question)["question_ids"], "topic": "Capsule networks and routing",
        "answer": "Capsules route by agreement: each one sends its output to the capsules above it "
                  "whose predictions agree with it."})
    assert outcome["notified"] >= 1
    note = learner.wait_for(_staff_note, timeout=30).message
    assert note["kind"] == "answer" and note["sender"] == "Course staff"
    assert note["text"].startswith(f"Course staff answered your question \u2018{question}\u2019: Capsules route")
    # The running Rasa answers another wording with the new entry: no restart, no training.
    replies = _rest(stack, "explain routing by agreement in capsule nets")
    assert replay.faq_payload(replies)["faq_id"] == outcome["entry_id"]
    assert "The course staff answered this one" in replay.reply_text(replies)


def test_a_dismissed_wording_is_declined_from_then_on(stack):
    wording = "how many layers does a neural network of gophers have in a burrow"
    assert "not sure" in replay.reply_text(_rest(stack, wording))
    _staff(stack, "POST", "groups/dismiss", json={"question_ids": _group_of(stack, wording)["question_ids"]})
    assert replay.reply_text(_rest(stack, wording)).startswith(OFF_TOPIC)


def test_handoff_without_staff_is_told_and_with_staff_a_reply_reaches_the_chat(stack, learner, db):
    with db() as s:  # nobody has had the staff page open for an hour
        s.execute(update(StaffPresence).values(seen_at=utcnow().replace(year=2000)))
        s.commit()
    learner.say("can I talk to a human?")
    assert learner.wait_for(lambda r: r.text, timeout=60).text == NOBODY
    learner.say("back to Tutor")
    assert learner.wait_for(lambda r: r.text, timeout=60).text == ENDED

    _staff(stack, "GET", "handoffs")  # the staff page polls: someone is there now
    learner.say("this isn't helping, get me a real person")
    assert learner.wait_for(lambda r: r.text, timeout=60).text == OPENED
    learner.say("my loss goes to nan after two epochs")
    learner.wait_for(lambda r: "added that for the course staff" in r.text, timeout=60)
    handoff = next(h for h in _staff(stack, "GET", "handoffs")["handoffs"]
                   if h["conversation_id"] == learner.session_id)
    assert handoff["transcript"][-1]["text"] == "this isn't helping, get me a real person"
    assert [m["text"] for m in handoff["thread"]] == ["my loss goes to nan after two epochs"]
    _staff(stack, "POST", f"handoffs/{handoff['id']}/reply",
           json={"text": "Hi, Sam from the course here: try a learning rate of 0.001."})
    note = learner.wait_for(_staff_note, timeout=30).message
    assert (note["kind"], note["text"]) == ("reply", "Hi, Sam from the course here: try a learning rate of 0.001.")

    # Staff close it from the page: the next messages are Tutor's to answer, once each (Rasa's
    # fallback added "Sorry, I lost the thread" when the handoff handed them on by a FollowupAction).
    _staff(stack, "POST", f"handoffs/{handoff['id']}/close")
    learner.say("what is dropout?")
    learner.wait_for(lambda r: "switches off" in r.text, timeout=60)
    learner.say("hello")
    learner.wait_for(lambda r: r.text.startswith("Hi! I'm Tutor"), timeout=60)
    assert not any("lost the thread" in r.text for r in learner.history)
