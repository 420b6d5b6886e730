"""action_run_my_code: "run my model" -> the pasted layer list, built from a whitelist, queued as a
custom_model job beside the book's model on the same data.

The code is this message's, or the learner's last paste in this conversation. It is parsed, never
run; what reaches the worker is the JSON layer spec usercode.build made (and re-checks there).
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
from actions.review_code import pasted_code
from skills import custom_model
from uploads import contract
from usercode.build import DIGIT_CLASSES, BuildRefused, build, describe
from usercode.extract import FENCE, CodeRefused, sketch
from usercode.review import review

ASK_FOR_CODE = ("Paste the Keras code of your model (a Sequential([...]) list or model.add(...) calls, with "
                "compile and fit) and say \"run my model\": I'll build it without running your code and train it "
                "on my bundled data next to the book's model.")
ASK_FOR_UPLOAD_CODE = ("To train the book's model on your upload instead, say \"train on my upload\".")
EPOCHS = re.compile(r"\b(\d{1,7})\s*epochs?\b", re.I)
ON_UPLOAD = re.compile(r"\bupload(?:ed|s)?\b|\bmy\s+(?:own\s+)?(?:data|dataset|images|pictures|photos|zip)\b", re.I)
NO_IMAGE_UPLOAD = ("I have no images of yours to train on. Attach a ZIP with one folder of images per class "
                   "(the paperclip, or share it with me in Slack), then say \"run my model on my upload\".")
UPLOAD_UNREADABLE = "I couldn't read your upload just now. Upload it again, then ask me again. Nothing was started."
log = logging.getLogger(__name__)
DATA_WORDS = {"digits": "the digits (resized to your input)", "reviews": "the review sentences",
              "series": "the synthetic time series"}


def own_words(message: str, code: str) -> str:
    """The learner's words around their code."""
    return FENCE.sub(" ", message).replace(code, " ")


def asked_epochs(message: str, code: str) -> int | None:
    """"run my model for 3 epochs": a number of epochs in the learner's words, not in their code."""
    match = EPOCHS.search(own_words(message, code))
    return int(match.group(1)) if match else None


def newest_image_upload(tracker: Tracker) -> Path | None:
    """The learner's most recent image upload folder (uploads/contract.py layout), or None. Only
    their own folder is looked in; the worker checks the path again (D35)."""
    with runtime.sessions()() as session:
        public_id = learner_of(session, tracker).public_id
        session.commit()
    root = contract.uploads_root(runtime.settings().var_dir) / public_id
    if not root.is_dir():
        return None
    folders = [d for d in root.iterdir()
               if (d / contract.IMAGES_DIR).is_dir() and (d / contract.META_FILE).is_file()]
    return max(folders, key=lambda d: d.stat().st_mtime, default=None)


class ActionRunMyCode(Action):
    def name(self) -> str:
        return "action_run_my_code"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        latest = tracker.latest_message.get("text") or ""
        try:
            found = pasted_code(tracker)
            if found is None:
                upload = " " + ASK_FOR_UPLOAD_CODE if ON_UPLOAD.search(latest) else ""
                dispatcher.utter_message(text=ASK_FOR_CODE + upload)
                return []
            code, _ = found
            read = sketch(code)
            upload, classes = None, DIGIT_CLASSES
            if ON_UPLOAD.search(own_words(latest, code)):
                upload = newest_image_upload(tracker)
                if upload is None:
                    dispatcher.utter_message(text=NO_IMAGE_UPLOAD)
                    return []
                classes = len(contract.read_meta(upload)["classes"])
            built = build(read, epochs=asked_epochs(latest, code), image_classes=classes)
            if upload is not None:
                if built.spec["data"] != "digits":
                    raise BuildRefused("Your model doesn't take images, and I run your own model on uploaded "
                                       "images only; for a series or texts say \"forecast my upload\" or \"train "
                                       "a sentiment model on my upload\".")
                built.spec["upload_dir"] = str(upload)
            params = custom_model.Params.model_validate(built.spec)
        except (CodeRefused, BuildRefused) as refused:
            dispatcher.utter_message(text=f"{refused} Nothing was started.")
            return []
        except ValidationError as invalid:  # check_spec agrees with build(); kept for a clear word
            reason = invalid.errors()[0].get("msg", "").removeprefix("Value error, ")
            dispatcher.utter_message(text=f"{reason} Nothing was started.")
            return []
        except SQLAlchemyError:
            log.exception("could not read the learner for an upload")
            dispatcher.utter_message(text=QUEUE_DOWN)
            return []
        except (OSError, ValueError, KeyError):  # an upload folder whose meta.json can't be read
            log.exception("could not read the learner's upload")
            dispatcher.utter_message(text=UPLOAD_UNREADABLE)
            return []
        findings = review(read, latest)
        data = (f"your uploaded images ({params.classes} classes)" if params.upload_dir
                else DATA_WORDS[params.data])
        promise = (f"I built your model ({describe(built.spec, built.params)}) from your code without running it. "
                   f"I'll train it on {data} for {params.epochs} epochs, then the book's model "
                   "on the same data, and show both.")
        if built.notes:
            promise += " Note: " + "; ".join(built.notes) + "."
        if findings:
            promise += (f" My review found {len(findings)} thing{'s' if len(findings) > 1 else ''} to fix (say "
                        "\"review my code\" to see them), so watch how it does against the book's.")
        queue(dispatcher, tracker, custom_model.NAME, params.model_dump(mode="json"), promise)
        return []
