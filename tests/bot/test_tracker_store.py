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
