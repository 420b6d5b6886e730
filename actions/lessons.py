"""Lesson chat: thin translation between Rasa and curriculum.tutoring.

`action_lesson` runs the lesson commands (list, start, next, repeat, skip, hint, where was I,
quit, a clicked answer, how am I doing). `action_lesson_reply` gets every other message while a
question is open (bot/data/lesson_rules.yml routes them on the `lesson_asking` slot): typed
answers, free questions (answered, then the question again) and commands (handed back to the
action their intent normally runs). The slot only routes; the database holds the truth.
action_lesson and the job-result action set the slot from it after every turn; action_lesson_reply
leaves it (see the comment there), so it can be one message stale, which costs one hop.
"""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.answer_question import reply as faq_reply
from actions.queueing import learner_of
from curriculum.tutoring import Reply

log = logging.getLogger(__name__)

SLOT = "lesson_asking"
DB_DOWN = ("Sorry, I couldn't reach my progress database just now, so nothing in your lesson "
           "changed. Please try again in a minute.")

# What each intent runs outside a lesson question (bot/data/rules.yml; a test keeps them equal).
NORMAL_ACTIONS = {
    "greet": "utter_greet", "goodbye": "utter_goodbye", "help": "utter_help",
    "train_neuron": "action_train_neuron", "train_vision": "action_train_skill",
    "train_transfer": "action_train_skill", "train_sentiment": "action_train_skill",
    "train_textgen": "action_train_skill", "train_timeseries": "action_train_skill",
    "tokenize_text": "action_tokenize", "classify_sentiment": "action_classify_sentiment",
    "cancel_job": "action_cancel_job", "show_models": "action_show_models",
    "export_model": "action_export_model", "faq": "action_answer_question",
    "out_of_scope": "action_answer_question", "nlu_fallback": "action_answer_question",
}


def _entity(tracker: Tracker, name: str) -> str | None:
    return next((str(e.get("value")) for e in tracker.latest_message.get("entities", [])
                 if e.get("entity") == name and e.get("value") is not None), None)


def render(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    for message in reply.messages:
        extra = {"json_message": {"data": message.data}} if message.data else {}
        if message.text or message.buttons or message.image:
            dispatcher.utter_message(text=message.text, buttons=message.buttons or None,
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
                    reply = tutoring.answer(session, learner, _entity(tracker, "answer") or text)
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


class ActionLessonReply(Action):
    """A message while a lesson question is open."""

    def name(self) -> str:
        return "action_lesson_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = tracker.latest_message.get("intent") or {}
        text = tracker.latest_message.get("text") or ""
        tutoring = runtime.tutoring()
        off_topic = intent.get("name") == "out_of_scope"

        def faq_answer(question: str):
            found, _ = runtime.faq().ask(question)
            return None if found is None or (off_topic and found.entry.kind == "ama") else found

        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                reply, faq = tutoring.reply_while_asking(
                    session, learner, text, intent.get("name") or "", float(intent.get("confidence") or 0),
                    faq_answer)
                asking = tutoring.asking(session, learner)
                session.commit()
        except SQLAlchemyError:
            log.exception("lesson reply failed")
            dispatcher.utter_message(text=DB_DOWN)
            return []
        if reply is None:  # not an answer: run what the message asked for
            normal = NORMAL_ACTIONS.get(intent.get("name") or "", "action_answer_question")
            return [SlotSet(SLOT, asking), FollowupAction(normal)]
        if faq is not None:
            faq_reply(dispatcher, faq.entry, faq.score)
        render(dispatcher, reply)
        # The slot is left as it is, even when this answer closed the question: the rule that
        # brought us here must still match after this action, so Rasa listens next. A stale
        # slot costs one hop: the next message comes here, finds no question and hands it on.
        return []
