"""action_forget_me: "forget me" / "delete my data". The first ask says what would be deleted and
offers a button; only the click (`/forget_me{"confirm": "yes"}`) deletes. The learner is the one
the channel names (actions/queueing.learner_of), never anyone a message claims.

What goes: every row of the learner (db/forget.py: jobs, results, artifacts, lesson progress, quiz
attempts, questions for staff, uploads ...), the job folders on disk and the upload folders.
Staff reports read learners from the database, so a forgotten learner is simply not there.
The conversation goes too: the reply ends with a `Restarted` event marked FORGET, on whose save
Rasa's tracker store (bot/tracker_store.py) deletes the conversation's stored events in SQL and in
its memory, keeping only what follows the mark; the restart also clears every slot.
"""

import logging
import shutil
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.my_jobs import DB_DOWN
from actions.queueing import learner_of
from db import forget
from db.models import Job
from jobs import artifacts

log = logging.getLogger(__name__)

FORGET = "tutor_forget_conversation"  # bot/tracker_store.FORGET (Rasa's venv; not importable here)
# The conversation so far is deleted on save, the slots cleared; then Rasa listens.
FORGET_CONVERSATION = [{"event": "restart", "timestamp": None, "metadata": {FORGET: True}},
                       {"event": "followup", "timestamp": None, "name": "action_listen"}]

ASK = ("This deletes everything I keep about you: your trainings and their results, every "
       "download and plot, your lesson progress and quiz answers, questions you left for course "
       "staff and any files you uploaded. It can't be undone. Delete it all?")
CONFIRM = [{"title": "Yes, delete everything", "payload": '/forget_me{"confirm": "yes"}'},
           {"title": "No, keep my data", "payload": "/greet"}]
# Table -> how the reply names its rows.
NAMES = {"jobs": "trainings and exports", "artifacts": "downloadable files", "lesson_progress": "lesson records",
         "quiz_attempts": "quiz answers", "unanswered_questions": "questions for staff", "uploads": "uploads"}


def _confirmed(tracker: Tracker) -> bool:
    return any(e.get("entity") == "confirm" and str(e.get("value")).lower() == "yes"
               for e in tracker.latest_message.get("entities", []))


def _remove(folder: Path, root: Path) -> None:
    """A folder the rows named, removed only inside Tutor's own folder."""
    folder = folder.resolve()
    if root.resolve() in folder.parents and folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


class ActionForgetMe(Action):
    def name(self) -> str:
        return "action_forget_me"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        if not _confirmed(tracker):
            dispatcher.utter_message(text=ASK, buttons=CONFIRM)
            return []
        settings = runtime.settings()
        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                jobs = list(session.scalars(select(Job.public_id).where(Job.learner_id == learner.id)))
                folders = [str(f) for f in _upload_folders(session, learner.id)]
                deleted = forget.forget(session, learner)
                session.commit()
        except SQLAlchemyError:
            log.exception("could not forget a learner")
            dispatcher.utter_message(text=DB_DOWN + " Nothing was deleted.")
            return []
        for public_id in jobs:
            _remove(artifacts.job_dir(settings, public_id), settings.var_dir)
        for folder in folders:
            _remove(settings.var_dir / folder, settings.var_dir)
        said = [f"{n} {NAMES.get(t, t.replace('_', ' '))}" for t, n in deleted.items() if t != "learners"]
        dispatcher.utter_message(
            text="Done: I deleted " + (", ".join(said) if said else "your learner record (there was nothing else)")
                 + ", the files on disk that went with them, and this conversation. If you talk to me again, "
                   "you start as a new learner.")
        return FORGET_CONVERSATION


def _upload_folders(session, learner_id: int) -> list[str]:
    """The upload rows' folders (relative to var_dir), where an uploads table exists."""
    table = forget.Base.metadata.tables.get("uploads")
    if table is None or "folder" not in table.c:
        return []
    return list(session.scalars(select(table.c.folder).where(table.c.learner_id == learner_id)))
