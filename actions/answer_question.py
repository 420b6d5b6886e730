"""action_answer_question: a learner's question -> an AMA answer, a concept answer, a polite
decline (off-topic), or "not sure" with the closest topics as buttons (and a note for staff)."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from db import repository as repo
from faq.knowledge import Entry
from tutor.payloads import FaqMeta, as_json_message

log = logging.getLogger(__name__)

NOT_SURE = ("I'm not sure I know that one, so I won't guess. Did you mean one of these? "
            "I've also passed your question to the course staff.")
OFF_TOPIC = ("That's outside what I do, sorry. I'm a machine-learning tutor: ask me about neural "
             "networks, vision, NLP, time series or deploying models, or say \"help\".")


def render(entry: Entry) -> str:
    if entry.kind == "ama":
        return (f"Laurence Moroney answered this in the book's AMA "
                f"(asked by {entry.asker}):\n\n\"{entry.answer}\"")
    text = entry.answer
    if entry.offer:
        text += f"\n\nWant to see it? Say \"{entry.offer}\"."
    return text


def reply(dispatcher: CollectingDispatcher, entry: Entry, score: float | None) -> None:
    buttons = [{"title": entry.offer.capitalize(), "payload": entry.offer}] if entry.offer else []
    dispatcher.utter_message(text=render(entry), buttons=buttons)
    dispatcher.utter_message(json_message=as_json_message(FaqMeta(
        faq_id=entry.id, kind=entry.kind, topic=entry.topic,
        score=None if score is None else round(score, 4))))


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        brain = runtime.faq()
        picked = next((e.get("value") for e in tracker.latest_message.get("entities", [])
                       if e.get("entity") == "faq_id"), None)
        if picked and (entry := brain.entry(str(picked))):  # a "did you mean" button
            reply(dispatcher, entry, None)
            self._back_to_lesson(dispatcher, tracker)
            return []

        text = tracker.latest_message.get("text") or ""
        off_topic = (tracker.latest_message.get("intent") or {}).get("name") == "out_of_scope"
        answer, closest = brain.ask(text)
        # Two signals must agree before the author is quoted: a request Rasa calls off-topic
        # ("recommend a sci-fi novel") can sit close to an AMA answer ("books I recommend").
        if answer and not (off_topic and answer.entry.kind == "ama"):
            reply(dispatcher, answer.entry, answer.score)
        elif off_topic:
            dispatcher.utter_message(text=OFF_TOPIC)
        else:
            dispatcher.utter_message(text=NOT_SURE, buttons=[
                {"title": m.entry.topic, "payload": f'/faq{{"faq_id":"{m.entry.id}"}}'} for m in closest])
            self._remember(tracker, text, closest[0])
        self._back_to_lesson(dispatcher, tracker)
        return []

    @staticmethod
    def _back_to_lesson(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """A question in the middle of a lesson: offer the way back into it."""
        try:
            with runtime.sessions()() as session:
                learner = repo.get_or_create_learner(
                    session, tracker.get_latest_input_channel() or "unknown", tracker.sender_id)
                note = runtime.tutoring().resume_note(session, learner)
                session.commit()
        except SQLAlchemyError:
            log.exception("could not look up the learner's lesson")
            return
        if note is not None:
            from actions.lessons import rasa_buttons  # lessons imports this module

            dispatcher.utter_message(text=note.text, buttons=rasa_buttons(note.buttons))

    @staticmethod
    def _remember(tracker: Tracker, text: str, best) -> None:
        """Keep the question for staff; a database hiccup must not cost the learner a reply."""
        try:
            with runtime.sessions()() as session:
                learner = repo.get_or_create_learner(
                    session, tracker.get_latest_input_channel() or "unknown", tracker.sender_id)
                repo.record_unanswered(session, learner, tracker.sender_id, text,
                                       best.entry.id, best.score)
                session.commit()
        except SQLAlchemyError:
            log.exception("could not store an unanswered question")
