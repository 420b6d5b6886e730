"""bot/tracker_store.py: the cached store gives every turn the tracker Rasa's own SQL store
would, and writes every event to SQL as it would (run inside Rasa's own venv)."""

import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.rasa

SETUP = """
    import asyncio, json
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from bot.tracker_store import CachedSQLTrackerStore

    domain = Domain.from_yaml('''
    version: "3.1"
    intents: [greet]
    slots:
      lesson_asking: {{type: bool, mappings: [{{type: custom}}]}}
    ''')
    url = "sqlite:///{db}"
    cached = CachedSQLTrackerStore(domain=domain, host=url, cache_conversations={size})
    plain = SQLTrackerStore(domain=domain, host=url)
    run = asyncio.run

    def events(tracker):
        return [e.as_dict() for e in tracker.events] if tracker else None

    def turn(sender, text, *extra):
        tracker = run(cached.retrieve(sender)) or run(cached.create_tracker(sender, append_action_listen=False))
        tracker.update(UserUttered(text, {{"name": "greet", "confidence": 1.0}}))
        for event in extra:
            tracker.update(event)
        tracker.update(ActionExecuted("action_listen"))
        run(cached.save(tracker))
        return tracker
"""


def _run(tmp_path, code: str, size: int = 2000) -> str:
    script = textwrap.dedent(SETUP.format(db=tmp_path / "tracker.db", size=size)) + textwrap.dedent(code)
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", script], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_a_cached_conversation_reads_back_exactly_what_rasas_sql_store_reads(tmp_path):
    out = _run(tmp_path, """
        for i in range(5):
            turn("learner-a", f"hello {i}", SlotSet("lesson_asking", i % 2 == 0))
        turn("learner-b", "hi")
        for sender in ("learner-a", "learner-b"):
            assert sender in cached._sessions  # served from memory
            assert events(run(cached.retrieve(sender))) == events(run(plain.retrieve(sender)))
        assert run(cached.retrieve("learner-a")).get_slot("lesson_asking") is True
        print(len(run(plain.retrieve("learner-a")).events))
    """)
    assert out == "15"  # 5 turns of 3 events, every one written to SQL


def test_a_new_session_is_read_from_its_session_start_like_rasa_reads_it(tmp_path):
    _run(tmp_path, """
        turn("learner-a", "before")
        tracker = run(cached.retrieve("learner-a"))
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(ActionExecuted("action_listen"))
        run(cached.save(tracker))
        turn("learner-a", "after")
        ours, rasas = events(run(cached.retrieve("learner-a"))), events(run(plain.retrieve("learner-a")))
        assert ours == rasas and ours[0]["event"] == "session_started", ours
        assert "before" not in json.dumps(ours)
    """)


def test_the_cache_forgets_the_least_recent_conversation_and_can_be_turned_off(tmp_path):
    _run(tmp_path, """
        for sender in ("a", "b", "c"):
            turn(sender, "hi")
        run(cached.retrieve("a"))  # a is fresh again, b is the oldest
        turn("d", "hi")
        assert list(cached._sessions) == ["c", "a", "d"], list(cached._sessions)
        assert events(run(cached.retrieve("b"))) == events(run(plain.retrieve("b")))  # from SQL
    """, size=3)
    (tmp_path / "off").mkdir()
    _run(tmp_path / "off", """
        turn("x", "hi"); turn("x", "again")
        assert not cached._sessions
        assert len(run(plain.retrieve("x")).events) == 4, events(run(plain.retrieve("x")))
    """, size=0)


def test_sqlite_keeps_one_open_connection_instead_of_one_per_turn(tmp_path):
    out = _run(tmp_path, """
        turn("a", "hi")
        connections = set()
        from sqlalchemy import event
        event.listen(cached.engine, "connect", lambda conn, record: connections.add(id(conn)))
        for i in range(5):
            turn("a", f"again {i}")
        print(type(cached.engine.pool).__name__, len(connections))
    """)
    assert out == "SingletonThreadPool 0"  # five turns, no new connection


def test_a_turn_that_changes_its_tracker_but_never_saves_leaves_the_cache_as_sql_has_it(tmp_path):
    _run(tmp_path, """
        turn("a", "hi")
        abandoned = run(cached.retrieve("a"))
        abandoned.update(UserUttered("never saved", {"name": "greet", "confidence": 1.0}))
        abandoned.update(SlotSet("lesson_asking", True))
        again = run(cached.retrieve("a"))
        assert events(again) == events(run(plain.retrieve("a")))
        assert again.get_slot("lesson_asking") is None and "never saved" not in json.dumps(events(again))
    """)


def test_a_cached_conversation_is_replayed_from_its_events_without_reading_json(tmp_path):
    out = _run(tmp_path, """
        for i in range(3):
            turn("a", f"hi {i}")
        import rasa.shared.core.events as rasa_events
        calls = []
        original = rasa_events.Event.from_parameters
        rasa_events.Event.from_parameters = staticmethod(lambda data: calls.append(data) or original(data))
        tracker = run(cached.retrieve("a"))
        print(len(tracker.events), len(calls))
    """)
    assert out == "6 0"  # three turns of two events back, none deserialised from JSON


@pytest.mark.parametrize("size", [2000, 0])
def test_a_forget_mark_deletes_every_stored_session_and_the_cache_never_hands_them_back(tmp_path, size):
    """actions/forget_me.py's Restarted(FORGET) deletes the conversation in SQL and in memory, even
    saved through the stale tracker that still holds the old events, and leaves others alone."""
    _run(tmp_path, """
        from rasa.shared.core.events import Restarted
        from bot.tracker_store import FORGET
        turn("a", "my secret", SlotSet("lesson_asking", True))
        tracker = run(cached.retrieve("a"))
        tracker.update(ActionExecuted("action_session_start")); tracker.update(SessionStarted())
        tracker.update(ActionExecuted("action_listen")); run(cached.save(tracker))
        turn("a", "another secret")
        turn("b", "keep me")
        stale = turn("a", "forget me", Restarted(metadata={FORGET: True}))
        for store in (cached, plain):
            kept = events(run(store.retrieve("a")))
            assert [e["event"] for e in kept] == ["restart", "action"] and "secret" not in json.dumps(kept), kept
        with plain.session_scope() as session:  # every session's rows went, not just the latest
            rows = [r.data for r in session.query(plain.SQLEvent).filter(plain.SQLEvent.sender_id == "a")]
        assert len(rows) == 2 and "secret" not in "".join(rows), rows
        assert run(cached.retrieve("a")).get_slot("lesson_asking") is None
        run(cached.save(stale))  # the turn's own tracker saved again: still forgotten
        assert "secret" not in json.dumps(events(run(plain.retrieve("a"))))
        assert "keep me" in json.dumps(events(run(plain.retrieve("b"))))
        turn("a", "hello again")  # the conversation goes on from the mark
        assert events(run(cached.retrieve("a"))) == events(run(plain.retrieve("a")))
    """, size=size)
