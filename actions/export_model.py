"""action_export_model: "export my model", "export job 12 to TFLite with int8", "give me the TF.js
version". Picks the learner's model (the latest, or the one named by job number or skill),
refuses another learner's (as if there were no such job), and queues an `export` job whose result lists every file."""

import re
from typing import Any

from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.my_jobs import DB_DOWN
from actions.queueing import learner_of, queue
from actions.refusals import explain
from jobs import service
from skills import registry
from skills.converters import TFLITE_VARIANTS

FORMATS = {"tflite": r"tf\s?lite|lite\s?rt|android|mobile|phone|ios",
           "tfjs": r"tf\.?js|tensorflow\.?js|javascript|browser|web",
           "serving": r"serving|server|docker|rest api|saved\s?model"}
VARIANTS = {"int8": r"int8|integer|full[- ]integer", "float16": r"float16|fp16|half",
            "dynamic": r"dynamic(?:[- ]range)?", "float32": r"float32|fp32|unquantized"}
# Chat words for exactly the variants the converters make (the names live in skills.converters).
assert set(VARIANTS) == set(TFLITE_VARIANTS), f"VARIANTS needs a pattern for each of {TFLITE_VARIANTS}"
SKILL_WORDS = {"vision": r"vision|cnn|digits?|image", "transfer": r"transfer",
               "sentiment": r"sentiment", "textgen": r"text ?gen\w*|lstm|song|lyrics",
               "timeseries": r"time[- ]?series|forecast\w*", "hello_neuron": r"neuron|hello"}


FORMAT_NAMES = {"tflite": "TFLite", "tfjs": "TF.js", "serving": "TF Serving"}
# What each format's reply will deliver: a reply mentions only the formats it was asked for.
WHAT_COMES = {
    "tflite": "Each TFLite variant is run on your validation data, so you'll see what quantization "
              "costs and saves.",
    "tfjs": "For TF.js you'll get a web page (index.html) that predicts in your browser, and the "
            "whole folder as a zip.",
    "serving": "For TF Serving you'll get the SavedModel as a .tar.gz with a docker + curl script.",
}


def requested(text: str, table: dict[str, str]) -> list[str]:
    return [name for name, pattern in table.items() if re.search(rf"\b(?:{pattern})\b", text, re.I)]


class ActionExportModel(Action):
    def name(self) -> str:
        return "action_export_model"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        number = re.search(r"(?:#|\bjob\s*|\bmodel\s*#?)(\d+)\b", text, re.I)
        skills = requested(text, SKILL_WORDS)
        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                source = service.source_run(session, learner, int(number[1]) if number else None, skills)
                session.commit()
                picked = (source.id, source.skill) if source else None
        except service.NotYourJob:
            # Refused in the words used for a number nobody has: the reply never tells a learner
            # that another learner's job exists.
            picked = None
        except SQLAlchemyError:
            dispatcher.utter_message(text=DB_DOWN)
            return []
        if picked is None or picked[1] not in registry.trainers():
            what = f"a finished training #{number[1]}" if number else "a trained model"
            dispatcher.utter_message(
                text=f"There's nothing to export yet: I can't find {what} of yours. Train one "
                     "first (say \"train a CNN on the digits\"), then ask me to export it.",
                buttons=[{"title": "Train a CNN on the digits", "payload": "train a cnn on the digits"}])
            return []
        job_id, skill = picked
        raw = {"source_job_id": job_id, "source_skill": skill, "model_name": skill}
        if formats := requested(text, FORMATS):
            raw["formats"] = formats
        if variants := requested(text, VARIANTS):
            raw["tflite_variants"] = variants
            raw.setdefault("formats", ["tflite"])
        params_class = registry.get("export").params
        try:
            params = params_class.model_validate(raw)
        except ValidationError as exc:
            dispatcher.utter_message(text=explain(exc, raw, params_class, "export it"))
            return []
        title = registry.get(skill).title
        queue(dispatcher, tracker, "export", params.model_dump(mode="json"),
              f"Exporting your {title} from job #{job_id} to "
              f"{', '.join(FORMAT_NAMES[f] for f in params.formats)}. " + " ".join(
                  WHAT_COMES[f] for f in params.formats))
        return []
