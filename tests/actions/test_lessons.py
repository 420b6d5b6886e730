"""The lesson actions: thin translation, the slot set from the database, and commands handed back."""

import yaml
from rasa_sdk.events import FollowupAction, SlotSet
from sqlalchemy.exc import OperationalError

from actions import lessons as lesson_actions
from actions import runtime
from actions.lessons import NORMAL_ACTIONS, ActionLesson, ActionLessonReply
from tests.actions.conftest import texts, tracker_for
from tests.conftest import ROOT

import pytest


@pytest.fixture
def lesson_db(action_db, monkeypatch):
    runtime.tutoring.cache_clear()
    yield action_db
    runtime.tutoring.cache_clear()


def _rules(name):
    return yaml.safe_load((ROOT / "bot" / "data" / name).read_text())["rules"]


def test_normal_actions_match_the_plain_rules_in_rules_yml():
    plain = {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in _rules("rules.yml")
             if "intent" in rule["steps"][0] and not rule["steps"][0]["intent"].startswith("EXTERNAL_")}
    assert plain == NORMAL_ACTIONS


def test_every_normal_intent_goes_to_the_lesson_while_a_question_is_open():
    conditioned = {rule["steps"][0]["intent"] for rule in _rules("lesson_rules.yml")
                   if rule.get("condition") == [{"slot_was_set": [{"lesson_asking": True}]}]
                   and rule["steps"][1]["action"] == "action_lesson_reply"}
    assert conditioned == set(NORMAL_ACTIONS)


def test_action_lesson_starts_a_lesson_and_sets_the_slot_from_the_database(lesson_db, dispatcher):
    events = ActionLesson().run(dispatcher, tracker_for("start lesson 1", intent="start_lesson"), {})
    assert "Welcome!" in texts(dispatcher) and events == [SlotSet("lesson_asking", False)]
    dispatcher.messages.clear()
    events = ActionLesson().run(dispatcher, tracker_for("next", intent="lesson_next"), {})
    assert "what do you give the computer" in texts(dispatcher)
    assert events == [SlotSet("lesson_asking", True)]
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert '/lesson_answer{"answer": "b"}' in payloads
    assert any((m.get("custom") or {}).get("data", {}).get("type") == "lesson" for m in dispatcher.messages)


def test_action_lesson_answer_typed_as_next_still_counts_when_it_names_an_option(lesson_db, dispatcher):
    ActionLesson().run(dispatcher, tracker_for("start lesson 1", intent="start_lesson"), {})
    ActionLesson().run(dispatcher, tracker_for("next", intent="lesson_next"), {})
    dispatcher.messages.clear()
    ActionLesson().run(dispatcher, tracker_for("b", intent="lesson_next"), {})
    assert "From data plus answers, the computer infers the rules" in texts(dispatcher)


def test_action_lesson_reply_hands_a_command_back_when_no_question_is_open(lesson_db, dispatcher):
    events = ActionLessonReply().run(dispatcher, tracker_for("train a cnn", intent="train_vision"), {})
    assert events == [SlotSet("lesson_asking", False), FollowupAction("action_train_skill")]
    assert dispatcher.messages == []


def test_action_lesson_says_the_database_is_down_without_a_stack_trace(lesson_db, dispatcher, monkeypatch):
    def broken():
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))
    monkeypatch.setattr(runtime, "sessions", lambda: broken)
    events = ActionLesson().run(dispatcher, tracker_for("next", intent="lesson_next"), {})
    assert events == [] and texts(dispatcher) == lesson_actions.DB_DOWN
