"""A person when the learner asks: action_handoff_open and action_handoff_end.

"Can I talk to a human?" opens a handoff with the recent transcript for the staff page; Tutor
says whether anyone from the staff is there (someone had the staff page open in the last ten
minutes, db.inbox.STAFF_AWAY_AFTER) and keeps the request either way. While it is open,
bot/data/handoff.yml sends the learner's questions and chat here too: they join the thread, and
Tutor says once that staff will reply. Commands still run. "Back to Tutor" closes it
(docs/decisions.md, D38). Staff replies arrive through actions/staff_message.py.
"""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.followups import external
from actions.queueing import learner_of
from actions.usual import run_usual
from db import inbox
from db.models import utcnow

log = logging.getLogger(__name__)
SLOT = "handoff_open"
TRANSCRIPT_TURNS = 20  # the last messages (learner's and Tutor's) staff see with the request
TRANSCRIPT_CHARS = 2000  # each, as the input guard bounds a learner's message

OPENED = ("I've asked the course staff to join. Someone will reply here, in this chat; until then "
          "I'll pass on what you write. Say \"back to Tutor\" whenever you want me back.")
NOBODY = ("Nobody from the course staff is around right now, but I've kept your request with our "
          "conversation so far, and they'll reply here when they're back. Meanwhile I can still "
          "help: say \"back to Tutor\" to carry on with me.")
ADDED = ("I've added that for the course staff; they'll reply here. Say \"back to Tutor\" to end "
         "the conversation with staff.")
ENDED = "You're back with Tutor. Ask me anything, or say \"help\" to see what I can run."
NONE_OPEN = "You're talking with Tutor already. Say \"can I talk to a human?\" if you'd like the course staff."
# What a message gets when the handoff it was routed to is no longer open (bot/data/rules.yml).
STALE_USUAL = {"greet": "utter_greet", "goodbye": "utter_goodbye"}
BROKEN = "Sorry, I couldn't reach the course staff's inbox just now. Please try again in a minute."


def transcript(tracker: Tracker, turns: int = TRANSCRIPT_TURNS) -> list[dict[str, str]]:
    """The last messages of the conversation, oldest first, as the tracker has them."""
    lines = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and (event.get("text") or "").strip():
            text = event["text"]
            if event["event"] == "user" and external(event):
                continue
            lines.append({"who": "learner" if event["event"] == "user" else "tutor",
                          "text": text[:TRANSCRIPT_CHARS]})
    return lines[-turns:]


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


class ActionHandoffOpen(Action):
    def name(self) -> str:
        return "action_handoff_open"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = (tracker.latest_message.get("text") or "").strip()
        try:
            with runtime.sessions()() as session:
                handoff = inbox.open_handoff_of(session, tracker.sender_id)
                stale = handoff is None and _intent(tracker) != "talk_to_human"
                if handoff is None and not stale:
                    available = inbox.staff_available(session)
                    inbox.open_handoff(session, learner_of(session, tracker), tracker.sender_id,
                                       transcript(tracker), available)
                    session.commit()
                    dispatcher.utter_message(text=OPENED if available else NOBODY)
                    return [SlotSet(SLOT, True)]
                first = False
                if handoff is not None:
                    if text:
                        inbox.add_handoff_message(session, handoff, "learner", text)
                    first = handoff.acknowledged_at is None
                    handoff.acknowledged_at = handoff.acknowledged_at or utcnow()
                    session.commit()
        except SQLAlchemyError:
            log.exception("could not store the handoff of %s", tracker.sender_id)
            dispatcher.utter_message(text=BROKEN)
            return []
        if stale:
            # Staff closed it from the page: Tutor answers as usual. The slot stays as it is: an
            # event setting it left a tracker the rule that brought us here no longer continues,
            # so Rasa's fallback answered too and took the message back; each message comes
            # here once more and is answered the same way.
            return run_usual(STALE_USUAL.get(_intent(tracker) or "", "action_answer_question"),
                             dispatcher, tracker, domain)
        if first:
            dispatcher.utter_message(text=ADDED)
        return [SlotSet(SLOT, True)]


class ActionHandoffEnd(Action):
    def name(self) -> str:
        return "action_handoff_end"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            with runtime.sessions()() as session:
                handoff = inbox.open_handoff_of(session, tracker.sender_id)
                if handoff is not None:
                    inbox.close_handoff(session, handoff)
                    session.commit()
        except SQLAlchemyError:
            log.exception("could not close the handoff of %s", tracker.sender_id)
            dispatcher.utter_message(text=BROKEN)
            return []
        dispatcher.utter_message(text=ENDED if handoff is not None else NONE_OPEN)
        return [SlotSet(SLOT, False)]
