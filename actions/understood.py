"""What the understanding layer decided about the latest message (bot/understanding_component.py
puts it in the parse data), read back for the actions that answer questions."""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rasa_sdk import Tracker

from actions import runtime
from faq.knowledge import Entry


class Answer(NamedTuple):
    entry: Entry
    score: float


@dataclass(frozen=True)
class Decision:
    intent: str | None
    entry_id: str | None = None
    score: float = 0.0
    closest: list[tuple[str, float]] = field(default_factory=list)
    alternative: str | None = None  # a command to offer beside the explanation
    paste: str | None = None
    language: str | None = None  # "other": written in a language Tutor does not read


def decision(tracker: Tracker) -> Decision:
    message: dict[str, Any] = tracker.latest_message or {}
    data = message.get("understanding") or {}
    return Decision(
        intent=data.get("intent") or (message.get("intent") or {}).get("name"),
        entry_id=data.get("entry_id"),
        score=float(data.get("score") or 0.0),
        closest=[(str(i), float(s)) for i, s in data.get("closest") or []],
        alternative=data.get("alternative"),
        paste=data.get("paste"),
        language=data.get("language"),
    )


def answer(tracker: Tracker) -> Answer | None:
    """The entry the understanding layer would answer this message with, if any."""
    found = decision(tracker)
    entry = runtime.faq().entry(found.entry_id) if found.entry_id else None
    return Answer(entry, found.score) if entry else None
