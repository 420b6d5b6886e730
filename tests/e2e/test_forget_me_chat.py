"""'Forget me' through real Rasa (issue 16, section 2): the learner's Rasa conversation goes with
their rows. The tracker store deletes it on the save of the turn that confirmed (bot/tracker_store.py,
the Restarted mark actions/forget_me.py returns), so neither SQL nor Rasa's in-memory cache of live
conversations hands it back, and the chat goes on as a new learner's."""

import json

import httpx
import pytest
from sqlalchemy import create_engine, text

from tutor.chat_client import Learner

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SECRET = "what is overfitting? my dog is called Biscuit"


def _tracker(stack, conversation_id: str) -> dict:
    settings = stack.settings
    return httpx.get(f"{settings.rasa_url}/conversations/{conversation_id}/tracker",
                     params={"token": settings.rasa_token, "include_events": "ALL"}, timeout=30).json()


def _stored_rows(stack, conversation_id: str) -> list[str]:
    engine = create_engine(stack.settings.tracker_store_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT data FROM events WHERE sender_id = :id"),
                                           {"id": conversation_id}).scalars())
    finally:
        engine.dispose()


def test_forget_me_deletes_the_learners_rasa_conversation_and_the_chat_goes_on(stack, learner: Learner):
    learner.say(SECRET)
    learner.wait_for(lambda m: "overfit" in m.text.lower(), timeout=60)
    learner.say("forget me")
    learner.wait_for(lambda m: "Delete it all?" in m.text, timeout=30)
    conversation = learner.session_id  # a web learner's conversation is its socket.io session (D33)
    assert "Biscuit" in json.dumps(_tracker(stack, conversation)["events"])  # there before
    assert any("Biscuit" in row for row in _stored_rows(stack, conversation))

    learner.say('/forget_me{"confirm": "yes"}')
    learner.wait_for(lambda m: m.text.startswith("Done: I deleted"), timeout=30)
    learner.say("hi")  # a next turn: Rasa reads the conversation back (its cache, then SQL)
    learner.wait_for(lambda m: "I'm Tutor" in m.text, timeout=30)

    events = _tracker(stack, conversation)["events"]
    assert [e for e in events if "Biscuit" in json.dumps(e)] == []
    assert [e["text"] for e in events if e["event"] == "user"] == ["hi"]  # not the question, not the asks
    assert events[0]["event"] == "restart" and any(e.get("text") == "hi" for e in events)
    rows = _stored_rows(stack, conversation)
    assert rows and not any("Biscuit" in row or '"text": "forget me"' in row for row in rows), rows
