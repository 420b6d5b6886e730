"""Lesson chat: thin translation between Rasa and curriculum.tutoring.

`action_lesson` runs the lesson commands (list, start, next, repeat, skip, hint, where was I,
quit, a clicked answer, how am I doing). `action_lesson_reply` gets every other message while a
question is open (bot/data/lesson_rules.yml routes them on the `lesson_asking` slot): typed
answers, free questions (answered, then the question again) and commands (handed back to the
action their intent normally runs). The slot only routes; the database holds the truth.
action_lesson and the job-result action set the slot from it after every turn; action_lesson_reply
leaves it (see the comment there), so it can be one message stale, which costs one hop.

Rasa lives here, not in curriculum: lesson buttons say what a click means (curriculum.replies.Button)
and `payload` writes the intent payload Rasa reads without NLU, and the intents that make a
message a command rather than an answer are ours to know (`COMMANDS`).
"""

import json
import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions import runtime
from actions.answer_question import reply as faq_reply
from actions.catalogue import CATALOGUE
from actions.followups import previous_intent
from actions.queueing import learner_of
from actions.understood import answer
from actions.usual import run_usual
from curriculum.engine import asks_for_answer
from curriculum.replies import Button, ButtonAction, Reply
from curriculum.tutoring import Tutoring
from db.models import Learner
from tutor.payloads import as_json_message

log = logging.getLogger(__name__)

SLOT = "lesson_asking"
DB_DOWN = ("Sorry, I couldn't reach my progress database just now, so nothing in your lesson "
           "changed. Please try again in a minute.")

# What each intent runs outside a lesson question (bot/data/rules.yml; a test keeps them equal).
# Every skill intent of the catalogue runs action_train_skill, so a new skill needs no entry here.
NORMAL_ACTIONS = {
    "greet": "utter_greet", "goodbye": "utter_goodbye", "help": "action_help",
    "train_neuron": "action_train_neuron", **dict.fromkeys(CATALOGUE, "action_train_skill"),
    "tokenize_text": "action_tokenize", "classify_sentiment": "action_classify_sentiment",
    "cancel_job": "action_cancel_job", "show_models": "action_show_models",
    "export_model": "action_export_model", "rerun_last": "action_train_skill",
    "ask_my_run": "action_my_run", "faq": "action_answer_question",
    "out_of_scope": "action_answer_question", "nlu_fallback": "action_answer_question",
}


# A click sends its intent (with its entity), so it never depends on NLU: bot/data/lesson_rules.yml
# routes each intent to action_lesson, bot/domain.yml declares the entities.
BUTTON_INTENTS: dict[ButtonAction, tuple[str, str | None]] = {
    "start_lesson": ("start_lesson", "lesson"),
    "list_lessons": ("list_lessons", None),
    "next": ("lesson_next", None),
    "repeat": ("lesson_repeat", None),
    "skip": ("lesson_skip", None),
    "answer": ("lesson_answer", "answer"),
}

# Intents NLU may give a typed answer ("y = 2x - 1" reads like train_neuron). A message that
# curriculum says may be a command (Tutoring.may_be_command) is one when NLU is this sure of one.
COMMANDS = {"train_neuron", *CATALOGUE, "tokenize_text", "classify_sentiment", "cancel_job", "show_models",
            "export_model", "rerun_last", "help", "goodbye"}
SURE = 0.9


def payload(button: Button) -> str:
    """The Rasa payload of a lesson button: `/intent` or `/intent{"entity": value}`; an answer
    button also carries its question and try (`{"answer": "b", "step": "q1", "try": 1}`), so a
    repeated click is taken once."""
    intent, entity = BUTTON_INTENTS[button.action]
    if entity is None:
        return f"/{intent}"
    entities: dict[str, Any] = {entity: button.value}
    if button.step is not None:
        entities["step"] = button.step
    if button.attempt is not None:
        entities["try"] = button.attempt
    return f"/{intent}" + json.dumps(entities, ensure_ascii=False)


def rasa_buttons(buttons: list[Button]) -> list[dict[str, str]]:
    return [{"title": button.title, "payload": payload(button)} for button in buttons]


def sure_command(intent: dict[str, Any]) -> bool:
    """NLU is sure the message is a command that is not a lesson's (see COMMANDS)."""
    return intent.get("name") in COMMANDS and float(intent.get("confidence") or 0) >= SURE


def _entity(tracker: Tracker, name: str) -> str | None:
    return next((str(e.get("value")) for e in tracker.latest_message.get("entities", [])
                 if e.get("entity") == name and e.get("value") is not None), None)


def _try_entity(tracker: Tracker) -> int | None:
    """The try a clicked answer was for; a payload typed by hand with a bad one is just a typed answer."""
    value = _entity(tracker, "try")
    return int(value) if value is not None and value.isdigit() and len(value) <= 3 else None


def render(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    for message in reply.messages:
        extra = {"json_message": as_json_message(message.data)} if message.data else {}
        if message.text or message.buttons or message.image:
            dispatcher.utter_message(text=message.text, buttons=rasa_buttons(message.buttons) or None,
                                     image=message.image, **extra)
        elif extra:
            dispatcher.utter_message(**extra)


class ActionLesson(Action):
    def name(self) -> str:
        return "action_lesson"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        tutoring = runtime.tutoring()
        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                if intent == "start_lesson":
                    reply = tutoring.start(session, learner, tracker.sender_id, text,
                                           _entity(tracker, "lesson"))
                elif intent == "list_lessons":
                    reply = tutoring.list_lessons(session, learner)
                elif intent == "lesson_progress":
                    reply = tutoring.progress(session, learner)
                elif intent == "lesson_quit":
                    reply = tutoring.quit(session, learner)
                elif intent == "lesson_where":
                    reply = tutoring.where(session, learner)
                elif intent == "lesson_answer":
                    reply = tutoring.answer(session, learner, _entity(tracker, "answer") or text,
                                            _entity(tracker, "step"), _try_entity(tracker))
                elif asks_for_answer(text):  # "show me the answer", whatever intent NLU read
                    reply = tutoring.reveal(session, learner)
                elif tutoring.answers_open_question(session, learner, text):
                    reply = tutoring.answer(session, learner, text)  # "ok" can be an option's text
                else:
                    reply = {"lesson_next": tutoring.next, "lesson_repeat": tutoring.repeat,
                             "lesson_skip": tutoring.skip, "lesson_hint": tutoring.hint,
                             }.get(intent, tutoring.repeat)(session, learner)
                reply.asking = tutoring.asking(session, learner)
                session.commit()
        except SQLAlchemyError:
            log.exception("lesson turn failed (%s)", intent)
            dispatcher.utter_message(text=DB_DOWN)
            return []
        render(dispatcher, reply)
        return [SlotSet(SLOT, reply.asking)]


def start_lesson_from_list(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """Right after the lesson list, "let's do the computer vision one" picks a lesson, whatever
    command its words resemble (here: a CNN training). None: not that, run the usual action."""
    if previous_intent(tracker) != "list_lessons":
        return None
    from curriculum.lookup import find_lesson

    tutoring = runtime.tutoring()
    text = tracker.latest_message.get("text") or ""
    lesson = find_lesson(tutoring.library.ordered(), text)
    if lesson is None:
        return None
    try:
        with runtime.sessions()() as session:
            learner = learner_of(session, tracker)
            reply = tutoring.start(session, learner, tracker.sender_id, text, lesson.id)
            reply.asking = tutoring.asking(session, learner)
            session.commit()
    except SQLAlchemyError:
        log.exception("lesson start after the list failed")
        dispatcher.utter_message(text=DB_DOWN)
        return []
    render(dispatcher, reply)
    return [SlotSet(SLOT, reply.asking)]


class ActionLessonReply(Action):
    """A message while a lesson question is open."""

    def name(self) -> str:
        return "action_lesson_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = tracker.latest_message.get("intent") or {}
        text = tracker.latest_message.get("text") or ""
        tutoring = runtime.tutoring()
        understood = answer(tracker)  # the entry the understanding layer chose for this text

        def faq_answer(question: str):
            return understood if question == text else None

        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                reply, faq = _reply_while_asking(tutoring, session, learner, text, intent, faq_answer)
                session.commit()
        except SQLAlchemyError:
            log.exception("lesson reply failed")
            dispatcher.utter_message(text=DB_DOWN)
            return []
        if reply is None:  # not an answer: run what the message asked for, here and now
            return run_usual(NORMAL_ACTIONS.get(intent.get("name") or "", "action_answer_question"),
                             dispatcher, tracker, domain)
        if faq is not None:
            faq_reply(dispatcher, faq.entry, faq.score)
        render(dispatcher, reply)
        # The slot is left as it is, even when this answer closed the question: the rule that
        # brought us here must still match after this action, so Rasa listens next. A stale
        # slot costs one hop: the next message comes here, finds no question and runs its usual
        # action (run_usual).
        return []


def _reply_while_asking(tutoring: Tutoring, session: Session, learner: Learner, text: str,
                        intent: dict[str, Any], faq_answer: Callable[[str], Any]) -> tuple[Reply | None, Any]:
    """(lesson reply, FAQ answer to show first) for a message while a question is open; a None
    reply hands the message to its intent's usual action. A free question the FAQ brain can
    answer comes first; then a command, when NLU is sure of one and curriculum says the text may
    be one (it is no accepted answer, nor a parameter pick); else the message is graded."""
    if not tutoring.asking(session, learner):
        return None, None
    free = tutoring.free_question(session, learner, text, faq_answer, lambda found: found.entry.answer)
    if free is not None:
        return free
    if sure_command(intent) and tutoring.may_be_command(session, learner, text):
        return None, None
    return tutoring.answer(session, learner, text), None
