"""action_staff_message: a message from course staff, pushed by the API through Rasa's external
events (EXTERNAL_staff_message with the message's id, api/inbox_push.py), rendered into the
learner's chat on the channel they last used, as a `staff` payload (tutor.payloads.StaffNote)
the widget and Slack show as coming from course staff.

The id only names a row; the action shows it only in the conversation it was sent to, and once.
"""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from db import inbox
from db.models import utcnow
from tutor.payloads import StaffNote, as_json_message

log = logging.getLogger(__name__)
ENTITY = "staff_message"


class ActionStaffMessage(Action):
    def name(self) -> str:
        return "action_staff_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        ids = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == ENTITY]
        try:
            message_id = int(ids[0]) if ids else None
        except (TypeError, ValueError):
            message_id = None
        if message_id is None:
            return []
        try:
            with runtime.sessions()() as session:
                message = inbox.staff_message(session, message_id, tracker.sender_id)
                if message is None or message.shown_at is not None:  # not theirs, or shown already
                    return []
                dispatcher.utter_message(json_message=as_json_message(StaffNote(
                    kind="answer" if message.kind == "answer" else "reply", text=message.text,
                    question=message.question)))
                message.shown_at = utcnow()
                session.commit()
        except SQLAlchemyError:
            log.exception("could not read staff message %s", message_id)
        return []
