"""action_review_code: "why doesn't this work?" with pasted Keras code -> the mistakes, by line.

The code is the message itself (or, for "review my model" on its own, the learner's last paste
in this conversation). usercode/ parses it with `ast`; nothing here or there runs it.
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from usercode.extract import CodeRefused, code_of, sketch
from usercode.review import render, review

ASK_FOR_CODE = ("Paste your Keras code (ideally in a ``` code block: the model, compile and fit) and ask "
                "\"what's wrong with it?\". I read it without running it and point at the lines to change.")


def pasted_code(tracker: Tracker) -> tuple[str, str] | None:
    """(code, the message it came in) from the latest message, else from the learner's most recent
    message in this conversation that held code; None when they never pasted any."""
    latest = tracker.latest_message.get("text") or ""
    messages = [latest] + [event.get("text") or "" for event in reversed(tracker.events or [])
                           if event.get("event") == "user"]
    for text in messages:
        if not text.strip():
            continue
        try:
            return code_of(text), text
        except CodeRefused as refused:
            if "lines of code" in str(refused) and text is latest:
                raise
    return None


class ActionReviewCode(Action):
    def name(self) -> str:
        return "action_review_code"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        question = tracker.latest_message.get("text") or ""
        try:
            found = pasted_code(tracker)
            if found is None:
                dispatcher.utter_message(text=ASK_FOR_CODE)
                return []
            code, _ = found
            read = sketch(code)
        except CodeRefused as refused:
            dispatcher.utter_message(text=str(refused))
            return []
        dispatcher.utter_message(text=render(review(read, question), read))
        return []
