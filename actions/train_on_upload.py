"""action_train_on_upload: "train on my data", "forecast my upload", "use the flowers zip", or the
attach button's `/train_on_upload{"upload": "<public id>"}`.

Finds the learner's own upload (by id, by a word of its name, by kind, else the newest), shows the
summary of what was read, picks the skill by kind (images: vision, or transfer when asked), and
queues it with the skill's defaults and `upload_dir` (docs/decisions.md, D34). Someone else's id
gets the same words as a missing one.
"""

import logging
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.queueing import QUEUE_DOWN, learner_of, queue
from actions.refusals import explain
from db import uploads as store
from db.models import Upload
from skills import registry
from uploads import contract
from uploads.normalised import UploadRefused
from uploads.series import choose_column

log = logging.getLogger(__name__)

NOT_FOUND = ("I can't find that upload. Attach a file (the paperclip in the chat box, or share it "
             "with me in Slack), then ask me to train on it.")
NO_UPLOADS = ("You haven't uploaded any data yet. Attach a CSV or TSV time series, labelled texts "
              "(CSV, TSV or JSON lines), or a ZIP of images in one folder per class, and I'll train on it.")
NOT_READY = ("I can read your {what}, but the {skill} model can't train on uploads yet. "
             "Nothing was started.")
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "series": ("forecast", "series", "csv", "tsv", "column"),
    "images": ("image", "images", "zip", "photo", "photos", "picture", "pictures", "classes"),
    "text": ("text", "texts", "reviews", "sentiment", "sentences", "labels", "jsonl"),
}
WHAT = {"series": "time series", "images": "images", "text": "labelled texts"}
ID_VALUE = re.compile(r"^([0-9a-f]{32})(?::(\d{1,3}))?$")  # "<public id>" or "<public id>:<column>"


def requested(tracker: Tracker) -> tuple[str | None, int | None]:
    """The upload id (and a picked column number) the attach button or a column button sent."""
    value = next((e.get("value") for e in tracker.latest_message.get("entities") or []
                  if e.get("entity") == "upload"), None)
    found = ID_VALUE.match(str(value)) if value is not None else None
    if value is not None and not found:
        return "", None  # a malformed id finds nothing, like someone else's
    return (found.group(1), int(found.group(2)) if found.group(2) else None) if found else (None, None)


def by_words(uploads: list[Upload], text: str) -> Upload | None:
    """The upload a sentence means: a word of its file name ("the flowers zip"), else its kind
    ("forecast my upload"), else the newest."""
    words = set(re.findall(r"[a-z0-9]+", text.lower()))
    for upload in uploads:
        stem = set(re.findall(r"[a-z0-9]+", Path(upload.name).stem.lower())) - {"my", "data", "the", "upload"}
        if stem & words:
            return upload
    for upload in uploads:
        if words & set(KIND_WORDS.get(upload.kind, ())):
            return upload
    return uploads[0] if uploads else None


def skill_for(kind: str, text: str) -> str:
    if kind == "images" and "transfer" in text.lower():
        return "transfer"
    return contract.SKILL_FOR_KIND[kind]  # type: ignore[index]


class ActionTrainOnUpload(Action):
    def name(self) -> str:
        return "action_train_on_upload"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        public_id, column = requested(tracker)
        settings = runtime.settings()
        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                if public_id is not None:
                    upload = store.find_upload(session, learner.id, public_id) if public_id else None
                    if upload is None:
                        dispatcher.utter_message(text=NOT_FOUND)
                        session.commit()
                        return []
                else:
                    upload = by_words(store.learner_uploads(session, learner.id), text)
                    if upload is None:
                        dispatcher.utter_message(text=NO_UPLOADS)
                        session.commit()
                        return []
                folder = settings.var_dir / upload.folder
                if upload.choices and column is not None and column < len(upload.choices):
                    picked = choose_column(folder, upload.choices[column])
                    upload.meta, upload.summary, upload.choices = picked.meta, picked.summary, []
                if upload.choices:
                    self._ask_column(dispatcher, upload)
                    session.commit()
                    return []
                name, kind, summary = upload.name, upload.kind, upload.summary
                session.commit()
        except UploadRefused as refusal:
            dispatcher.utter_message(text=str(refusal))
            return []
        except SQLAlchemyError:
            log.exception("could not read the learner's uploads")
            dispatcher.utter_message(text=QUEUE_DOWN)
            return []
        self._train(dispatcher, tracker, name, kind, summary, str(folder), text)
        return []

    @staticmethod
    def _ask_column(dispatcher: CollectingDispatcher, upload: Upload) -> None:
        buttons = [{"title": name[:60], "payload": f'/train_on_upload{{"upload": "{upload.public_id}:{n}"}}'}
                   for n, name in enumerate(upload.choices[:20])]
        dispatcher.utter_message(text=f"I read {upload.name}: {upload.summary}", buttons=buttons)

    @staticmethod
    def _train(dispatcher: CollectingDispatcher, tracker: Tracker, name: str, kind: str,
               summary: str, folder: str, text: str) -> None:
        skill = skill_for(kind, text)
        spec = registry.get(skill)
        dispatcher.utter_message(text=f"Here's what I read in {name}: {summary}")
        if contract.UPLOAD_DIR_PARAM not in spec.params.model_fields:
            dispatcher.utter_message(text=NOT_READY.format(what=WHAT[kind], skill=spec.title))
            return
        raw = {contract.UPLOAD_DIR_PARAM: folder}
        try:
            params = spec.params.model_validate(raw)
        except ValidationError as exc:
            dispatcher.utter_message(text=explain(exc, raw, spec.params))
            return
        promise = f"the {spec.title} on your {WHAT[kind]} from {name}. I'll send progress, then the results."
        if kind == "images" and skill == "vision":
            promise += " Say \"use transfer learning on my upload\" to try a pretrained feature extractor instead."
        queue(dispatcher, tracker, skill, params.model_dump(mode="json"), promise)
