"""Sentence tools from the text chapters: "tokenize: <sentence>" and "is this positive:
<sentence>" (scored by the learner's own sentiment model). Both run as quick worker jobs,
because the worker already has TensorFlow warm and the learner's model files at hand.
The sentence patterns run on RE2 for linear time (see actions/neuron_request.py)."""

from typing import Any

import re2
from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.my_jobs import DB_DOWN
from actions.neuron_request import MAX_CHARS, TOO_LONG
from actions.queueing import learner_of, queue
from actions.refusals import explain
from jobs import service
from skills import registry

QUOTED = re2.compile(r"[\"“'‘](?P<t>.+)[\"”'’]")
AFTER_COLON = re2.compile(r"(?s):\s*(?P<t>.+)$")


def sentence_in(text: str, command: str) -> str | None:
    """The learner's sentence: quoted, after a colon, or whatever follows the command words."""
    for pattern in (QUOTED, AFTER_COLON):
        if match := pattern.search(text):
            return match["t"].strip()
    rest = re2.sub(f"(?i){command}", "", text, count=1).strip(" ?.!")
    return rest or None


def _too_long(dispatcher: CollectingDispatcher, text: str) -> bool:
    if len(text) > MAX_CHARS:
        dispatcher.utter_message(text=TOO_LONG)
        return True
    return False


def _queue_checked(dispatcher, tracker, skill: str, raw: dict, promise: str, what: str) -> None:
    params_class = registry.get(skill).params
    try:
        params = params_class.model_validate(raw)
    except ValidationError as exc:
        dispatcher.utter_message(text=explain(exc, raw, params_class, what))
        return
    queue(dispatcher, tracker, skill, params.model_dump(mode="json"), promise)


class ActionTokenize(Action):
    def name(self) -> str:
        return "action_tokenize"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        if _too_long(dispatcher, text):
            return []
        sentence = sentence_in(text, r"^.*?\btokeni[sz](?:e|ation)(?:\s+(?:of|this|the sentence))?")
        if not sentence:
            dispatcher.utter_message(text="Give me a sentence to tokenize, like: tokenize \"I "
                                          "loved this movie\".")
            return []
        _queue_checked(dispatcher, tracker, "tokenize", {"text": sentence},
                       "Tokenizing it two ways: Keras TextVectorization (words, with an OOV token "
                       "and padding) and a sentencepiece subword model.", "tokenize it")
        return []


class ActionClassifySentiment(Action):
    def name(self) -> str:
        return "action_classify_sentiment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        if _too_long(dispatcher, text):
            return []
        sentence = sentence_in(text, r"^.*?\b(?:positive|negative|sentiment)\b(?:\s+of)?")
        if not sentence:
            dispatcher.utter_message(text="Which sentence? Say it like: is this positive: \"the "
                                          "food was cold\".")
            return []
        try:
            with runtime.sessions()() as session:
                model_job = service.source_run(session, learner_of(session, tracker), skills=["sentiment"])
                session.commit()
                job_id = model_job.id if model_job else None
        except SQLAlchemyError:
            dispatcher.utter_message(text=DB_DOWN)
            return []
        if job_id is None:
            dispatcher.utter_message(
                text="You need your own sentiment model first. Say \"train a sentiment model\" "
                     "(about half a minute), then ask me again.",
                buttons=[{"title": "Train a sentiment model", "payload": "train a sentiment model"}])
            return []
        _queue_checked(dispatcher, tracker, "sentiment_classify",
                       {"source_job_id": job_id, "text": sentence},
                       f"Asking your sentiment model from job #{job_id}.", "score it")
        return []
