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
                entities: list | None = None, understanding: dict | None = None) -> Tracker:
    """A tracker whose latest message was parsed as given; `understanding` is the decision
    bot/understanding_component.py adds to the parse data (tracker_from_router makes a real one)."""
    message = {"text": text, "intent": {"name": intent, "confidence": 0.99},
               "entities": entities or []}
    if understanding is not None:
        message["understanding"] = understanding
    events = [{"event": "user", "text": text, "parse_data": message, "input_channel": "socketio"}]
    return Tracker(sender, {}, message, events, False, None, {}, "action_listen")


def tracker_from_router(router, text: str, sender: str = "learner-1") -> Tracker:
    """The tracker Rasa would hand the action server: the real router's decision on `text`."""
    decision = router.understand(text)
    entities = [{"entity": "faq_id", "value": decision.entry_id}] if decision.entry_id else []
    return tracker_for(text, sender, decision.intent, entities, decision.as_dict())


class ContractDispatcher(CollectingDispatcher):
    """A CollectingDispatcher that fails the test when an action sends a custom payload outside
    the chat payload contract (tutor/payloads.py), so every action test checks its producers."""

    def utter_message(self, *args, json_message=None, **kwargs):
        if json_message is not None:
            from tutor.payloads import parse

            assert set(json_message) == {"data"}, "custom payloads travel as {'data': payload}"
            parse(json_message["data"])
        super().utter_message(*args, json_message=json_message, **kwargs)


@pytest.fixture
def dispatcher():
    return ContractDispatcher()


def texts(dispatcher: CollectingDispatcher) -> str:
    """Everything the action said, as one string."""
    return " ".join(m.get("text") or "" for m in dispatcher.messages)


def jobs_in_order(session) -> list:
    """Every job, oldest first. Job numbers grow by a random step (db/models.py), so tests find
    jobs by order, never by guessing their numbers."""
    from sqlalchemy import select

    from db.models import Job

    return list(session.scalars(select(Job).order_by(Job.id)))


def only_job(session):
    jobs = jobs_in_order(session)
    assert len(jobs) == 1, [job.id for job in jobs]
    return jobs[0]
