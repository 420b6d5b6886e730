"""bot/launch.py's speed fixes keep Rasa's behaviour: run inside Rasa's own venv."""

import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.rasa


def _in_rasa_venv(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", textwrap.dedent(code)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_launch_still_rejects_a_malformed_action_response_with_rasas_message():
    done = _in_rasa_venv("""
        from bot.launch import _validate_with_cached_schema
        _validate_with_cached_schema()
        from jsonschema import ValidationError
        from rasa.core.actions.action import RemoteAction
        action = RemoteAction("action_x", None)
        assert action._validate_action_result({"events": [], "responses": [{"text": "hi"}]})
        try:
            action._validate_action_result({"events": "not a list", "responses": []})
        except ValidationError as exc:
            assert "Failed to validate Action server response" in exc.message
            print("rejected")
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "rejected"


def test_launch_puts_sqlite_in_wal_mode(tmp_path):
    done = _in_rasa_venv(f"""
        from bot.launch import _fast_sqlite_commits
        _fast_sqlite_commits()
        import sqlalchemy as sa
        engine = sa.create_engine("sqlite:///{tmp_path / 'tracker.db'}")
        with engine.connect() as conn:
            print(conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                  conn.exec_driver_sql("PRAGMA synchronous").scalar())
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["wal", "1"]  # 1 = NORMAL


def test_launch_makes_a_waiting_message_take_the_conversation_lock_long_before_rasas_1_s_poll():
    done = _in_rasa_venv("""
        import asyncio, time
        from bot.launch import _poll_conversation_locks_often
        _poll_conversation_locks_often()
        from rasa.core.lock_store import InMemoryLockStore

        async def main():
            store = InMemoryLockStore()
            async def holder():
                async with store.lock("c1"):
                    await asyncio.sleep(0.1)
            task = asyncio.create_task(holder())
            await asyncio.sleep(0.01)
            started = time.perf_counter()
            async with store.lock("c1"):
                waited = time.perf_counter() - started
            await task
            print(round(waited, 3))

        asyncio.run(main())
    """)
    assert done.returncode == 0, done.stderr
    assert 0.05 < float(done.stdout) < 0.6  # held for 0.1 s; Rasa's own polling would wait 1 s


def test_launch_keeps_one_http_session_per_endpoint_open_across_action_calls():
    done = _in_rasa_venv("""
        import asyncio
        from bot.launch import _reuse_http_sessions
        _reuse_http_sessions()
        from rasa.utils.endpoints import EndpointConfig

        async def calls():
            actions, other = EndpointConfig("http://127.0.0.1:1/webhook"), EndpointConfig("http://127.0.0.1:2")
            async with actions.session() as first:
                pass
            async with actions.session() as second:
                pass
            async with other.session() as third:
                pass
            assert first is second and not first.closed  # kept open, reused
            assert third is not first  # one per endpoint
            await first.close()
            async with actions.session() as fresh:
                assert fresh is not first and not fresh.closed  # a closed one is replaced
            print("kept")

        asyncio.run(calls())
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("kept")


def test_launch_understands_messages_in_a_thread_of_its_own_and_keeps_rasas_parse_result():
    done = _in_rasa_venv("""
        import asyncio, threading
        from bot.launch import _parse_off_the_event_loop
        from rasa.core.channels.channel import UserMessage
        from rasa.core.processor import MessageProcessor

        seen = []
        class Fake:
            http_interpreter = None
            def _parse_message_with_graph(self, message, tracker, only_output_properties=True):
                seen.append((threading.current_thread().name, tracker.sender_id))
                return {"text": message.text, "intent": {"name": "greet", "confidence": 0.9}, "entities": []}
            _update_full_retrieval_intent = MessageProcessor._update_full_retrieval_intent
            def _check_for_unseen_features(self, parse_data):
                seen.append(("checked", parse_data["intent"]["name"]))

        _parse_off_the_event_loop()
        parsed = asyncio.run(MessageProcessor.parse_message(Fake(), UserMessage("hi", sender_id="s1")))
        assert parsed["intent"] == {"name": "greet", "confidence": 0.9}, parsed
        assert seen[0][0].startswith("nlu") and seen[0][0] != threading.main_thread().name, seen
        assert seen[0][1] == "s1" and seen[1] == ("checked", "greet"), seen
        print("off the loop")
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("off the loop")
