"""action_answer_question: a learner's question -> an AMA answer, a concept answer, a polite
decline (off-topic), or "not sure" with the closest topics as buttons (and a note for staff).

Which of these it is was decided by the understanding layer in Rasa's NLU pipeline
(actions/understood.py reads it back); this action only renders it.
"""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.followups import same_tool_again
from actions.queueing import learner_of
from actions.understood import decision
from db import repository as repo
from faq.knowledge import Entry
from tutor.payloads import FaqMeta, as_json_message

log = logging.getLogger(__name__)

NOT_SURE = ("I'm not sure I know that one, so I won't guess. Did you mean one of these? "
            "I've also passed your question to the course staff.")
OFF_TOPIC = ("That's outside what I do, sorry. I'm a machine-learning tutor: ask me about neural "
             "networks, vision, NLP, time series or deploying models, paste an error you got, "
             "or say \"help\" to see what I can run for you.")
NOT_ENGLISH = ("Sorry, I only understand English for now. Ask me in English about neural networks, "
               "vision, NLP, time series or deploying models, or start with one of these:")
STARTERS = [{"title": "What can you do?", "payload": "/help"},
            {"title": "Train a neuron on y = 2x - 1", "payload": "/train_neuron"},
            {"title": "Show the lessons", "payload": "/list_lessons"}]
EXPLAIN_OR_DO = "Or did you want me to run it? Say \"{offer}\", or click:"


def render(entry: Entry) -> str:
    if entry.kind == "ama" and entry.asker is None:  # an aside to everybody, asked by no one
        return f"Laurence Moroney said this to everyone in the book's AMA:\n\n\"{entry.answer}\""
    if entry.kind == "ama":
        return (f"Laurence Moroney answered this in the book's AMA "
                f"(asked by {entry.asker}):\n\n\"{entry.answer}\"")
    text = entry.answer if entry.written_by != "staff" else f"The course staff answered this one:\n\n{entry.answer}"
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
        again = same_tool_again(dispatcher, tracker, domain)  # "and this one: ..." after a classification
        if again is not None:
            return again
        kb = runtime.faq()
        found = decision(tracker)
        picked = next((e.get("value") for e in tracker.latest_message.get("entities", [])
                       if e.get("entity") == "faq_id"), None)
        entry = kb.entry(str(found.entry_id or picked)) if (found.entry_id or picked) else None
        text = tracker.latest_message.get("text") or ""
        if entry is not None and found.alternative and entry.offer:
            # "Explain X" and "do X" were both close: the explanation, and the run one click away.
            dispatcher.utter_message(text=render(entry).rsplit("\n\nWant to see it?", 1)[0])
            dispatcher.utter_message(text=EXPLAIN_OR_DO.format(offer=entry.offer), buttons=[
                {"title": f"Run it: {entry.offer}", "payload": entry.offer}])
            dispatcher.utter_message(json_message=as_json_message(FaqMeta(
                faq_id=entry.id, kind=entry.kind, topic=entry.topic, score=round(found.score, 4))))
        elif entry is not None:
            reply(dispatcher, entry, found.score if found.entry_id else None)
        elif found.language == "other":  # not English: said in English, no staff-queue row
            dispatcher.utter_message(text=NOT_ENGLISH, buttons=STARTERS)
        elif found.intent == "out_of_scope":
            dispatcher.utter_message(text=OFF_TOPIC)  # declined: nothing for the staff queue
        else:
            closest = [e for e in (kb.entry(i) for i, _ in found.closest) if e is not None]
            dispatcher.utter_message(text=NOT_SURE, buttons=[
                {"title": e.topic, "payload": f'/faq{{"faq_id":"{e.id}"}}'} for e in closest])
            self._remember(tracker, text, found.closest[0] if found.closest else None)
        self._back_to_lesson(dispatcher, tracker)
        return []

    @staticmethod
    def _back_to_lesson(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """A question in the middle of a lesson: offer the way back into it."""
        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                note = runtime.tutoring().resume_note(session, learner)
                session.commit()
        except SQLAlchemyError:
            log.exception("could not look up the learner's lesson")
            return
        if note is not None:
            from actions.lessons import rasa_buttons  # lessons imports this module

            dispatcher.utter_message(text=note.text, buttons=rasa_buttons(note.buttons))

    @staticmethod
    def _remember(tracker: Tracker, text: str, best: tuple[str, float] | None) -> None:
        """Keep the question for staff; a database hiccup must not cost the learner a reply."""
        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                repo.record_unanswered(session, learner, tracker.sender_id, text,
                                       best[0] if best else None, best[1] if best else None)
                session.commit()
        except SQLAlchemyError:
            log.exception("could not store an unanswered question")
