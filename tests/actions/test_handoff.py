"""A person when the learner asks (actions/handoff.py) and staff messages in the chat
(actions/staff_message.py), on a real migrated database."""

from datetime import timedelta

from rasa_sdk import Tracker

from actions.handoff import ADDED, ENDED, NOBODY, NONE_OPEN, OPENED, ActionHandoffEnd, ActionHandoffOpen
from actions.staff_message import ActionStaffMessage
from db import inbox
from db.models import utcnow
from tests.actions.conftest import texts, tracker_for

SENDER = "a" * 32


def _with_history(text: str, intent: str) -> Tracker:
    tracker = tracker_for(text, SENDER, intent)
    tracker.events = [{"event": "user", "text": "what is dropout?"},
                      {"event": "bot", "text": "Dropout turns neurons off at random."},
                      {"event": "user", "text": "/EXTERNAL_job_result"},
                      {"event": "user", "text": "EXTERNAL: EXTERNAL_staff_message",  # trigger_intent's
                       "parse_data": {"intent": {"name": "EXTERNAL_staff_message"}}},
                      *tracker.events]
    return tracker


def test_asking_for_a_person_with_nobody_there_says_so_and_keeps_the_request_without_pushes(
        dispatcher, action_db):
    events = ActionHandoffOpen().run(dispatcher, _with_history("can I talk to a human?", "talk_to_human"), {})
    assert texts(dispatcher) == NOBODY
    assert events == [{"event": "slot", "timestamp": None, "name": "handoff_open", "value": True}]
    with action_db() as s:
        handoff = inbox.open_handoff_of(s, SENDER)
        assert handoff is not None and not handoff.staff_available
        assert [line["text"] for line in handoff.transcript] == [
            "what is dropout?", "Dropout turns neurons off at random.", "can I talk to a human?"]


def test_with_staff_on_the_page_the_learner_is_told_someone_will_reply(dispatcher, action_db):
    with action_db() as s:
        inbox.seen(s, "sam", utcnow() - timedelta(minutes=1))
        s.commit()
    ActionHandoffOpen().run(dispatcher, tracker_for("get me a real person", SENDER, "talk_to_human"), {})
    assert texts(dispatcher) == OPENED
    with action_db() as s:
        assert inbox.open_handoff_of(s, SENDER).staff_available


def test_messages_while_open_join_the_thread_and_tutor_says_so_once(dispatcher, action_db):
    ActionHandoffOpen().run(dispatcher, tracker_for("can I talk to a human?", SENDER, "talk_to_human"), {})
    for text in ("my loss is nan", "hello?"):
        dispatcher.messages.clear()
        ActionHandoffOpen().run(dispatcher, tracker_for(text, SENDER, "faq"), {})
        said = texts(dispatcher)
    assert said == ""  # the second message: nothing more from Tutor
    with action_db() as s:
        assert [m.text for m in inbox.open_handoff_of(s, SENDER).messages] == ["my loss is nan", "hello?"]


def test_the_first_message_after_opening_gets_the_one_acknowledgement(dispatcher, action_db):
    ActionHandoffOpen().run(dispatcher, tracker_for("can I talk to a human?", SENDER, "talk_to_human"), {})
    dispatcher.messages.clear()
    ActionHandoffOpen().run(dispatcher, tracker_for("my loss is nan", SENDER, "faq"), {})
    assert texts(dispatcher) == ADDED


def test_a_message_routed_to_a_handoff_staff_closed_is_answered_by_tutor(dispatcher, action_db):
    # answered here, not by a FollowupAction: after one no rule predicts listening, and Rasa's
    # fallback said "Sorry, I lost the thread" and took the learner's message back
    events = ActionHandoffOpen().run(dispatcher, tracker_for("what is dropout?", SENDER, "faq"), {})
    assert events == []  # the slot left as it is, so the rule that brought the message here ends
    assert "I'm not sure I know that one" in texts(dispatcher)  # action_answer_question's (no entry here)
    with action_db() as s:
        assert inbox.open_handoff_of(s, SENDER) is None


def test_back_to_tutor_closes_the_handoff(dispatcher, action_db):
    ActionHandoffOpen().run(dispatcher, tracker_for("can I talk to a human?", SENDER, "talk_to_human"), {})
    dispatcher.messages.clear()
    events = ActionHandoffEnd().run(dispatcher, tracker_for("back to Tutor", SENDER, "end_handoff"), {})
    assert texts(dispatcher) == ENDED and events[0]["value"] is False
    with action_db() as s:
        assert inbox.open_handoff_of(s, SENDER) is None
    dispatcher.messages.clear()
    ActionHandoffEnd().run(dispatcher, tracker_for("back to Tutor", SENDER, "end_handoff"), {})
    assert texts(dispatcher) == NONE_OPEN


def _pushed(message_id: int, sender: str = SENDER) -> Tracker:
    return tracker_for("/EXTERNAL_staff_message", sender, "EXTERNAL_staff_message",
                       [{"entity": "staff_message", "value": message_id}])


def test_a_staff_message_is_shown_once_as_a_staff_payload(dispatcher, action_db):
    with action_db() as s:
        message = inbox.add_staff_message(s, conversation_id=SENDER, learner_id=None, kind="answer",
                                          text="Course staff answered your question 'x': y", question="x",
                                          staff="sam")
        s.commit()
        message_id = message.id
    ActionStaffMessage().run(dispatcher, _pushed(message_id), {})
    (sent,) = dispatcher.messages
    assert sent["custom"]["data"] == {"type": "staff", "kind": "answer", "question": "x", "sender": "Course staff",
                                      "text": "Course staff answered your question 'x': y"}
    dispatcher.messages.clear()
    ActionStaffMessage().run(dispatcher, _pushed(message_id), {})  # a late re-send
    assert dispatcher.messages == []


def test_a_staff_message_is_never_shown_in_another_conversation(dispatcher, action_db):
    with action_db() as s:
        message = inbox.add_staff_message(s, conversation_id=SENDER, learner_id=None, kind="reply",
                                          text="private", staff="sam")
        s.commit()
        message_id = message.id
    ActionStaffMessage().run(dispatcher, _pushed(message_id, sender="b" * 32), {})
    assert dispatcher.messages == []
