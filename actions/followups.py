"""What the learner's previous message asked for, for replies that depend on it ("let's do the
computer vision one" right after the lesson list; "and this one: <sentence>" right after a
classification)."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.usual import run_usual

# "and this one: ...", "what about 'meh, fine'", "now: ...": the same again, on a new sentence
SAME_AGAIN = re.compile(r"^\s*(?:and|now|also|ok|okay|then|next|what about|how about|same for|try)\b"
                        r"[^:\"'“‘]{0,30}(?::|[\"'“‘])", re.I)
SENTENCE_TOOLS = {"classify_sentiment": "action_classify_sentiment", "tokenize_text": "action_tokenize"}


def _intent(event: dict[str, Any]) -> str | None:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def external(event: dict[str, Any]) -> bool:
    """A push (a job result, a staff message), not the learner's words. Rasa records one sent by
    trigger_intent as the text 'EXTERNAL: EXTERNAL_...' with that intent."""
    text = event.get("text") or ""
    return (_intent(event) or "").startswith("EXTERNAL_") or text.startswith(("/EXTERNAL_", "EXTERNAL: "))


def _users(tracker: Tracker) -> list[dict[str, Any]]:
    """The learner's own messages: a pushed result often lands between two of them."""
    return [e for e in tracker.events if e.get("event") == "user" and not external(e)]


def previous_intent(tracker: Tracker) -> str | None:
    """The intent of the learner's message before the latest one."""
    users = _users(tracker)
    return _intent(users[-2]) if len(users) > 1 else None


def same_tool_again(dispatcher: CollectingDispatcher, tracker: Tracker,
                    domain: dict[str, Any]) -> list[dict[str, Any]] | None:
    """"and this one: best two hours all year" after "is this positive: ...": classify (or
    tokenize) the new sentence, whatever NLU made of it alone (off-topic, here). Earlier
    follow-ups in a row count as the tool they followed. None: not such a follow-up."""
    if not SAME_AGAIN.match(tracker.latest_message.get("text") or ""):
        return None
    for event in reversed(_users(tracker)[:-1]):
        intent = _intent(event)
        if intent in SENTENCE_TOOLS:
            return run_usual(SENTENCE_TOOLS[intent], dispatcher, tracker, domain)
        if not SAME_AGAIN.match(event.get("text") or ""):
            return None
    return None
