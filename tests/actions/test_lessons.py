"""The lesson actions: thin translation, the slot set from the database, and commands handed back."""

import json
from types import SimpleNamespace
from typing import get_args

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy.exc import OperationalError

from actions import lessons as lesson_actions
from actions import runtime
from actions.job_updates import lesson_goes_on
from actions.lessons import (
    BUTTON_INTENTS,
    COMMANDS,
    NORMAL_ACTIONS,
    ActionLesson,
    ActionLessonReply,
    payload,
    rasa_buttons,
)
from actions.queueing import learner_of
from curriculum.replies import Button, ButtonAction
from db import repository as repo
from db.models import JobStatus
from faq.knowledge import Entry
from tests.actions.conftest import texts, tracker_for
from tests.conftest import ROOT


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
    assert '/lesson_answer{"answer": "b", "step": "q-flip", "try": 1}' in payloads
    assert any((m.get("custom") or {}).get("data", {}).get("type") == "lesson" for m in dispatcher.messages)


def test_action_lesson_answer_typed_as_next_still_counts_when_it_names_an_option(lesson_db, dispatcher):
    ActionLesson().run(dispatcher, tracker_for("start lesson 1", intent="start_lesson"), {})
    ActionLesson().run(dispatcher, tracker_for("next", intent="lesson_next"), {})
    dispatcher.messages.clear()
    ActionLesson().run(dispatcher, tracker_for("b", intent="lesson_next"), {})
    assert "From data plus answers, the computer infers the rules" in texts(dispatcher)


def test_action_lesson_reply_runs_a_command_itself_when_no_question_is_open(lesson_db, dispatcher):
    # itself, not by a FollowupAction: after one no rule predicts listening, and Rasa's fallback
    # said "Sorry, I lost the thread" and took the learner's message back
    events = ActionLessonReply().run(dispatcher, tracker_for("train a cnn", intent="train_vision"), {})
    assert events == [] and "On it! Job #" in texts(dispatcher)


def test_action_lesson_says_the_database_is_down_without_a_stack_trace(lesson_db, dispatcher, monkeypatch):
    def broken():
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))
    monkeypatch.setattr(runtime, "sessions", lambda: broken)
    events = ActionLesson().run(dispatcher, tracker_for("next", intent="lesson_next"), {})
    assert events == [] and texts(dispatcher) == lesson_actions.DB_DOWN


# ---- lesson buttons: curriculum's semantic actions as the payloads the bot's rules expect -------

def _domain():
    return yaml.safe_load((ROOT / "bot" / "domain.yml").read_text())


@pytest.mark.parametrize("button,expected", [
    (Button("Start lesson 1", "start_lesson", "hello-neuron"), '/start_lesson{"lesson": "hello-neuron"}'),
    (Button("Show all lessons", "list_lessons"), "/list_lessons"),
    (Button("Next", "next"), "/lesson_next"),
    (Button("Back to the lesson", "repeat"), "/lesson_repeat"),
    (Button("Skip it", "skip"), "/lesson_skip"),
    (Button("Examples of data", "answer", "b"), '/lesson_answer{"answer": "b"}'),
    (Button("50", "answer", "50"), '/lesson_answer{"answer": "50"}'),
    (Button("10", "answer", "c", "q-output", 2), '/lesson_answer{"answer": "c", "step": "q-output", "try": 2}'),
])
def test_each_button_action_maps_to_the_exact_payload_string_the_bot_reads(button, expected):
    assert payload(button) == expected


def test_every_semantic_button_action_has_a_payload():
    assert set(BUTTON_INTENTS) == set(get_args(ButtonAction))


def test_every_button_intent_is_a_declared_intent_whose_rule_runs_action_lesson():
    lesson_rules = {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in _rules("lesson_rules.yml")
                    if "condition" not in rule}
    domain = _domain()
    for intent, entity in BUTTON_INTENTS.values():
        assert intent in domain["intents"] and lesson_rules[intent] == "action_lesson", intent
        assert entity is None or entity in domain["entities"], entity
    assert {"step", "try"} <= set(domain["entities"])  # what an answer button carries besides its answer


def test_an_answer_button_payload_carries_any_value_as_json():
    sent = payload(Button("Grüße", "answer", 'say "hi"'))
    intent, _, entities = sent.partition("{")
    assert intent == "/lesson_answer" and json.loads("{" + entities) == {"answer": 'say "hi"'}


def test_lesson_buttons_reach_the_chat_as_title_and_payload(lesson_db, dispatcher):
    ActionLesson().run(dispatcher, tracker_for("start lesson 1", intent="start_lesson"), {})
    buttons = [b for m in dispatcher.messages for b in m.get("buttons") or []]
    assert buttons == [{"title": "Next", "payload": "/lesson_next"}]


def test_the_resume_note_for_actions_answer_question_comes_with_the_repeat_payload(lesson_db, dispatcher):
    started = tracker_for("start lesson 1", intent="start_lesson")
    ActionLesson().run(dispatcher, started, {})
    with lesson_db() as session:
        note = runtime.tutoring().resume_note(session, learner_of(session, started))
    assert rasa_buttons(note.buttons) == [{"title": "Back to the lesson", "payload": "/lesson_repeat"}]


# ---- a message while a question is open: the action decides with NLU's intent and confidence ----

def _tracker(text: str, intent: str, confidence: float, understanding: dict | None = None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    if understanding is not None:
        message["understanding"] = understanding
    events = [{"event": "user", "text": text, "parse_data": message, "input_channel": "socketio"}]
    return Tracker("learner-1", {"lesson_asking": True}, message, events, False, None, {}, "action_listen")


@pytest.fixture
def at_the_first_question(lesson_db, dispatcher):
    ActionLesson().run(dispatcher, tracker_for("start lesson 1", intent="start_lesson"), {})
    ActionLesson().run(dispatcher, tracker_for("next", intent="lesson_next"), {})
    dispatcher.messages.clear()
    return dispatcher


def test_action_lesson_reply_hands_a_sure_command_during_a_choice_question_back(at_the_first_question):
    dispatcher = at_the_first_question
    events = ActionLessonReply().run(dispatcher, _tracker("show my models", "show_models", 0.98), {})
    assert events == [] and "You haven't trained anything yet" in texts(dispatcher)


def test_action_lesson_reply_grades_an_unsure_command_as_an_answer(at_the_first_question):
    dispatcher = at_the_first_question
    events = ActionLessonReply().run(dispatcher, _tracker("show my models", "show_models", 0.6), {})
    assert events == [] and "couldn't match" in texts(dispatcher)


def test_action_lesson_reply_grades_a_sure_command_that_names_an_option(at_the_first_question):
    dispatcher = at_the_first_question
    ActionLessonReply().run(dispatcher, _tracker("b", "train_neuron", 0.99), {})
    assert "From data plus answers, the computer infers the rules" in texts(dispatcher)


def test_action_lesson_reply_grades_a_sure_intent_that_is_no_command(at_the_first_question):
    dispatcher = at_the_first_question
    assert "greet" not in COMMANDS
    events = ActionLessonReply().run(dispatcher, _tracker("hello there", "greet", 0.99), {})
    assert events == [] and "couldn't match" in texts(dispatcher)


def test_action_lesson_reply_answers_a_free_question_first_then_asks_again(at_the_first_question, monkeypatch):
    dispatcher = at_the_first_question
    entry = Entry(id="loss", kind="concept", topic="Loss", questions=("what is a loss?",),
                  answer="How wrong the model is.")
    monkeypatch.setattr(runtime, "faq", lambda: SimpleNamespace(entry={"loss": entry}.get))
    # The understanding layer chose an answer for the question: it is answered first.
    decision = {"intent": "faq", "entry_id": "loss", "score": 0.8}
    events = ActionLessonReply().run(dispatcher, _tracker("what is a loss?", "faq", 0.99, decision), {})
    said = texts(dispatcher)
    assert events == [] and said.index("How wrong the model is.") < said.index("Back to the lesson")
    assert "what do you give the computer" in said


# ---- a lesson's training: queued with a job card, continued when the result comes --------------

RUN_FIRST = """
id: run-first
title: Run first
chapters: [1]
minutes: 5
steps:
  - {id: train, type: run, skill: hello_neuron, params: {epochs: 20}, text: "Training now."}
  - {id: after, type: say, text: "The training is done."}
"""


def test_a_lesson_training_is_queued_with_a_job_card_and_its_result_moves_the_lesson_on(
        lesson_db, dispatcher, make_settings, tmp_path, monkeypatch):
    lessons = tmp_path / "run-lessons"
    lessons.mkdir()
    (lessons / "01-run-first.yml").write_text(RUN_FIRST)
    settings = make_settings(lessons_dir=lessons)
    monkeypatch.setattr(runtime, "settings", lambda: settings)
    ActionLesson().run(dispatcher, tracker_for("start lesson 1", intent="start_lesson"), {})
    (card,) = [m["custom"]["data"] for m in dispatcher.messages if m["custom"].get("data", {}).get("type") == "job"]
    assert card["skill"] == "hello_neuron" and card["status"] == "queued"  # the dispatcher checked the contract
    with lesson_db() as session:
        job = repo.get_job(session, card["job_id"])
        repo.set_status(session, job, JobStatus.running)
        repo.set_status(session, job, JobStatus.succeeded, result={"metrics": {"final_loss": 0.01}})
        session.commit()
    dispatcher.messages.clear()
    events = lesson_goes_on(dispatcher, job)
    assert "The training is done." in texts(dispatcher) and events == [SlotSet("lesson_asking", False)]
    assert [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []] == ["/lesson_next"]


# ---- issue 16: one click one try, "show me the answer", FAQ answers that would give it away ----

def _click(payload_text: str) -> Tracker:
    intent, _, raw = payload_text[1:].partition("{")
    entities = [{"entity": k, "value": v} for k, v in json.loads("{" + raw).items()]
    return tracker_for(payload_text, intent=intent, entities=entities)


def test_a_double_clicked_quiz_button_is_one_attempt_and_the_second_click_says_so(at_the_first_question, lesson_db):
    from db.models import QuizAttempt

    dispatcher = at_the_first_question
    ActionLesson().run(dispatcher, tracker_for("next", intent="lesson_repeat"), {})
    (wrong,) = [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or [] if '"a"' in b["payload"]]
    assert wrong == '/lesson_answer{"answer": "a", "step": "q-flip", "try": 1}'
    dispatcher.messages.clear()
    ActionLesson().run(dispatcher, _click(wrong), {})
    ActionLesson().run(dispatcher, _click(wrong), {})
    assert "traditional programming" in texts(dispatcher) and "counted it once" in texts(dispatcher)
    with lesson_db() as session:
        assert [(a.step_id, a.try_number) for a in session.query(QuizAttempt)] == [("q-flip", 1)]


def test_show_me_the_answer_reveals_it_even_when_nlu_is_sure_it_is_another_command(at_the_first_question):
    dispatcher = at_the_first_question
    events = ActionLessonReply().run(dispatcher, _tracker("show me the answer", "show_models", 0.97), {})
    assert events == [] and "The answer is **Examples of data together with the right answers**" in texts(dispatcher)


def test_show_me_the_answer_read_as_a_hint_request_still_reveals_it(at_the_first_question):
    dispatcher = at_the_first_question
    ActionLesson().run(dispatcher, tracker_for("tell me the answer", intent="lesson_hint"), {})
    assert "The answer is **Examples of data" in texts(dispatcher) and "Hint:" not in texts(dispatcher)


def test_an_faq_answer_that_would_give_the_quiz_away_is_not_shown_mid_question(at_the_first_question, monkeypatch):
    dispatcher = at_the_first_question
    entry = Entry(id="ml", kind="concept", topic="ML", questions=("what is machine learning?",),
                  answer="You give it examples of data together with the right answers, and it infers rules.")
    monkeypatch.setattr(runtime, "faq", lambda: SimpleNamespace(entry={"ml": entry}.get))
    decision = {"intent": "faq", "entry_id": "ml", "score": 0.8}
    ActionLessonReply().run(dispatcher, _tracker("what is machine learning?", "faq", 0.99, decision), {})
    said = texts(dispatcher)
    assert "infers rules" not in said and "give this quiz away" in said and "what do you give the computer" in said


def test_every_usual_action_a_lesson_or_handoff_runs_itself_is_an_action_of_the_package():
    from actions.handoff import STALE_USUAL
    from actions.usual import _actions

    names = {n for n in (*NORMAL_ACTIONS.values(), *STALE_USUAL.values()) if not n.startswith("utter_")}
    assert names <= _actions().keys()
