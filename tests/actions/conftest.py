import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime


@pytest.fixture
def action_db(monkeypatch, sqlite_sessions, settings):
    """Point the action server's lazily made resources at a temporary, migrated database."""
    monkeypatch.setattr(runtime, "sessions", lambda: sqlite_sessions)
    monkeypatch.setattr(runtime, "settings", lambda: settings)
    return sqlite_sessions


def tracker_for(text: str, sender: str = "learner-1", intent: str = "train_neuron",
                entities: list | None = None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.99},
               "entities": entities or []}
    events = [{"event": "user", "text": text, "parse_data": message, "input_channel": "socketio"}]
    return Tracker(sender, {}, message, events, False, None, {}, "action_listen")


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


def texts(dispatcher: CollectingDispatcher) -> str:
    """Everything the action said, as one string."""
    return " ".join(m.get("text") or "" for m in dispatcher.messages)
